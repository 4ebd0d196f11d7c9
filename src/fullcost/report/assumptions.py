"""Every input a run drew, with its value or range and where it comes from: the report's assumptions table.

Inputs come from the run's sampler (``est.ctx.sampler.drawn``: name -> distribution and samples); each
distribution carries the text it was written as, its source, the figure as published and a note. A source
is a scenario source id, a catalog source id, a catalog citation ("Title (url, date)") or a URL; anything
else is shown as text and reported, never dropped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fullcost import catalog
from fullcost.quantity import Dist
from fullcost.summary import summarize

if TYPE_CHECKING:
    from fullcost.estimation import Estimate
    from fullcost.scenario import Doc

KINDS = {
    "point": "single value",
    "lognormal": "90% interval (lognormal)",
    "logitnormal": "90% interval (logit-normal)",
    "normal": "normal",
    "uniform": "uniform",
    "pert": "PERT",
    "choice": "weighted choice",
}

_CITATION = re.compile(r"^(?P<title>.*) \((?P<url>[^\s,()]*), (?P<date>[^()]*)\)$")


@dataclass(frozen=True)
class SourceRef:
    """A source as the report shows it: words, a link where there is a valid one, and any problem."""

    text: str
    url: str | None = None
    date: str | None = None
    problem: str | None = None


@dataclass(frozen=True)
class Assumption:
    name: str  # the input's name in the run (a dotted path into the scenario, or a catalog key)
    label: str  # the same in words
    origin: str  # "scenario" | "catalog"
    text: str  # the value or range as written
    kind: str
    low: float  # 5th percentile of the draws (the value itself for a single value)
    mid: float  # median
    high: float  # 95th percentile
    source: SourceRef | None
    published: str | None
    note: str | None

    def as_json(self) -> dict[str, Any]:
        s = self.source
        return {"name": self.name, "label": self.label, "origin": self.origin, "text": self.text,
                "kind": self.kind, "p5": self.low, "p50": self.mid, "p95": self.high,
                "source": None if s is None else {"text": s.text, "url": s.url, "date": s.date,
                                                  "problem": s.problem},
                "published": self.published, "note": self.note}


@functools.lru_cache(maxsize=4096)
def valid_url(u: str) -> bool:
    """An http(s) address a browser can open: a scheme, a host with a dot (or localhost), no spaces."""
    if not u or any(ch.isspace() for ch in u) or any(ch in u for ch in "<>\"'`"):
        return False
    try:
        p = urlsplit(u)
        host = p.hostname
    except ValueError:
        return False
    if p.scheme not in ("http", "https") or not host:
        return False
    return host == "localhost" or ("." in host and not host.startswith(".") and not host.endswith("."))


def _url(text: str, u: str | None, date: str | None) -> SourceRef:
    if not u:
        return SourceRef(text, None, date)
    if valid_url(u):
        return SourceRef(text, u, date)
    return SourceRef(text, None, date, f"'{u}' is not a valid web address")


def resolve(src: str | None, doc: Doc | None = None, sources: Mapping[str, Any] | None = None) -> SourceRef | None:
    """Where a ``source:`` points, in words and as a link; ``sources``: a file's own sources by id, where the file
    is not a model scenario (a lab)."""
    if src is None or not str(src).strip():
        return None
    src = str(src).strip()
    scen = sources if sources is not None else doc.scenario.sources if doc is not None else {}
    if src in scen:
        s = scen[src]
        text = s.title or src
        if s.document and not s.url:
            text += f" ({s.document})"
        return _url(text, s.url, s.date)
    cat = catalog.sources()
    if src in cat:
        e = cat[src]
        return _url(str(e.get("title", src)), _str(e.get("url")), _str(e.get("date")))
    m = _CITATION.match(src)
    if m and (m["url"] == "" or "://" in m["url"]):
        return _url(m["title"], m["url"] or None, m["date"] or None)
    if "://" in src or re.match(r"^(https?|www\.|[a-z]+:?//)", src, re.I):
        return _url(src, src, None)
    known = "scenario or catalog source id"
    return SourceRef(src, None, None, f"'{src}' is neither a {known} nor a web address")


def _str(x: Any) -> str | None:
    return None if x is None else str(x)


_INDEX = re.compile(r"\[(\d+)\]")


def _tokens(name: str) -> list[str | int]:
    return list(_tokens_of(name))


@functools.lru_cache(maxsize=4096)
def _tokens_of(name: str) -> tuple[str | int, ...]:
    out: list[str | int] = []
    for part in name.split("."):
        head = _INDEX.split(part)
        if head[0]:
            out.append(head[0])
        for i, tok in enumerate(head[1:]):
            if i % 2 == 0:
                out.append(int(tok))
    return tuple(out)


def _short(s: str) -> str:
    """A list entry's name without its parenthetical detail."""
    return s.split(" (")[0].strip() or s


