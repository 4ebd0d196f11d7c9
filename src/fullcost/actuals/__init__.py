"""Actuals: a lab's own records (Slurm, FOCUS bills, CodeCarbon, OpenCost, the run tracker) turned into the
full cost of its models, shown in the same views as an estimate."""
