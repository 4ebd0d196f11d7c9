"""`fullcost report`: the HTML report, figures for slides and a workbook."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fullcost.cli.app import app, guard, write_atomic
from fullcost.cli.options import DEFAULT_SAMPLES, Dollars, ModelSets, Samples, Seed

if TYPE_CHECKING:
    from fullcost.estimation import Estimate
    from fullcost.report.model import Beyond, ExportPremium

# Work above this many samples x models gets a progress bar (on a terminal only): about a second and up.
HEAVY_SAMPLES = 250_000
HEAVY_MODELS = 3


class Steps:
    """A progress bar on stderr for long work, and nothing at all when stderr is not a terminal."""

    def __init__(self, total: int, heavy: bool) -> None:
        self._progress: Any = None
        self._task: Any = None
        if not heavy:
            return
        from rich.console import Console

        console = Console(stderr=True)
        if not console.is_terminal:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                  MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True)
        self._task = self._progress.add_task("report", total=total)

    @property
    def shown(self) -> bool:
        return self._progress is not None

    def __enter__(self) -> Steps:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def total(self, n: int) -> None:
        if self._progress is not None:
            self._progress.update(self._task, total=n)

    @contextlib.contextmanager
    def step(self, what: str) -> Iterator[None]:
        if self._progress is not None:
            from fullcost.safe import term

            self._progress.update(self._task, description=term(what, 80))  # names are text, not markup
        yield
        if self._progress is not None:
            self._progress.advance(self._task)


def _today() -> str:
    """Today's date, or SOURCE_DATE_EPOCH's (reproducible builds) when that is set."""
    from fullcost.errors import InputError

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.date.today().isoformat()
    last = int(dt.datetime(2100, 12, 31, tzinfo=dt.UTC).timestamp())
    if not (epoch.isascii() and epoch.isdigit()) or int(epoch) > last:
        raise InputError(f"SOURCE_DATE_EPOCH: expected whole seconds since 1970 up to {last} (2100), got "
                         f"{epoch[:40]!r}")
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()


def _check_file_target(path: Path, what: str) -> None:
    from fullcost.errors import InputError

    if path.is_dir():
        raise InputError(f"{path} is a folder; give a file name for the {what}")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"cannot write the {what} to {path}: the folder {parent} does not exist")


def _check_dir_target(path: Path) -> None:
    from fullcost.errors import InputError

    if path.exists() and not path.is_dir():
        raise InputError(f"--figures {path}: not a folder")
    if not path.exists() and not (path.parent if str(path.parent) else Path(".")).is_dir():
        raise InputError(f"--figures {path}: the folder {path.parent} does not exist")
    where = path if path.exists() else (path.parent if str(path.parent) else Path("."))
    if not os.access(where, os.W_OK | os.X_OK):
        raise InputError(f"--figures {path}: the folder {where} is read-only")


def _made(data: dict[str, Any]) -> set[str]:
    """The models a lab's books say it develops (its releases and their programs)."""
    programs = data.get("programs")
    return {str(p.get(k)) for p in (programs if isinstance(programs, list) else []) if isinstance(p, dict)
            for k in ("program", "release") if p.get(k) is not None}


def _same_lab(data: dict[str, Any], name: str, developer: str | None) -> bool | None:
    """Whether statements are the books of the lab behind model ``name``: None when the file names no lab."""
    made = _made(data)
    if name in made or name.partition("@")[0] in made:
        return True
    dev = data.get("developer")
    if isinstance(dev, str) and developer and dev.strip().casefold() == developer.strip().casefold():
        return True
    if not made and not isinstance(dev, str):
        return None
    return False


