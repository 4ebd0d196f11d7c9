"""Run a lab: draw its inputs once, post the journal under a policy, shape the JSON contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fullcost.books.draw import LabRun, draw
from fullcost.books.journal import Journal
from fullcost.books.lab import LabDoc
from fullcost.books.policy import Policy
from fullcost.books.post import post
from fullcost.books.statements import compare, difference_json, statements, year_json
from fullcost.summary import summarize

DEFAULT_SAMPLES = 2_000
DEFAULT_SEED = 0


@dataclass(frozen=True)
class Books:
    run: LabRun
    policy: Policy
    journal: Journal


def books(doc: LabDoc, policy: Policy, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED) -> Books:
    r = draw(doc, samples, seed)
    return Books(r, policy, post(r, policy))


def check_year(doc: LabDoc, year: int | None) -> tuple[int, ...] | None:
    if year is None:
        return None
    if year not in doc.lab.years:
        raise doc.error(("last_year",), f"no year {year} in this lab (years {doc.lab.founded.year} to "
                                        f"{doc.lab.last_year})")
    return (year,)


def to_json(b: Books, years: tuple[int, ...] | None = None, versus: Journal | None = None,
            presentation: str = "function") -> dict[str, Any]:
    """The statements' JSON; ``presentation``: the income statement by ``function`` (default) or by ``nature``."""
    lab = b.run.lab
    out: dict[str, Any] = {
        "name": lab.name,
        "policy": b.policy.standard,
        "policy_options": {"standard": b.policy.standard, "depreciation": b.policy.depreciation or b.run.method,
                           "useful_life_years": b.policy.useful_life_years, "compute": b.policy.compute,
                           "label": b.policy.label()},
        "title": lab.title or lab.name,
        "developer": lab.developer,
        "illustrative": lab.illustrative,
        "presentation": presentation,
        "samples": b.run.n,
        "seed": b.run.seed,
        "years": [year_json(ys) for ys in statements(b.journal, years, presentation)],
        "programs": [{"release": p.release, "program": p.program, "released": p.released.isoformat(),
                      "headline_usd": p.headline_usd, "development_usd": summarize(p.development_usd),
                      "development_start": p.development_start.isoformat(),
                      "capitalize_from": p.capitalize_from.isoformat(),
                      "final_run": [p.final_run[0].isoformat(), p.final_run[1].isoformat()]}
                     for p in b.run.programs],
        "warnings": list(b.journal.warnings),
    }
    if versus is not None:
        diffs = compare(versus, b.journal, presentation)
        out["versus"] = {"policy": versus.policy,
                         "difference": [d for d in difference_json(diffs) if years is None or d["year"] in years]}
    return out


def statements_json(b: Books, years: tuple[int, ...] | None = None, versus: Journal | None = None,
                    presentation: str = "function") -> dict[str, Any]:
    """``fullcost statements --format json``: the statements' JSON and the overrides the lab was loaded with."""
    out = to_json(b, years, versus, presentation)
    out["overrides"] = [str(o) for o in getattr(b.run.doc, "overrides", ())]
    return out
