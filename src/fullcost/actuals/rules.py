"""Rules: which usage and bills belong to which model and phase. First match wins; the rest is "unattributed".

A rules file (YAML)::

    rules:
      - match: {account: frontier, job_name: "v4-pretrain*"}   # Slurm fields
        model: v4
        phase: final_run
      - match: {job_name: ["v4-ablation-*", "v4-scaling-*"]}
        model: v4
        phase: experiments
      - match: {tags.project: v4}                               # FOCUS Tags (JSON)
        model: v4
      - match: {labels.team: llm, namespace: "train-*"}        # Kubernetes (OpenCost)
        model: v4
        phase: experiments

A value is a text (``*`` and ``?`` are wildcards) or a list of them. A rule applies to a source when the source
has every field the rule names: Slurm jobs (cluster, account, partition, user, job_name, state), CodeCarbon
(project_name, experiment_id, run_id), OpenCost (cluster, node, namespace, controller_kind, controller, pod,
container, labels.KEY) and FOCUS bills (any FOCUS column, tags.KEY). Phases: final_run, experiments,
validation, related_model, failed, inference, other (default). Failed, cancelled, timed-out and out-of-memory
jobs count as failed work of the rule's model unless the rule says ``failed: keep``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fullcost import yamlio
from fullcost.actuals import schema as sch
from fullcost.errors import InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir

PHASES = ("final_run", "experiments", "validation", "related_model", "failed", "inference", "other")
ALIASES = {
    "final": "final_run", "final-run": "final_run", "finalrun": "final_run", "pretrain": "final_run",
    "pretraining": "final_run", "final_training": "final_run",
    "experiment": "experiments", "ablation": "experiments", "ablations": "experiments", "ablate": "experiments",
    "scaling": "experiments", "research": "experiments", "exploration": "experiments",
    "eval": "validation", "evals": "validation", "evaluation": "validation", "validate": "validation",
    "related": "related_model", "related-model": "related_model", "distillation": "related_model",
    "fail": "failed", "failure": "failed", "serving": "inference", "serve": "inference",
}
UNATTRIBUTED = "unattributed"

SOURCE_FIELDS: dict[str, tuple[str, ...]] = {
    "slurm": ("cluster", "account", "partition", "user", "job_name", "state"),
    "codecarbon": ("project_name", "experiment_id", "run_id"),
    "opencost": ("cluster", "node", "namespace", "controller_kind", "controller", "pod", "container"),
    "focus": tuple(sch.FOCUS_COLUMNS),
}
PREFIXED = {"tags": "focus", "labels": "opencost"}  # tags.KEY, labels.KEY: a key of a JSON column


def phase_of(text: str) -> str | None:
    p = str(text).strip().lower().replace(" ", "_")
    p = ALIASES.get(p, ALIASES.get(p.replace("_", "-"), p))
    return p if p in PHASES else None


@dataclass(frozen=True)
class Rule:
    index: int
    match: dict[str, tuple[str, ...]]
    model: str
    phase: str
    keep_phase_on_failure: bool
    line: int | None

    def sources(self) -> list[str]:
        out = []
        for src, fields in SOURCE_FIELDS.items():
            ok = True
            for f in self.match:
                pre = f.split(".", 1)[0] if "." in f else None
                ok = ok and (PREFIXED[pre] == src if pre in PREFIXED else f in fields)
            if ok:
                out.append(src)
        return out

    def describe(self) -> str:
        parts = [f"{k}: {v[0] if len(v) == 1 else list(v)}" for k, v in self.match.items()]
        return "{" + ", ".join(parts) + "}"


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]
    file: str

    def for_source(self, src: str) -> list[Rule]:
        return [r for r in self.rules if src in r.sources()]


EMPTY = Rules((), "")


def _known_fields() -> list[str]:
    names = {f for fs in SOURCE_FIELDS.values() for f in fs}
    return [*sorted(names), "tags.KEY", "labels.KEY"]


def load(path: str | Path) -> Rules:
    data, pos = yamlio.load(path)
    return from_data(data, pos, str(path))


def loads(text: str, file: str) -> Rules:
    data, pos = yamlio.loads(text, file)
    return from_data(data, pos, file)


def from_data(data: Any, pos: yamlio.Positions, file: str) -> Rules:
    def err(path: tuple[str | int, ...], msg: str) -> InputError:
        return InputError(msg, file, yamlio.line_of(pos, path), path)

    base: tuple[str, ...] = ()
    if isinstance(data, list):
        items = data
    elif isinstance(data, dict) and isinstance(data.get("rules"), list):
        extra = [k for k in data if k != "rules"]
        if extra:
            raise err((extra[0],), f"unknown key '{extra[0]}' (a rules file has one key: rules)")
        items, base = data["rules"], ("rules",)
    else:
        raise err((), "a rules file is a mapping with a list under 'rules' (see `fullcost ingest --help`)")
    out: list[Rule] = []
    for i, r in enumerate(items):
        p: tuple[str | int, ...] = (*base, i)
        if not isinstance(r, dict):
            raise err(p, "a rule is a mapping: {match: {...}, model: NAME, phase: PHASE}")
        unknown = [k for k in r if k not in ("match", "model", "phase", "failed")]
        if unknown:
            near = difflib.get_close_matches(str(unknown[0]), ["match", "model", "phase", "failed"], n=1)
            raise err((*p, unknown[0]),
                      f"unknown key '{unknown[0]}'" + (f" (did you mean '{near[0]}'?)" if near else ""))
        m = r.get("match")
        if not isinstance(m, dict) or not m:
            raise err((*p, "match"), "give match: a mapping of field to value, e.g. {account: frontier}")
        match: dict[str, tuple[str, ...]] = {}
        for k, v in m.items():
            key = str(k)
            pre = key.split(".", 1)[0] if "." in key else None
            if pre not in PREFIXED and not any(key in fs for fs in SOURCE_FIELDS.values()):
                near = difflib.get_close_matches(key, _known_fields(), n=1)
                raise err((*p, "match", key), f"unknown field '{key}'" + (
                    f" (did you mean '{near[0]}'?)" if near else f" (known: {', '.join(_known_fields()[:12])}, ...)"))
            vals = v if isinstance(v, list) else [v]
            if not vals or any(x is None or isinstance(x, dict | list) for x in vals):
                raise err((*p, "match", key), "expected a text or a list of texts (wildcards * and ?)")
            match[key] = tuple(str(x) for x in vals)
        model = r.get("model")
        if model is None or not str(model).strip():
            raise err((*p, "model"), "required: the model this usage belongs to")
        phase_txt = r.get("phase", "other")
        phase = phase_of(str(phase_txt))
        if phase is None:
            raise err((*p, "phase"), f"unknown phase '{phase_txt}' (known: {', '.join(PHASES)})")
        failed = str(r.get("failed", "failed")).lower()
        if failed not in ("failed", "keep"):
            raise err((*p, "failed"), "expected 'failed' (failed jobs count as failed work) or 'keep'")
        rule = Rule(len(out), match, str(model).strip(), phase, failed == "keep", yamlio.line_of(pos, p))
        if not rule.sources():
            raise err((*p, "match"), "these fields belong to different sources, so the rule can match nothing: "
                      + ", ".join(match))
        out.append(rule)
    return Rules(tuple(out), file)


# ---- matching, as Ibis expressions ------------------------------------------------------------------------


def json_field(col: ir.StringValue, key: str) -> ir.StringValue:
    """A string value of a flat JSON object held as text (FOCUS Tags, Kubernetes labels); NULL if absent."""
    pat = r'"' + re.escape(key).replace('"', r'\"') + r'"\s*:\s*"((?:[^"\\]|\\.)*)"'
    return col.re_extract(pat, 1).nullif("")


def _glob(f: ir.StringValue, pat: str) -> ir.BooleanValue:
    if not any(c in pat for c in "*?"):
        return f == pat
    head = pat[:-1]
    if pat.endswith("*") and not any(c in head for c in "*?"):
        return f.startswith(head)
    rx = "^" + "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pat) + "$"
    return f.re_search(rx)


def field(t: ir.Table, name: str) -> ir.StringValue:
    if "." in name and name.split(".", 1)[0] in PREFIXED:
        pre, key = name.split(".", 1)
        return json_field(t["Tags" if pre == "tags" else "labels"], key)
    return t[name].cast("string")


def condition(t: ir.Table, rule: Rule) -> ir.BooleanValue:
    import ibis

    cond: ir.BooleanValue = ibis.literal(True)
    for name, pats in rule.match.items():
        f = field(t, name)
        one: ir.BooleanValue = ibis.literal(False)
        for p in pats:
            one = one | _glob(f, p)
        cond = cond & f.notnull() & one
    return cond


def rule_index(t: ir.Table, rules: list[Rule]) -> ir.IntegerValue:
    """The index of the first rule that matches a row, -1 for none."""
    import ibis

    if not rules:
        return ibis.literal(-1, "int64")
    return ibis.cases(*[(condition(t, r), r.index) for r in rules], else_=-1).cast("int64")


def fields_used(rules: list[Rule]) -> set[str]:
    out: set[str] = set()
    for r in rules:
        for name in r.match:
            out.add("Tags" if name.startswith("tags.") else "labels" if name.startswith("labels.") else name)
    return out
