"""fullcost: the true cost of building an AI model, from the headline training run to the all-in figure."""

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # `fullcost.track` (the run tracker) is imported on first use, so `import fullcost` stays light
    if name == "track":
        from fullcost.tracker import track

        return track
    raise AttributeError(f"module 'fullcost' has no attribute {name!r}")