def _statements_file(path: Path, models: list[tuple[str, str | None]]) -> dict[str, dict[str, Any]]:
    """Statements JSON for the models (name, developer): one object for a single model, else an object keyed by
    model name. A lab's books for another lab's model are refused."""
    from fullcost.errors import InputError
    from fullcost.safe import cap
    from fullcost.yamlio import read_text

    names = [n for n, _ in models]
    try:
        data = json.loads(read_text(path, "a statements JSON file"))
    except json.JSONDecodeError as e:
        raise InputError(f"invalid JSON: {e.msg}", str(path), e.lineno) from None
    except RecursionError:  # the json module's own limit on nesting
        raise InputError("invalid JSON: nested too deeply", str(path)) from None
    for wrapper in ("statements", "models"):
        if isinstance(data, dict) and isinstance(data.get(wrapper), dict):
            data = data[wrapper]
    if not isinstance(data, dict):
        raise InputError("statements JSON must be an object", str(path))
    keyed = {n: data[n] for n in names if isinstance(data.get(n), dict)}
    if keyed:
        return keyed
    mine = {n: _same_lab(data, n, dev) for n, dev in models}
    if any(mine.values()):
        return {n: data for n, ok in mine.items() if ok}
    if len(names) == 1 and mine[names[0]] is None:
        return {names[0]: data}  # statements that name no lab: the caller says whose they are
    if all(ok is False for ok in mine.values()):
        lab = f"lab '{cap(str(data['name']), 80)}'" if data.get("name") else "a lab"
        made = ", ".join(sorted(_made(data))) or "no model the file names"
        whose = ", ".join(f"{n} ({dev})" if dev else n for n, dev in models)
        raise InputError(f"these are the books of {lab}, which develops {made}; not of the lab behind {whose}: "
                         "give that lab's statements (fullcost statements LAB --format json)", str(path))
    raise InputError(f"statements for several models must be keyed by model name ({', '.join(names)})", str(path))


def export_premium(est: Estimate, samples: int, seed: int, dollars: int | str | None = None) -> ExportPremium:
    """The scenario against its file's ``unrestricted`` variant (same samples and seed), or why there is none."""
    from fullcost import api
    from fullcost import estimation as est_mod
    from fullcost.analysis.premium import counterfactual, premium
    from fullcost.report.model import ExportPremium

    cf = counterfactual(est.doc)
    if cf.doc is None:
        return ExportPremium(False, cf.reason, cf.missing)
    free = api.run(cf.doc, samples, seed, dollars)  # the same overrides (cf.doc carries them)
    est.doc.hits |= cf.doc.hits
    return ExportPremium(True, variant=cf.doc.scenario.name, description=cf.doc.scenario.description or "",
                         unrestricted=est_mod.to_json(free), premium=premium(est, free))


def analyse(est: Estimate, out: dict[str, Any], samples: int, seed: int, claim_usd: float | None,
            below_usd: float, this_year: int, dollars: int | str | None = None) -> Beyond:
    """Beyond the headline, on the estimate already run: the claim check (the headline, or ``claim_usd``), the
    replication cost, the trend and the export-control premium (one more run, of the unrestricted variant).

    Run it after ``estimate.to_json`` (so the tornado ranks the model's own inputs) and before
    ``html.model_report`` (so the assumptions table lists the inputs the analyses drew).
    """
    from fullcost.analysis.claim import check
    from fullcost.analysis.replicate import public, replicate
    from fullcost.analysis.trend import Rates, trend
    from fullcost.report.model import Beyond

    given = claim_usd is not None
    cl = check(est, claim_usd if claim_usd is not None else float(out["headline"]["usd"]))
    rep = public(replicate(est))
    tr = trend(est, below_usd, None, Rates(), this_year)
    return Beyond(cl, given, rep, tr, export_premium(est, samples, seed, dollars))


