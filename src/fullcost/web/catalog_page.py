"""The catalog page: every model with its headline, amortized final run, development cost and headline share,
sortable and filterable by organisation, year and frontier rank (in the URL), and the same rows as CSV. The rows
are `fullcost models`'s; the figures are each model's `fullcost estimate` JSON."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from fullcost.errors import InputError
from fullcost.report.listing import model_table_rows, write_csv
from fullcost.report.markup import FORMATS, e
from fullcost.web.layout import page
from fullcost.web.work import CATALOG_SAMPLES

COLUMNS = (("name", "model", False), ("developer", "organisation", False), ("released", "released", False),
           ("frontier_rank", "frontier (top n)", True), ("headline", "headline", True),
           ("amortized", "final run, amortized", True), ("development", "development cost", True),
           ("share", "headline share", True))
FIGURES: dict[str, tuple[tuple[str, ...], str]] = {  # column -> path in the estimate JSON, format
    "headline": (("headline", "usd"), "usd"),
    "amortized": (("final_run", "amortized_usd", "mean"), "usd"),
    "development": (("development", "total_usd", "mean"), "usd"),
    "share": (("coverage", "headline_share", "p50"), "pct"),
}


def figure(row: dict[str, Any], col: str) -> float | None:
    est = row.get("estimate")
    if not isinstance(est, dict):
        return None
    v: Any = est
    for k in FIGURES[col][0]:
        v = v.get(k) if isinstance(v, dict) else None
    return float(v) if isinstance(v, (int, float)) else None


def _first(params: Mapping[str, Sequence[str]], name: str) -> str:
    vals = params.get(name, ())
    return vals[0].strip()[:100] if vals else ""


def select(rows: list[dict[str, Any]], params: Mapping[str, Sequence[str]]
           ) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The rows the query asks for: ``org`` (text in the organisation), ``from`` (year), ``frontier`` (top n),
    ``sort`` (a column) and ``desc``."""
    q = {k: _first(params, k) for k in ("org", "from", "frontier", "sort", "desc")}
    out = rows
    if q["org"]:
        out = [r for r in out if q["org"].lower() in str(r.get("developer") or "").lower()]
    if q["from"]:
        if not q["from"].isdigit():
            raise InputError(f"from: expected a year, got '{q['from']}'")
        out = [r for r in out if r.get("released") and int(str(r["released"])[:4]) >= int(q["from"])]
    if q["frontier"]:
        if not q["frontier"].isdigit() or not 1 <= int(q["frontier"]) <= 20:
            raise InputError(f"frontier: expected a top n from 1 to 20, got '{q['frontier']}'")
        out = [r for r in out if r.get("frontier_rank") is not None and r["frontier_rank"] <= int(q["frontier"])]
    col = q["sort"] or "name"
    if col not in {c for c, _, _ in COLUMNS}:
        raise InputError(f"sort: expected one of {', '.join(c for c, _, _ in COLUMNS)}, got '{col}'")
    desc = q["desc"] in ("1", "true", "yes")

    def value(r: dict[str, Any]) -> Any:
        v = figure(r, col) if col in FIGURES else r.get(col)
        return v if isinstance(v, (int, float)) or v is None else str(v).lower()

    have = [r for r in out if value(r) is not None]
    out = sorted(have, key=value, reverse=desc) + [r for r in out if value(r) is None]
    return out, q


def _cell(r: dict[str, Any], col: str) -> str:
    if col in FIGURES:
        v = figure(r, col)
        return "–" if v is None else e(FORMATS[FIGURES[col][1]](v))
    v = r.get(col)
    if col == "name":
        return f'<a href="/m/{e(r["name"])}">{e(r.get("title") or r["name"])}</a>'
    return "–" if v is None else e(v)


def catalog_page(rows: list[dict[str, Any]], q: dict[str, str], total: int) -> str:
    def link(col: str) -> str:
        desc = "1" if q["sort"] == col and q["desc"] != "1" else ""
        pairs = [(k, v) for k, v in q.items() if v and k not in ("sort", "desc")] + [("sort", col)]
        return "?" + urlencode(pairs + ([("desc", desc)] if desc else []))

    head = "".join(f'<th scope="col"{" class=n" if num else ""}><a href="{e(link(c))}">{e(label)}</a></th>'
                   for c, label, num in COLUMNS)
    body = "".join("<tr>" + "".join(f'<td{" class=n" if num else ""}>{_cell(r, c)}</td>' for c, _, num in COLUMNS)
                   + "</tr>" for r in rows)
    csv_q = urlencode([(k, v) for k, v in q.items() if v])
    form = (f'<form class="state" method="get"><label>organisation <input type="search" name="org" '
            f'value="{e(q["org"])}" maxlength="100"></label> <label>released from <input type="number" name="from" '
            f'min="1900" max="2200" value="{e(q["from"])}"></label> <label>frontier top <input type="number" '
            f'name="frontier" min="1" max="20" value="{e(q["frontier"])}"></label>'
            f'<input type="hidden" name="sort" value="{e(q["sort"])}"><input type="hidden" name="desc" '
            f'value="{e(q["desc"])}"> <button type="submit">filter</button> <a href="/">all</a></form>')
    intro = (f"<p>{len(rows)} of {total} catalog models. Figures from each model's estimate at "
             f"{CATALOG_SAMPLES:,} simulations, seed 0 (a model's page recomputes at 100,000): the headline, the "
             "final run amortized (Epoch AI's method, mean), the development cost (mean) and the headline's share "
             "of it (median). Click a column to sort.</p>"
             f'<p class="downloads">Download: <a href="/models.csv?{e(csv_q)}" download>CSV</a> · '
             '<a href="/api/models">JSON (fullcost models --format json)</a></p>')
    table = (f'<div class="table-wrap"><table id="catalog"><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
             "</table></div>")
    return page("The catalog: headlines and full costs", form + intro + table, "fullcost · models")


def catalog_csv(rows: list[dict[str, Any]]) -> str:
    """`fullcost models --format csv`'s columns and, after them, the page's four figures."""
    flat = model_table_rows(rows)
    for f, r in zip(flat, rows, strict=True):
        for col in FIGURES:
            f[f"{col}_usd" if col != "share" else "headline_share_p50"] = figure(r, col)
    buf = io.StringIO()
    write_csv(flat, buf)
    return buf.getvalue()
