"""`fullcost ledger, ingest and track: a lab's own records.`"""

from __future__ import annotations