_WORDS = (("usd per gpu hour", "$ per GPU-hour"), ("usd per kwh", "$ per kWh"), ("bf16 tflops", "BF16 TFLOP/s"),
          ("fp8 tflops", "FP8 TFLOP/s"), ("gpu hours", "GPU-hours"), ("gpus", "GPUs"), ("tdp w", "TDP (W)"),
          ("pue", "PUE"), ("oom", "OOM"), ("mfu", "MFU"), ("usd per kw month", "$ per kW-month"),
          ("usd per year", "$ a year"), ("usd per gpu", "$ per GPU"), ("usd", "($)"))


@functools.lru_cache(maxsize=4096)
def _words(key: str) -> str:
    w = f" {key.replace('_', ' ')} "
    for a, b in _WORDS:
        w = w.replace(f" {a} ", f" {b} ")
    return w.strip()


def label(name: str, doc: Doc | None = None, root: Any = None) -> str:
    """An input's name in words: list indices become the entries' names (``staff › research & engineering``);
    ``root``: the validated file the name is a path of, where it is not ``doc``'s scenario (a lab)."""
    toks = _tokens(name)
    if not toks:
        return name
    if toks[0] == "inputs" and len(toks) == 2:
        return f"{toks[1]} (shared input)"
    top = root if root is not None else doc.scenario if doc is not None else None
    node: Any = top if top is not None and str(toks[0]) in type(top).model_fields else None
    parts: list[str] = []
    for t in toks:
        if isinstance(t, int):
            item = node[t] if isinstance(node, list) and t < len(node) else None
            named = None
            for attr in ("name", "role", "hardware"):
                v = getattr(item, attr, None)
                if isinstance(v, str):
                    named = _short(v)
                    break
            if parts:
                parts[-1] = named or f"{parts[-1]} {t + 1}"
            node = item
            continue
        node = getattr(node, t, None) if node is not None else None
        parts.append(_words(t))
    if toks[0] == "regions" and len(parts) > 1:
        rest = parts[3:] if len(parts) > 3 and parts[2] == "staff" else parts[2:]
        parts = [parts[1].title(), *rest]
    elif toks[0] == "defaults":
        return " › ".join(parts[1:]) + " (default)" if len(parts) > 1 else name
    elif toks[0] == "hardware" and len(parts) > 1:
        parts = parts[1:]
    return " › ".join(p for p in parts if p)


def _origin(name: str) -> str:
    from fullcost.scenario import Scenario

    head = _tokens(name)[0] if name else ""
    return "scenario" if str(head) in Scenario.model_fields else "catalog"


def rows(est: Estimate) -> list[Assumption]:
    """The run's inputs: the scenario's first, then the catalog's, each in the order it was drawn."""
    drawn = est.ctx.sampler.drawn
    used = est.ctx.used
    out: list[Assumption] = []
    for name, (dist, arr) in drawn.items():
        d: Dist = used.get(name, dist)
        if d.is_point:
            lo = mid = hi = float(d.params[0])
        else:
            s = summarize(arr)
            lo, mid, hi = s["p5"], s["p50"], s["p95"]
        out.append(Assumption(name, label(name, est.doc), _origin(name), d.text or f"{mid:g}",
                              KINDS.get(d.kind, d.kind), lo, mid, hi, resolve(d.source, est.doc), d.published,
                              d.note))
    out.sort(key=lambda a: a.origin != "scenario")
    return out


def labels(items: list[Assumption]) -> dict[str, str]:
    return {a.name: a.label for a in items}


def problems(items: list[Assumption]) -> list[str]:
    """Sources that could not be linked, in words for the report's notes."""
    return [f"{a.label} ({a.name}): {a.source.problem}; shown as text"
            for a in items if a.source is not None and a.source.problem]
