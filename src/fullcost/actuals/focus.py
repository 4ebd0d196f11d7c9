"""FinOps FOCUS 1.0 to 1.2 billing exports (CSV or Parquet), columns by name.

Real exports' quirks are read as such: the literal ``NULL``, timestamps without ``T``/``Z``
(``2024-09-18 22:00:00``), extra columns (kept, as JSON, in ``x_extra``), ``Tags`` as a JSON text. Costs are
exact decimals, so the ledger's totals of BilledCost and EffectiveCost equal the file's own sums. Rows are
keyed by a hash of the row and its occurrence among identical rows: a charge listed twice stays twice, and
importing the file again adds nothing.

A negative cost is accepted where FOCUS expects one: Credit and Adjustment rows, corrections
(``ChargeClass = Correction``) and reversals (a negative quantity, as Azure writes refunds). Anywhere else it is
reported as a bad row.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fullcost.actuals import csvfile
from fullcost.actuals import period as pd
from fullcost.actuals import rules as rl
from fullcost.actuals import schema as sch
from fullcost.actuals.fx import PLAUSIBLE, Fx
from fullcost.actuals.importer import Feed
from fullcost.errors import InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from fullcost.actuals.engine import Ledger

VERSIONS = ("1.0", "1.1", "1.2")
REQUIRED = ("BilledCost", "EffectiveCost", "ChargePeriodStart", "ChargePeriodEnd", "ChargeCategory")
MANDATORY = ("BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
             "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargePeriodEnd",
             "ChargePeriodStart", "ContractedCost", "EffectiveCost", "InvoiceIssuerName", "ListCost",
             "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "ServiceCategory", "ServiceName")
CATEGORIES = ("Usage", "Purchase", "Tax", "Credit", "Adjustment")
COSTS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")
NEWER = ("ServiceProviderName", "HostProviderName", "AllocatedMethodId", "AllocatedMethodDetails",
         "AllocatedResourceId", "AllocatedResourceName", "AllocatedTags", "ContractApplied")


def norm_version(v: str) -> str | None:
    s = str(v).strip().lower().lstrip("v")
    parts = s.split(".")
    if not parts or not all(p.isdigit() for p in parts):
        return None
    while len(parts) > 2 and parts[-1] == "0":
        parts.pop()
    if len(parts) == 1:
        parts.append("0")
    s = ".".join(parts)
    return s if s in VERSIONS else None


def detect_version(file: str, cols: list[str], forced: str | None) -> str:
    have = set(cols)
    if forced is not None:
        v = norm_version(forced)
        if v is None:
            raise InputError(f"unknown FOCUS version '{forced}': fullcost reads FOCUS {', '.join(VERSIONS)}", file)
        return v
    newer = [c for c in NEWER if c in have]
    if newer and "ProviderName" not in have:
        raise InputError(f"unknown FOCUS version: the file has {', '.join(newer)} (FOCUS 1.3 or later) and no "
                         f"ProviderName; fullcost reads FOCUS {', '.join(VERSIONS)}", file, 1)
    if "AmortizedCost" in have and "EffectiveCost" not in have:
        raise InputError("unknown FOCUS version: AmortizedCost without EffectiveCost is FOCUS 0.5; fullcost reads "
                         f"FOCUS {', '.join(VERSIONS)}", file, 1)
    missing = [c for c in REQUIRED if c not in have]
    if missing:
        raise InputError(f"not a FOCUS {VERSIONS[0]}-{VERSIONS[-1]} export: no {', '.join(missing)} column"
                         + ("s" if len(missing) > 1 else ""), file, 1)
    if have & set(sch.FOCUS_12):
        return "1.2"
    if have & set(sch.FOCUS_11):
        return "1.1"
    return "1.0"


def _is_parquet(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"PAR1"
    except OSError:
        return False


def _j(s: ir.StringValue) -> ir.StringValue:
    import ibis

    esc = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return ibis.cases((s.isnull(), ibis.literal("null")), else_='"' + esc + '"')


def parse(raw: ir.Table, header: list[str], version: str, fx: Fx) -> ir.Table:
    """Columns by name (case-insensitive), read by position: ``c{i}`` is the header's i-th column."""
    import ibis

    pos = csvfile.named(header)
    cols = {c: pos.get(c.lower()) for c in sch.FOCUS_COLUMNS}
    focus_lower = {c.lower() for c in sch.FOCUS_COLUMNS}
    extras = [(i, h.strip() or f"column {i + 1}") for i, h in enumerate(header)
              if h.strip().lower() not in focus_lower or pos.get(h.strip().lower()) != i]
    null = ibis.null("string")

    def txt(i: int | None) -> ir.StringValue:
        if i is None:
            return null
        v = raw[csvfile.col(i)]
        t = fx.trim(v)
        return ibis.cases((t.isnull() | (t == "") | (t.upper() == "NULL"), null), else_=v)

    a = raw.select(
        "_line",
        _hash=fx_hash([raw[csvfile.col(i)] for i in range(len(header))]),
        **{f"_t_{c}": txt(i) for c, i in cols.items()},
        x_extra=("{" + ibis.literal(", ").join([f'"{json.dumps(h)[1:-1]}": ' + _j(txt(i)) for i, h in extras])
                 + "}") if extras else null,
    )
    typed: dict[str, Any] = {}
    for c in sch.FOCUS_COLUMNS:
        t = a[f"_t_{c}"]
        if c in sch.FOCUS_DECIMAL:
            typed[c] = fx.number(t, sch.DEC_COST, money=True)
        elif c in sch.FOCUS_TIME:
            typed[c] = fx.any_time(t)
        else:
            typed[c] = t
    b = a.select("_line", "_hash", "x_extra", **{f"_t_{c}": a[f"_t_{c}"] for c in sch.FOCUS_COLUMNS},
                 **typed)

    def q(v: ir.StringValue) -> ir.StringValue:
        return "'" + v.fill_null("").substr(0, 200) + "'"

    checks: list[tuple[Any, Any]] = []
    for c in REQUIRED:
        checks.append((b[f"_t_{c}"].isnull(), ibis.literal(f"{c}: required, but empty or NULL")))
    for c in sorted(sch.FOCUS_DECIMAL):
        checks.append((b[f"_t_{c}"].notnull() & b[c].isnull(), f"{c}: expected a number, got " + q(b[f"_t_{c}"])))
    for c in sorted(sch.FOCUS_TIME):
        checks.append((b[f"_t_{c}"].notnull() & b[c].isnull(),
                       f"{c}: expected a date-time like 2024-09-01T00:00:00Z or 9/1/24 {PLAUSIBLE}, got "
                       + q(b[f"_t_{c}"])))
    checks.append((~b.ChargeCategory.isin(list(CATEGORIES)),
                   "ChargeCategory: expected one of " + ", ".join(CATEGORIES) + ", got " + q(b.ChargeCategory)))
    reversal = (b.ChargeCategory.isin(["Credit", "Adjustment"]) | (b.ChargeClass.fill_null("") == "Correction")
                | (b.PricingQuantity.fill_null(0) < 0) | (b.ConsumedQuantity.fill_null(0) < 0))
    for c in COSTS:
        checks.append((~reversal & (b[c].fill_null(0) < 0),
                       f"{c}: " + b[f"_t_{c}"] + " is negative, expected 0 or more for a " + b.ChargeCategory
                       + " charge (negative amounts belong to Credit or Adjustment rows, corrections, or reversals "
                       "with a negative quantity)"))
    checks.append((b.ChargePeriodEnd < b.ChargePeriodStart,
                   "ChargePeriodEnd: " + q(b._t_ChargePeriodEnd) + " is before ChargePeriodStart "
                   + q(b._t_ChargePeriodStart)))
    checks.append((b.BillingPeriodEnd < b.BillingPeriodStart,
                   "BillingPeriodEnd: " + q(b._t_BillingPeriodEnd) + " is before BillingPeriodStart "
                   + q(b._t_BillingPeriodStart)))
    tags = fx.trim(b.Tags)
    checks.append((tags.notnull() & ~(tags.startswith("{") & tags.endswith("}")),
                   "Tags: expected a JSON object such as {\"project\": \"v4\"}, got " + q(b.Tags)))
    err = ibis.cases(*checks, else_=null)
    occ = ibis.row_number().over(group_by=b._hash, order_by=b._hash)
    return b.select(
        row_hash=b._hash, occurrence=occ.cast("int64"), **{c: b[c] for c in sch.FOCUS_COLUMNS},
        x_extra=b.x_extra, focus_version=ibis.literal(version), _err=err, _skip=null, _line=b._line,
    )


