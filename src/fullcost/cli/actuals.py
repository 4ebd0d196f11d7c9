"""`fullcost ledger`: a lab's own records, allocated to models (`fullcost ingest` and `fullcost track` are in
``cli.actuals_ingest``). Every table ends with the period its figures cover."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from fullcost.cli.app import app, emit_json, guard
from fullcost.cli.options import OutFormat as Format

ledger_app = typer.Typer(no_args_is_help=True, help="A lab's ledger: its own records, allocated to models.")
ingest_app = typer.Typer(no_args_is_help=True, help="Import a lab's records into a ledger (idempotent, atomic).")
app.add_typer(ledger_app, name="ledger")
app.add_typer(ingest_app, name="ingest")

LedgerArg = Annotated[Path, typer.Argument(help="the ledger: a DuckDB file, or a directory for --engine spark")]
RulesOpt = Annotated[Path | None, typer.Option("--rules", help="rules file (default: the one stored in the ledger)")]
FleetOpt = Annotated[str | None, typer.Option("--fleet", help="fleet file or a scenario with a fleet section "
                                                                "(default: the one stored in the ledger)")]
StaffOpt = Annotated[Path | None, typer.Option("--staff", help="staff file (default: the one stored in the ledger)")]
IdleOpt = Annotated[str | None, typer.Option("--idle", help="idle capacity: weighted, even or none (kept apart)")]
FromOpt = Annotated[str | None, typer.Option("--from", help="count records dated from this day (2025-01-01) or "
                                                            "month (2025-01)")]
ToOpt = Annotated[str | None, typer.Option("--to", help="... up to this day, not included (2025-04-01: to the end "
                                                        "of March)")]
Fmt = Annotated[Format, typer.Option("--format", "-f", help="output format: table, json, or csv (the table's "
                                                            "columns, one row per line, the period on each row)")]
CELL = 80  # characters of a name shown in a table cell (a 200 KB account name must not flood the terminal)
MODULES = {"duckdb": "duckdb", "ibis": "ibis-framework", "sqlglot": "sqlglot", "pyarrow": "pyarrow"}


@contextmanager
def actuals_guard() -> Iterator[None]:
    """``guard``, and a missing library named in one line instead of a traceback."""
    with guard():
        try:
            yield
        except ModuleNotFoundError as e:
            from fullcost.errors import InputError

            top = (e.name or "").split(".")[0]
            if top in ("pyspark", "py4j"):
                from fullcost.actuals.engine import SPARK_EXTRA

                raise InputError(SPARK_EXTRA) from None
            if top in MODULES:
                raise InputError(f"the ledger needs {MODULES[top]}, which is missing: pip install fullcost "
                                 "(it is one of fullcost's dependencies)") from None
            raise


def _num(v: float) -> str:
    return f"{v:,.2f}"


def cell(v: Any) -> str:
    s = str(v)
    return s if len(s) <= CELL else s[:CELL - 1] + "…"


def _period(start: str | None, end: str | None) -> Any:
    from fullcost.actuals import period as pd

    return pd.from_options(start, end)


def _table(title: str, head: list[str], rows: list[list[str]], total: list[str] | None,
           period: dict[str, Any] | None = None) -> None:
    """A table of names and figures; names are printed as they are (never read as markup) and cut to CELL."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from fullcost.actuals import period as pd

    t = Table(title=Text(cell(title)))
    for i, h in enumerate(head):
        t.add_column(Text(h), justify="left" if i == 0 else "right")
    for r in rows:
        t.add_row(*[Text(cell(x)) for x in r])
    if total:
        t.add_row(*[Text(x, style="bold") for x in total])
    c = Console()
    c.print(t)
    if period is not None:
        c.print(Text(pd.line(period)))


def _csv(head: list[str], rows: list[list[Any]], period: dict[str, Any] | None = None) -> None:
    """The table as CSV: names as text that no spreadsheet reads as a formula (``safe.csv_row``), figures as
    numbers, no total row (a spreadsheet adds them up), and the period on every row."""
    import csv

    from fullcost.safe import csv_row

    w = csv.writer(sys.stdout, lineterminator="\n")
    tail = [] if period is None else [period["from"], period["to"]]
    w.writerow(csv_row(head + ([] if period is None else ["period_from", "period_to"])))
    for r in rows:
        w.writerow(csv_row([("" if v is None else v) for v in r] + tail))


