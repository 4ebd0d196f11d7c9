"""The data a report is made of: for each model, the estimate's JSON with what the page needs to read it (title,
histogram, assumptions, statements, what is missing) and the analyses beyond the headline, computed by the caller."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fullcost.report import charts
from fullcost.report.assumptions import Assumption, labels, problems, rows
from fullcost.report.statements import STATEMENTS, statement_tables

if TYPE_CHECKING:
    from fullcost.estimation import Estimate


@dataclass
class ExportPremium:
    """The export-control premium: the scenario against its ``unrestricted`` variant, or why there is none."""

    applies: bool
    reason: str = ""  # why the premium is not shown
    missing: bool = False  # the scenario works under controls but lacks what the premium needs
    variant: str = ""  # the variant's name, e.g. deepseek-v3@unrestricted
    description: str = ""
    unrestricted: dict[str, Any] | None = None  # the variant's estimate JSON, same samples and seed
    premium: dict[str, Any] | None = None  # analysis.premium.premium: the sample-wise difference

    def as_json(self) -> dict[str, Any]:
        return {"applies": self.applies, "reason": self.reason or None, "variant": self.variant or None,
                "description": self.description or None, "unrestricted": self.unrestricted,
                "premium": self.premium}


@dataclass
class Beyond:
    """Beyond the headline, for one model: the outputs of ``fullcost.analysis`` (claim, replicate, trend) and
    the export-control premium, computed by the caller on the same estimate (the report only lays them out)."""

    claim: dict[str, Any]  # analysis.claim.check
    claim_given: bool  # True: a figure given with --claim; False: the headline checked as a claim
    replicate: dict[str, Any]  # analysis.replicate.public(replicate(...))
    trend: dict[str, Any]  # analysis.trend.trend
    export: ExportPremium

    def as_json(self) -> dict[str, Any]:
        return {"claim": self.claim, "claim_given": self.claim_given, "replicate": self.replicate,
                "trend": self.trend, "export_controls": self.export.as_json()}


@dataclass
class ModelReport:
    """One model's part of a report: the estimate's JSON and what the report adds to read it."""

    out: dict[str, Any]
    title: str
    developer: str | None
    released: str | None
    description: str | None
    hist: charts.Histogram
    assumptions: list[Assumption]
    scenario_notes: list[str] = field(default_factory=list)
    statements: dict[str, Any] | None = None
    statements_note: str = ""
    missing: list[str] = field(default_factory=list)
    beyond: Beyond | None = None

    @property
    def name(self) -> str:
        return str(self.out["name"])

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or "model"

    @property
    def labels(self) -> dict[str, str]:
        return labels(self.assumptions)

    @property
    def view(self) -> dict[str, Any]:
        """The JSON with the model's title, as the charts name it."""
        return {**self.out, "title": self.title}


def model_report(est: Estimate, out: dict[str, Any], statements: dict[str, Any] | None = None,
                 statements_note: str = "", beyond: Beyond | None = None) -> ModelReport:
    """Everything the renderers need for one model; bins the total for the histogram (no samples kept)."""
    sc = est.doc.scenario
    title = sc.title or sc.name
    if sc.variant:
        title = f"{title} ({sc.variant})"
    items = rows(est)
    m = ModelReport(out, title, sc.developer, sc.released.isoformat() if sc.released else None, sc.description,
                    charts.histogram(est.development_total), items, list(sc.notes), statements,
                    statements_note or "no statements were given (pass --statements FILE, the JSON of the "
                                        "lab's books)", beyond=beyond)
    if out.get("lab_annual") is None:
        m.missing.append("The lab's annual cost: the scenario has no lab or fleet section.")
    if statements is None:
        m.missing.append(f"Financial statements: {m.statements_note}.")
    else:
        have = {t.key for t in statement_tables(statements)}
        m.missing += [f"{title_}: not in the statements given." for key, title_, _ in STATEMENTS if key not in have]
    if not out.get("sensitivity"):
        m.missing.append("Sensitivity: every input is a single value, so there is nothing to rank.")
    if beyond is not None and beyond.export.missing:
        m.missing.append(f"The export-control premium: {beyond.export.reason}")
    m.missing += [f"The source of {p}." for p in problems(items)]
    m.missing += [f"Warning: {w}" for w in out.get("warnings", [])]
    return m