def fx_hash(values: list[ir.StringValue]) -> ir.StringValue:
    import ibis

    return ibis.literal("\x1f").join([v.fill_null("\x00") for v in values]).hexdigest("md5")


def feed(led: Ledger, path: str | Path, version: str | None = None) -> Feed:
    p = Path(path)
    if not p.exists():
        raise InputError("file not found", str(p))
    parquet = p.suffix.lower() == ".parquet" or _is_parquet(p)
    if parquet:
        try:
            header = led.parquet_columns(p)
        except Exception as e:
            raise InputError(f"not a readable Parquet file: {str(e).splitlines()[0][:200]}", str(p)) from None
    else:
        header = csvfile.header(p, "a FOCUS export")
    dup = csvfile.duplicates(header)
    if dup:
        raise InputError(f"the header names {', '.join(dup)} more than once", str(p), 1)
    names = [h.strip() for h in header]
    ver = detect_version(str(p), names, version)
    have = {h.lower() for h in names}
    missing = [c for c in MANDATORY if c.lower() not in have and c not in REQUIRED]
    notes = [f"FOCUS {ver}" + (f"; the file lacks mandatory columns {', '.join(missing)} (read as NULL)"
                                if missing else "")]
    extra = [h or f"column {i + 1}" for i, h in enumerate(names) if h.lower() not in {c.lower() for c in
                                                                                       sch.FOCUS_COLUMNS}]
    if extra:
        notes.append(f"columns outside FOCUS kept in x_extra: {', '.join(extra)}")
    if parquet:
        return Feed(kind="focus", spec=sch.BILLS, file=p,
                    raw=lambda path, numbered: led.parquet("_raw_focus", path, header),
                    parse=lambda raw: parse(raw, header, ver, Fx(led.dialect)), where="row", notes=notes)
    return Feed(
        kind="focus", spec=sch.BILLS, file=p, text=True,
        raw=lambda path, numbered: led.csv("_raw_focus", path, len(header), numbered),
        parse=lambda raw: parse(raw, header, ver, Fx(led.dialect)),
        structural=led.csv_rejects, lines=lambda path, idx, structural: led.csv_lines(idx, structural),
        notes=notes,
    )


