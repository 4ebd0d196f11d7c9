"""fullcost: the true cost of building an AI model, from the headline training run to the all-in figure."""

__version__ = "0.1.0"