def _warn(lines: list[str]) -> None:
    for w in lines:
        print(f"warning: {w}", file=sys.stderr)


# ---- ledger ------------------------------------------------------------------------------------------------


@ledger_app.command("init")
def ledger_init(
    path: LedgerArg,
    engine: Annotated[str, typer.Option("--engine", help="duckdb (one file, the default) or spark (a directory "
                                                         "of Parquet, for job history on a cluster)")] = "duckdb",
) -> None:
    """Create an empty ledger."""
    with actuals_guard():
        from fullcost.actuals import engine as eng

        eng.init(path, engine).close()
    print(f"created {engine} ledger {path}")


@ledger_app.command("config")
def ledger_config(path: LedgerArg, rules: RulesOpt = None, fleet: FleetOpt = None, staff: StaffOpt = None) -> None:
    """Store the rules, fleet and staff files in the ledger (checked first), so later commands use them."""
    with actuals_guard():
        from fullcost import catalog
        from fullcost.actuals import engine as eng
        from fullcost.actuals import fleet as flt
        from fullcost.actuals import rules as rl
        from fullcost.actuals import staff as stf

        todo: list[tuple[str, str, str]] = []
        if rules is not None:
            rl.load(rules)
            todo.append(("rules", str(rules), _text(rules)))
        if fleet is not None:
            flt.load(fleet)
            if not Path(fleet).exists() and catalog.model_path(fleet) is not None:
                todo.append(("fleet", f"catalog:{fleet}", ""))
            else:
                todo.append(("fleet", str(fleet), _text(Path(fleet))))
        if staff is not None:
            stf.load(staff)
            todo.append(("staff", str(staff), _text(staff)))
        with eng.open_ledger(path) as led:
            for key, name, text in todo:
                led.set_config(key, name, text)
            shown = {k: (led.config(k) or ("(none)", ""))[0] for k in ("rules", "fleet", "staff")}
    for k, v in shown.items():
        print(f"{k}: {v}")


def _text(p: Path) -> str:
    from fullcost.errors import InputError

    try:
        return p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read: {getattr(e, 'strerror', None) or e}", str(p)) from None


@ledger_app.command("usage")
def ledger_usage(
    path: LedgerArg,
    by: Annotated[str, typer.Option("--by", help="account, user, model, phase, state, partition, cluster, source "
                                                 "or month")] = "model",
    rules: RulesOpt = None, fleet: FleetOpt = None, start: FromOpt = None, end: ToOpt = None,
    format: Fmt = Format.table,
) -> None:
    """GPU-hours and their cost (at the fleet's rate per used GPU-hour) by account, user, model, phase or state."""
    with actuals_guard():
        from fullcost.actuals import allocate as al
        from fullcost.actuals import engine as eng
        from fullcost.actuals import period as pd
        from fullcost.actuals import usage as us
        from fullcost.errors import InputError

        if by not in us.USAGE_BY:
            raise InputError(f"--by: expected one of {', '.join(us.USAGE_BY)}, got {cell(by)!r}")
        p = _period(start, end)
        with eng.open_ledger(path, read_only=True) as led:
            setup = al.resolve(led, rules, fleet, period=p)
            rows = us.collect(led, setup.rules, setup.fleet, by, p)
            out = us.report(rows, by, setup.fleet)
            out["period"] = pd.to_json(p, *(pd.span(led, p) or (None, None)))
            warn = (_rule_warnings(led, setup, rows) if by in ("model", "phase") else []) + pd.outliers(led, p)
            out["warnings"] = warn
    if format is Format.json:
        emit_json(out)
    elif format is Format.csv:
        _csv([by, "gpu_hours", "usd"], [[r["key"], r["gpu_hours"], r["usd"]] for r in out["rows"]], out["period"])
    else:
        _table(f"Usage by {by}", ["key", "GPU-hours", "USD"],
               [[r["key"], _num(r["gpu_hours"]), _num(r["usd"])] for r in out["rows"]],
               ["total", _num(out["total"]["gpu_hours"]), _num(out["total"]["usd"])], out["period"])
    _warn(warn)


def _rule_warnings(led: Any, setup: Any, rows: list[Any]) -> list[str]:
    from fullcost.actuals import allocate as al
    from fullcost.actuals import focus as fo

    alloc = al.Allocation()
    for r in rows:
        if r.rule >= 0:
            alloc.rule_hits[r.rule] = 1
    return al.check_rules(alloc, setup.rules, fo.rule_hits(led, setup.rules, setup.period))


