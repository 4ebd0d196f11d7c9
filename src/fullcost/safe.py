"""Text from scenarios, catalogs and records, made safe for where it is written.

- Terminals: rich reads ``[bold]`` as markup, so a label such as ``research [senior]`` would lose its
  bracket and ``[/]`` would crash the output; ``term`` escapes it and caps its length (a 200 KB name
  would take rich minutes to wrap).
- CSV files: a spreadsheet opening a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return reads it as a formula (OWASP's "CSV injection"); ``csv_cell`` prefixes such text with ``'`` so it
  stays text. Numbers are left alone: they stay numbers.
- Workbooks: ``sheet_text`` drops the control characters XML cannot hold and caps text at Excel's cell
  limit; the workbook writer marks every text cell as text (see ``fullcost.report.xlsx``).
"""

from __future__ import annotations

import re
from typing import Any

TERMINAL_LIMIT = 300  # characters of one label shown on a terminal
EXCEL_LIMIT = 32_767  # characters Excel holds in one cell
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cap(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    rest = len(text) - limit
    return f"{text[:limit]}… ({rest:,} more characters)"


def term(value: Any, limit: int = TERMINAL_LIMIT) -> str:
    """Text printed literally by rich (markup escaped) and no longer than ``limit`` characters."""
    from rich.markup import escape

    return escape(cap(str(value), limit))


def csv_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet reads as a formula: text starting with ``= + - @``, tab or CR gets ``'``.
    A carriage return inside text is written as a line feed, so the writer quotes the field (Python's csv
    module quotes only the characters of its line terminator, ``\n`` here) and readers keep the row whole."""
    if not isinstance(value, str):
        return value
    text = "'" + value if value.startswith(FORMULA_PREFIXES) else value
    return text.replace("\r\n", "\n").replace("\r", "\n")


def csv_row(values: list[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


def sheet_text(value: str) -> str:
    """Text a workbook cell can hold: no control characters XML forbids, at most Excel's 32,767 characters."""
    text = _XML_ILLEGAL.sub("\ufffd", value)
    if len(text) > EXCEL_LIMIT:
        text = cap(text, EXCEL_LIMIT - 40)
    return text
