"""The small pieces of HTML the report is made of: escaping, numbers tagged with their JSON path (``fig``),
tables, chart figures (wide and narrow), and the notes for what is missing or does not apply."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from importlib import resources
from typing import Any

from fullcost import fmt
from fullcost.report import charts

FORMATS: dict[str, Callable[[float], str]] = {"usd": fmt.usd, "pct": fmt.pct, "num": fmt.num,
                                              "int": lambda v: f"{v:,.0f}", "year": lambda v: f"{v:.0f}",
                                              "oom": lambda v: f"{v:.2f}"}



def page_head(title: str) -> str:
    """The opening of every page fullcost writes, up to the ``<head>``'s own links: the doctype, the character
    set, the viewport, the generator and the title (escaped)."""
    from fullcost import __version__

    return ("<!doctype html>\n"
            '<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="fullcost {e(__version__)}">'
            f"<title>{e(title)}</title>")

def e(s: Any) -> str:
    return escape(str(s), quote=True)


def fig(path: str, value: float, kind: str = "usd", src: str = "") -> str:
    """A number from the JSON, tagged with where it comes from so tests can check it (``src``: which JSON,
    when not the estimate's)."""
    where = f' data-src="{e(src)}"' if src else ""
    return f'<span data-fig="{e(path)}" data-fmt="{kind}"{where}>{e(FORMATS[kind](value))}</span>'


def interval(path: str, s: dict[str, float], kind: str = "usd", src: str = "") -> str:
    return f"{fig(path + '.p5', s['p5'], kind, src)}–{fig(path + '.p95', s['p95'], kind, src)}"


def mean_and_interval(path: str, s: dict[str, float], kind: str = "usd", src: str = "") -> tuple[str, str]:
    if s["p5"] == s["p95"]:
        return fig(path + ".mean", s["mean"], kind, src), ""
    return fig(path + ".mean", s["mean"], kind, src), interval(path, s, kind, src)


def asset(name: str) -> str:
    return resources.files("fullcost.report").joinpath("assets", name).read_text(encoding="utf-8")


def chart_figure(fid: str, wide: charts.Chart | None, narrow: charts.Chart, caption: str, h: str = "") -> str:
    out = [f'<figure id="{e(fid)}">']
    if h:
        out.append(h)
    if wide is not None:
        out.append(f'<div class="chart-wide">{wide.svg(fid + "-w")}</div>')
        out.append(f'<div class="chart-narrow">{narrow.svg(fid + "-n")}</div>')
    else:
        out.append(f'<div>{narrow.svg(fid + "-n")}</div>')
    out.append(f"<figcaption>{caption}</figcaption></figure>")
    return "".join(out)


def data_table(head: Sequence[tuple[str, bool]], body: Sequence[str], caption: str = "", tid: str = "",
               cls: str = "") -> str:
    ths = "".join(f'<th scope="col"{" class=n" if num else ""}>{e(h)}</th>' for h, num in head)
    if "stack" in cls.split():  # on a phone each row becomes a block, each cell labelled with its column
        body = [label_cells(r, [h for h, _ in head]) for r in body]
    cap = f"<caption>{caption}</caption>" if caption else ""
    attrs = (f' id="{e(tid)}"' if tid else "") + (f' class="{e(cls)}"' if cls else "")
    return (f'<div class="table-wrap"><table{attrs}>{cap}<thead><tr>{ths}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def label_cells(row: str, heads: list[str]) -> str:
    parts = row.split("<td")
    out = parts[0]
    for i, p in enumerate(parts[1:]):
        out += f'<td data-label="{e(heads[i] if i < len(heads) else "")}"' + p
    return out


def missing(what: str) -> str:
    return f'<p class="missing"><strong>Not in this report:</strong> {what}</p>'


def na(what: str) -> str:
    return f'<p class="na"><strong>Does not apply:</strong> {what}</p>'