@ledger_app.command("bills")
def ledger_bills(
    path: LedgerArg,
    by: Annotated[str, typer.Option("--by", help="a FOCUS column (ServiceCategory, SubAccountName, ...), "
                                                 "tags.KEY, or model/phase after the rules")] = "ServiceCategory",
    rules: RulesOpt = None, start: FromOpt = None, end: ToOpt = None,
    format: Fmt = Format.table,
) -> None:
    """Cloud bills (FOCUS): BilledCost and EffectiveCost by any column, or by model and phase after the rules."""
    with actuals_guard():
        from fullcost.actuals import allocate as al
        from fullcost.actuals import engine as eng
        from fullcost.actuals import focus as fo
        from fullcost.actuals import period as pd

        p = _period(start, end)
        with eng.open_ledger(path, read_only=True) as led:
            setup = al.resolve(led, rules, period=p)
            out = fo.bills(led, by, setup.rules, p)
            out["period"] = pd.to_json(p, *(pd.span(led, p, ("bills",)) or (None, None)))
            warn: list[str] = []
            if by in ("model", "phase") and setup.rules.rules:
                hits = fo.rule_hits(led, setup.rules, p)
                bill_rules = setup.rules.for_source("focus")
                if bill_rules and not hits & {r.index for r in bill_rules}:
                    from fullcost.errors import InputError

                    first = bill_rules[0]
                    raise InputError(f"no rule matched any bill (rule {first.index + 1}: {first.describe()}); "
                                     "check the columns and values with `fullcost ledger bills --by COLUMN`",
                                     setup.rules.file, first.line)
                warn = [f"{setup.rules.file}:{r.line}: rule {r.index + 1} {r.describe()} matched no bill"
                        for r in bill_rules if r.index not in hits]
            out["warnings"] = warn
    if format is Format.json:
        emit_json(out)
    elif format is Format.csv:
        _csv([by, "billed_cost", "effective_cost"],
             [[r["key"], r["billed_cost"], r["effective_cost"]] for r in out["rows"]], out["period"])
    else:
        _table(f"Bills by {by}", ["key", "BilledCost", "EffectiveCost"],
               [[r["key"], _num(r["billed_cost"]), _num(r["effective_cost"])] for r in out["rows"]],
               ["total", _num(out["total"]["billed_cost"]), _num(out["total"]["effective_cost"])], out["period"])
    _warn(warn)


@ledger_app.command("costs")
def ledger_costs(path: LedgerArg, rules: RulesOpt = None, fleet: FleetOpt = None, staff: StaffOpt = None,
                 idle: IdleOpt = None, start: FromOpt = None, end: ToOpt = None,
                 format: Fmt = Format.table) -> None:
    """Every model's full cost (owned GPUs, idle share, Kubernetes, cloud, staff), unattributed and the lab's
    own costs included; they add up to the fleet, the bills and the staff."""
    with actuals_guard():
        from fullcost.actuals import allocate as al
        from fullcost.actuals import engine as eng
        from fullcost.actuals import focus as fo

        p = _period(start, end)
        with eng.open_ledger(path, read_only=True) as led:
            setup = al.resolve(led, rules, fleet, staff, idle, p)
            alloc = al.allocate(led, setup)
            warn = al.check_rules(alloc, setup.rules, fo.rule_hits(led, setup.rules, p))
        out = al.summary(alloc)
        out["warnings"] = out["warnings"] + warn
    if format is Format.json:
        emit_json(out)
        return
    if format is Format.csv:
        kinds = list(dict.fromkeys(k for r in out["rows"] for k in r.get("by_kind", {})))
        _csv(["model", "gpu_hours", "usd", *kinds],
             [[r["model"], r["gpu_hours"], r["usd"], *(r.get("by_kind", {}).get(k, 0.0) for k in kinds)]
              for r in out["rows"]], out["period"])
        _warn(out["warnings"])
        return
    _table(f"Costs by model (idle capacity: {setup.idle})", ["model", "GPU-hours", "USD"],
           [[r["model"], _num(r["gpu_hours"]), _num(r["usd"])] for r in out["rows"]],
           ["total", _num(out["total"]["gpu_hours"]), _num(out["total"]["usd"])], out["period"])
    f = out["fleet"]
    if f["capacity_gpu_hours"]:
        print(f"fleet: {_num(f['capacity_gpu_hours'])} GPU-hours of capacity, {_num(f['used_gpu_hours'])} used, "
              f"{_num(f['idle_gpu_hours'])} idle; ${_num(f['usd'])}")
    if (line := al.energy_line(alloc)) is not None:
        print(line)
    _warn(out["warnings"])