@app.command()
def report(
    scenarios: Annotated[list[str], typer.Argument(help="catalog names (NAME or NAME@VARIANT) or scenario files")],
    output: Annotated[Path, typer.Option("--output", "-o", help="the HTML file to write")] = Path("report.html"),
    samples: Samples = DEFAULT_SAMPLES,
    seed: Seed = 0,
    set: ModelSets = None,
    dollars: Dollars = None,
    figures: Annotated[Path | None, typer.Option("--figures", help="also write every chart as SVG and PNG here",
                                                 metavar="DIR")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="also write a workbook (.xlsx)", metavar="FILE")] = None,
    statements: Annotated[Path | None, typer.Option(
        "--statements", help="a statements JSON to include (income statement, balance sheet, cash flow, "
                             "adjusted EBITDA)", metavar="FILE")] = None,
    claim: Annotated[str | None, typer.Option(
        "--claim", help="check this figure as a claim instead of the headline, e.g. 5.5M or $100M",
        metavar="USD")] = None,
    below: Annotated[str, typer.Option(
        "--below", help="the trend's threshold: the year the cost falls below it, e.g. 10M", metavar="USD")] = "10M",
    frontier: Annotated[bool, typer.Option(
        "--frontier", help="add the frontier section (fullcost frontier: Epoch AI's top-10 models, 1,000 samples "
                           "each, the same seed and dollars), the reported models marked in it")] = False,
) -> None:
    """One self-contained HTML page: the claim and the answer, the iceberg, the bridge, the uncertainty, the
    footnotes, the claim checked, the cost of replicating it, the export-control premium, where costs are
    heading, the lab and every assumption with its source. Several models are compared side by side."""
    with guard():
        from fullcost import estimation as est_mod
        from fullcost.cli.claims import _amount
        from fullcost.report import html

        claim_usd = _amount("--claim", claim) if claim is not None else None
        below_usd = _amount("--below", below)
        _check_file_target(output, "report")
        if xlsx is not None:
            _check_file_target(xlsx, "workbook")
        if figures is not None:
            _check_dir_target(figures)
        from fullcost import api
        from fullcost.overrides import for_model, parse_all

        given = parse_all(set or [], scenarios)
        docs = [api.load(s, for_model(given, s)) for s in scenarios]
        books = (_statements_file(statements, [(d.scenario.name, d.scenario.developer) for d in docs])
                 if statements is not None else {})
        heavy = samples * len(docs) >= HEAVY_SAMPLES or len(docs) >= HEAVY_MODELS
        charts_n = 9 * len(docs) if figures is not None else 0
        total = 2 * len(docs) + 1 + (1 if xlsx is not None else 0) + charts_n + (1 if frontier else 0)
        generated = _today()
        models = []
        with Steps(total, heavy) as steps:
            for d in docs:
                with steps.step(f"estimating {d.scenario.name} ({samples:,} samples)"):
                    est = api.run(d, samples, seed, dollars)
                    out = est_mod.to_json(est)
                with steps.step(f"beyond the headline: {d.scenario.name}"):
                    beyond = analyse(est, out, samples, seed, claim_usd, below_usd, int(generated[:4]), dollars)
                    api.check_overrides(d)
                    models.append(html.model_report(est, out, books.get(d.scenario.name), beyond=beyond))
                    del est
            front = None
            if frontier:
                with steps.step("the frontier (Epoch AI's top-10 models)"):
                    from fullcost.analysis.frontier import frontier as run_frontier

                    year: int | str | None = int(dollars) if dollars is not None and dollars.isdigit() else dollars
                    front = run_frontier(top=10, since=None, dollars=year, samples=1000, seed=seed)
            with steps.step("rendering the page"):
                page = html.render(models, generated, front).encode("utf-8")
            book = None
            if xlsx is not None:
                with steps.step("building the workbook"):
                    from fullcost.report.xlsx import workbook

                    book = workbook(models, generated)
            pictures: list[tuple[str, bytes]] = []
            if figures is not None:
                drawn = html.figures(models)
                steps.total(total - charts_n + len(drawn))
                for name, chart in drawn:
                    with steps.step(f"drawing {name}"):
                        pictures.append((f"{name}.svg", chart.svg(name, standalone=True).encode("utf-8")))
                        pictures.append((f"{name}.png", chart.png()))
        if figures is not None:  # before anything is written: a folder that cannot be made stops the run here
            try:
                figures.mkdir(exist_ok=True)
            except OSError as e:
                from fullcost.errors import InputError

                raise InputError(f"--figures {figures}: cannot create the folder: {e.strerror or e}") from None
        write_atomic(output, page)
        if book is not None and xlsx is not None:
            write_atomic(xlsx, book)
        if figures is not None:
            for name, data in pictures:
                write_atomic(figures / name, data)
    print(f"Report: {output.resolve()} ({len(page) / 1024:,.0f} KB)")
    if xlsx is not None:
        print(f"Workbook: {xlsx.resolve()}")
    if figures is not None:
        print(f"Figures: {figures.resolve()} ({len(pictures)} files, SVG and PNG)")
    for m in models:
        for w in m.out.get("warnings", []):
            print(f"warning: {m.name}: {w}", file=sys.stderr)
        if m.beyond is not None:
            for w in m.beyond.claim.get("warnings", []):
                print(f"warning: {m.name}: {'--claim: ' if m.beyond.claim_given else ''}{w}", file=sys.stderr)