# ---- the bills report --------------------------------------------------------------------------------------


def bills(led: Ledger, by: str, rules: rl.Rules, period: pd.Period = pd.ALL) -> dict[str, Any]:
    """``ledger bills --by COLUMN``: {"rows": [{"key", "billed_cost", "effective_cost"}], "total": {...}}."""

    t = pd.records(led, "bills", period)
    canon = {c.lower(): c for c in (*sch.FOCUS_COLUMNS, "x_extra", "focus_version")}
    if by in ("model", "phase"):
        acc: dict[str, list[Any]] = {}
        for model, phase, b, e in attributed(led, rules, period):
            a = acc.setdefault(model if by == "model" else phase, [0, 0])
            a[0] += b
            a[1] += e
        pairs = sorted(acc.items())
    else:
        if by.lower().startswith("tags."):
            key = rl.json_field(t.Tags, by.split(".", 1)[1])
        elif by.lower() in canon:
            key = t[canon[by.lower()]].cast("string")
        else:
            import difflib

            near = difflib.get_close_matches(by, [*canon.values(), "model", "phase"], n=1)
            raise InputError(f"--by: unknown column '{by}'" + (f" (did you mean '{near[0]}'?)" if near else
                             " (a FOCUS column, tags.KEY, model or phase)"))
        g = t.group_by(_k=key).aggregate(b=t.BilledCost.sum(), e=t.EffectiveCost.sum())
        pairs = sorted(((k if k not in (None, "") else "(none)"), [b or 0, e or 0]) for k, b, e in led.rows(g))
    tb = sum((v[0] for _, v in pairs), 0)
    te = sum((v[1] for _, v in pairs), 0)
    return {"rows": [{"key": k, "billed_cost": float(v[0]), "effective_cost": float(v[1])} for k, v in pairs],
            "total": {"billed_cost": float(tb), "effective_cost": float(te)}}


def attributed(led: Ledger, rules: rl.Rules, period: pd.Period = pd.ALL) -> list[tuple[str, str, Any, Any]]:
    """(model, phase, BilledCost, EffectiveCost) of the bills in the period, by the rules; the rest
    "unattributed"."""
    return _attributed(led, rules, period)[0]


def rule_hits(led: Ledger, rules: rl.Rules, period: pd.Period = pd.ALL) -> set[int]:
    return _attributed(led, rules, period)[1]


def _attributed(led: Ledger, rules: rl.Rules, period: pd.Period) -> tuple[list[tuple[str, str, Any, Any]], set[int]]:
    t = pd.records(led, "bills", period)
    src_rules = rules.for_source("focus")
    need = sorted(rl.fields_used(src_rules))
    if need:
        g = t.group_by(need).aggregate(b=t.BilledCost.sum(), e=t.EffectiveCost.sum(), n=t.count())
    else:
        g = t.aggregate(b=t.BilledCost.sum(), e=t.EffectiveCost.sum(), n=t.count())
    g = g.mutate(_rule=rl.rule_index(g, src_rules))
    by_index = {r.index: r for r in src_rules}
    out: list[tuple[str, str, Any, Any]] = []
    hits: set[int] = set()
    for rule, b, e, n in led.rows(g.group_by("_rule").aggregate(b=g.b.sum(), e=g.e.sum(), n=g.n.sum())):
        if not n:
            continue
        r = by_index.get(int(rule))
        if r is not None:
            hits.add(r.index)
        out.append((r.model, r.phase, b or 0, e or 0) if r else (rl.UNATTRIBUTED, "other", b or 0, e or 0))
    return sorted(out), hits
