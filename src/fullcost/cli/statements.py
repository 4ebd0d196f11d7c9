"""`fullcost statements and fullcost export: the books of a lab.`"""

from __future__ import annotations
