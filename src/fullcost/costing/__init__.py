"""Costing: turn compute and inputs into dollars (rental, ownership, acquisition, program, staff, fleet)."""
