"""`fullcost claim, replicate and trend: beyond the headline.`"""

from __future__ import annotations
