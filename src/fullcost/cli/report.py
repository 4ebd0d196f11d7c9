"""`fullcost report: the HTML report, figures and workbook.`"""

from __future__ import annotations