@ledger_app.command("estimate")
def ledger_estimate(
    path: LedgerArg,
    model: Annotated[str, typer.Option("--model", "-m", help="the model (as the rules name it)")],
    rules: RulesOpt = None, fleet: FleetOpt = None, staff: StaffOpt = None, idle: IdleOpt = None,
    headline_rate: Annotated[float | None, typer.Option("--headline-rate", min=0, max=1e6,
                                                        help="USD per GPU-hour for the headline (default: the "
                                                             "fleet's)")] = None,
    samples: Annotated[int, typer.Option("--samples", "-n", min=1, max=1_000_000,
                                         help="length of the sample arrays")] = 1,
    start: FromOpt = None, end: ToOpt = None,
    format: Fmt = Format.table,
) -> None:
    """A model's full cost from the ledger, in the shape of `fullcost estimate`: headline, items, bridge."""
    with actuals_guard():
        from fullcost.actuals import estimate as est

        out = est.to_json(est.run(path, model, samples=samples, rules=rules, fleet=fleet, staff=staff, idle=idle,
                                  headline_rate=headline_rate, period=_period(start, end)))
    if format is Format.json:
        emit_json(out)
    elif format is Format.csv:  # the long format of every estimate (model, view, item, statistic, value, ...)
        from fullcost.results import Result

        sys.stdout.write(Result(out).to_csv())
    else:
        print_estimate(out)
    _warn(out.get("warnings", []))


def print_estimate(out: dict[str, Any]) -> None:
    """The text view of an estimate from actuals (``fullcost estimate --ledger``): the headline, the GPU-hours by
    phase, then the same tables as an estimate (items, bridge, what the headline leaves out), and the period."""
    from rich.console import Console
    from rich.text import Text

    from fullcost import fmt
    from fullcost.actuals import period as pd
    from fullcost.report.text import _iceberg_tables

    c = Console()
    h, a = out["headline"], out["actuals"]
    c.print(Text(f"{cell(out['name'])}  (from the ledger {out['ledger']})", style="bold"))
    c.print(Text(f"Headline: {fmt.usd(h['usd'])} = {fmt.num(h['gpu_hours'])} final-run GPU-hours x "
                 f"${h['usd_per_gpu_hour']:g}/GPU-hour  [{h['basis']}]"))
    c.print(Text("GPU-hours by phase: " + ", ".join(f"{k} {fmt.num(v)}" for k, v in a["gpu_hours"].items())))
    if a["fleet"]:
        f = a["fleet"]
        c.print(Text(f"Fleet: {fmt.num(f['capacity_gpu_hours'])} GPU-hours of capacity, "
                     f"{fmt.num(f['used_gpu_hours'])} used, {fmt.num(f['idle_gpu_hours'])} idle (idle shared: "
                     f"{a['idle_policy']})"))
    _iceberg_tables(out)
    if out.get("period"):
        c.print(Text(pd.line(out["period"])))


@ledger_app.command("imports")
def ledger_imports(path: LedgerArg, format: Fmt = Format.table) -> None:
    """The imports made into the ledger, with their counts."""
    with actuals_guard():
        from fullcost.actuals import engine as eng

        with eng.open_ledger(path, read_only=True) as led:
            t = led.table("imports")
            cols = list(t.columns)
            rows = [dict(zip(cols, r, strict=True)) for r in led.rows(t.order_by("import_id"))]
    for r in rows:
        r["at"] = r["at"].isoformat() if r["at"] is not None else None
    if format is Format.json:
        emit_json(rows)
        return
    if format is Format.csv:
        _csv(cols, [[r[c] for c in cols] for r in rows])
        return
    _table("Imports", cols, [[str(r[c]) for c in cols] for r in rows], None)


from fullcost.cli import actuals_ingest  # noqa: E402, F401  (registers `ingest ...` and `track`)
