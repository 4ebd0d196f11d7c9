"""Terminal tables (rich). Text from a scenario, the catalog or a ledger goes through ``esc``: printed
literally (``research [senior]`` keeps its brackets, ``[/]`` is not markup) and capped in length."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fullcost import fmt
from fullcost.safe import term as esc
from fullcost.views import OWN_COST_LABEL

if TYPE_CHECKING:
    from rich.console import Console


def _console() -> Console:
    from rich.console import Console

    return Console()


def table(title: str, rows: list[dict[str, Any]], columns: dict[str, str] | None = None) -> None:
    """Rows as a table; ``columns`` picks the ones that fit a terminal (JSON output has them all)."""
    from rich.table import Table

    t = Table(title=esc(title))
    if not rows:
        _console().print(f"{esc(title)}: none")
        return
    labels = columns or {k: k.replace("_", " ") for k in rows[0]}
    keys = list(labels)
    for i, k in enumerate(keys):
        t.add_column(esc(labels[k]), no_wrap=i == 0)
    for r in rows:
        vals = (r.get(k) for k in keys)
        t.add_row(*("" if v is None else (fmt.num(v) if isinstance(v, float) else esc(v)) for v in vals))
    _console().print(t)


def _interval(s: dict[str, float], f: Any = fmt.usd) -> str:
    return "" if s["p5"] == s["p95"] else f"{f(s['p5'])} to {f(s['p95'])}"


def estimate_table(out: dict[str, Any], items: bool = False, command: str | None = None) -> None:
    """The answer first: the claim and the answer, the final run, development by category, the lab, the bridge
    and the five inputs that move it most; ``items`` adds every cost item."""
    from rich.table import Table

    h, fr, dev = out["headline"], out["final_run"], out["development"]
    c = _console()
    usd = out["dollars"]["label"] if out.get("dollars") else "US dollars"
    c.print(f"[bold]{esc(out['name'])}[/bold]  ({out['samples']:,} samples, seed {out['seed']}; in {esc(usd)})")
    for o in out.get("overrides") or []:
        c.print(f"  with --set {esc(o)}")
    total, share = dev["total_usd"], out["coverage"]["headline_share"]
    c.print(f"[bold]Claim:[/bold] {fmt.usd(h['usd'])} = {fmt.num(h['gpu_hours'])} GPU-hours x "
            f"${h['usd_per_gpu_hour']:g}/GPU-hour  \\[{esc(h['basis'])}: {esc(h['note'])}]")
    c.print(f"[bold]Answer:[/bold] developing it cost {fmt.usd(total['mean'])} "
            f"(90% interval {fmt.usd(total['p5'])} to {fmt.usd(total['p95'])}); the headline is "
            f"{fmt.pct(share['p50'])} of that.")
    if out["coverage"].get("headline_above_development"):
        c.print(esc(out["coverage"]["headline_above_development"]))
    t = Table(title="Final run")
    t.add_column("measure")
    t.add_column("value (mean, 90% interval)", justify="right")
    t.add_row("rental (headline basis)", fmt.summary(fr["rental_usd"]))
    if "own_cost_usd" in fr:
        t.add_row(f"{OWN_COST_LABEL} (as in the development cost)", fmt.summary(fr["own_cost_usd"]))
    t.add_row("amortized ownership (Epoch AI)", fmt.summary(fr["amortized_usd"]))
    t.add_row("amortized ownership (straight-line)", fmt.summary(fr["amortized_straight_line_usd"]))
    t.add_row("acquisition of the cluster", fmt.summary(fr["acquisition_usd"]))
    mfu = "n/a (no pre-training phase)" if fr["implied_mfu"] is None else fmt.pct(fr["implied_mfu"])
    t.add_row("hardware", f"{fr['gpus']:,.0f} x {esc(fr['hardware'])} ({fr['precision'].upper()}, "
                          f"{fr['peak_tflops']:g} TFLOP/s peak)")
    t.add_row("GPU-hours, wall-clock days", f"{fmt.num(fr['gpu_hours'])}, {fr['days']:.1f} days")
    basis = {"6ND": "6·N·D", "reported": "as reported"}.get(fr.get("flops_basis", "6ND"), "unknown")
    t.add_row(f"FLOPs ({basis}), implied MFU", ("n/a" if fr["flops"] is None else fmt.sci(fr["flops"])) + f", {mfu}")
    c.print(t)
    if items:
        _iceberg_tables(out)
    else:
        t = Table(title=f"Development cost by category (GPU-hours at the lab's own rate: {dev['rate']})")
        t.add_column("category")
        t.add_column("mean", justify="right")
        t.add_column("90% interval", justify="right")
        for row in dev.get("by_category", []):
            t.add_row(row["category"], fmt.usd(row["usd"]["mean"]), _interval(row["usd"]))
        t.add_row("[bold]total[/bold]", f"[bold]{fmt.usd(total['mean'])}[/bold]", _interval(total))
        c.print(t)
        lab = out.get("lab_annual")
        if lab:
            s = lab["total_usd"]
            line = f"[bold]The lab, one year:[/bold] {fmt.usd(s['mean'])} (90% interval {fmt.usd(s['p5'])} to " \
                   f"{fmt.usd(s['p95'])})"
            pub = lab.get("published_estimate")
            if pub:
                line += f"; against {esc(str(pub['estimate']))} published: {esc(pub['verdict'].split(':')[0])}"
            c.print(line + ".")
        _bridge(out)
        _tornado(out, 5)
    c.print("Ranges are 90% intervals (5th to 95th percentile)."
            + ("" if items else " Every cost item: --items; every figure: --format json or csv."))
    if command:
        c.print(f"Reproduce: {esc(command)}", soft_wrap=True)


def _bridge(out: dict[str, Any]) -> None:
    from rich.table import Table

    b = Table(title="Bridge: from the headline to the development cost (mean dollars)")
    b.add_column("step")
    b.add_column("usd", justify="right")
    b.add_column("running total", justify="right")
    running = 0.0
    for st in out["bridge"]:
        running += st["usd"]
        if st["usd"] == 0 and st["step"] != "headline":
            continue
        b.add_row(st["label"], ("+" if st["usd"] >= 0 and st["step"] != "headline" else "") + fmt.usd(st["usd"]),
                  fmt.usd(running))
    _console().print(b)


def _tornado(out: dict[str, Any], top: int) -> None:
    from rich.table import Table

    if not out.get("sensitivity"):
        return
    st = Table(title=f"The {top} inputs that move the development cost most "
                     "(mean total with the input at its 5th / 95th percentile)")
    st.add_column("input")
    st.add_column("range")
    st.add_column("low", justify="right")
    st.add_column("high", justify="right")
    for r in out["sensitivity"][:top]:
        st.add_row(esc(r.get("label") or r["input"]), esc(r["text"]), fmt.usd(r["low_usd"]),
                   fmt.usd(r["high_usd"]))
    _console().print(st)


def _iceberg_tables(out: dict[str, Any]) -> None:
    from rich.table import Table

    c = _console()
    dev = out["development"]
    t = Table(title=f"Development cost (GPU-hours priced at the lab's own rate: {esc(dev['rate'])})")
    t.add_column("item")
    t.add_column("category")
    t.add_column("phase")
    t.add_column("mean", justify="right")
    t.add_column("90% interval", justify="right")
    for it in dev["items"]:
        s = it["usd"]
        t.add_row(esc(it["name"]), esc(it["category"]), esc(it["phase"]), fmt.usd(s["mean"]),
                  f"{fmt.usd(s['p5'])} to {fmt.usd(s['p95'])}")
    s = dev["total_usd"]
    t.add_row("[bold]total[/bold]", "", "", f"[bold]{fmt.usd(s['mean'])}[/bold]",
              f"{fmt.usd(s['p5'])} to {fmt.usd(s['p95'])}")
    c.print(t)

    b = Table(title="Bridge: from the headline to the development cost (mean dollars)")
    b.add_column("step")
    b.add_column("usd", justify="right")
    running = 0.0
    b.add_column("running total", justify="right")
    for st in out["bridge"]:
        running += st["usd"]
        b.add_row(esc(st["label"]), ("+" if st["usd"] >= 0 and st["step"] != "headline" else "") + fmt.usd(st["usd"]),
                  fmt.usd(running))
    c.print(b)

    cov = out["coverage"]
    share = cov["headline_share"]
    c.print(f"The headline covers {fmt.pct(share['p50'])} of the development cost "
            f"(90% interval {fmt.pct(share['p5'])} to {fmt.pct(share['p95'])})."
            + (" It leaves out:" if cov["excluded"] else " The scenario gives nothing beyond the final run."))
    for e in cov["excluded"]:
        c.print(f"  - {esc(e['name'])}: ~{fmt.usd(e['usd']['mean'])} ({esc(e['what'])})")
    lab = out.get("lab_annual")
    if lab:
        lt = Table(title="The lab's annual cost")
        lt.add_column("item")
        lt.add_column("category")
        lt.add_column("mean", justify="right")
        lt.add_column("90% interval", justify="right")
        for it in lab["items"]:
            s = it["usd"]
            lt.add_row(esc(it["name"]), esc(it["category"]), fmt.usd(s["mean"]),
                       f"{fmt.usd(s['p5'])} to {fmt.usd(s['p95'])}")
        s = lab["total_usd"]
        lt.add_row("[bold]total[/bold]", "", f"[bold]{fmt.usd(s['mean'])}[/bold]",
                   f"{fmt.usd(s['p5'])} to {fmt.usd(s['p95'])}")
        c.print(lt)
        pub = lab.get("published_estimate")
        if pub:
            c.print(f"Published estimate {esc(pub['estimate'])} ({esc(pub['source'])}): fullcost {esc(pub['verdict'])} "
                    f"(probability within it {fmt.pct(pub['probability_within'])}).")
    if out.get("sensitivity"):
        st = Table(title="What moves the development cost most "
                         "(mean total with the input at its 5th / 95th percentile)")
        st.add_column("input")
        st.add_column("range")
        st.add_column("low", justify="right")
        st.add_column("high", justify="right")
        for r in out["sensitivity"][:8]:
            st.add_row(esc(r.get("label") or r["input"]), esc(r["text"]), fmt.usd(r["low_usd"]), fmt.usd(r["high_usd"]))
        c.print(st)


def model_header(name: str) -> str:
    """A column heading that tells variants apart: the base name, then ``@variant`` on its own line."""
    base, at, variant = name.partition("@")
    return esc(base, 60) + (f"\n@{esc(variant, 60)}" if at else "")


def compare_table(outs: list[dict[str, Any]]) -> None:
    from rich.table import Table

    labels = {o["dollars"]["label"] for o in outs if o.get("dollars")}
    usd = "; in " + labels.pop() if len(labels) == 1 else "; in each model's nominal dollars" if labels else ""
    t = Table(title=f"Side by side (means; 90% intervals below{esc(usd)})")
    t.add_column("measure", overflow="fold")
    for o in outs:
        t.add_column(model_header(str(o["name"])), justify="right", overflow="fold")

    def row(label: str, get: Any, f: Any = fmt.usd) -> None:
        vals = []
        for o in outs:
            try:
                v = get(o)
            except (KeyError, TypeError):
                v = None
            if v is None:
                vals.append("-")
            elif isinstance(v, dict):
                vals.append(f(v["mean"]) if v["p5"] == v["p95"] else f"{f(v['mean'])}\n({f(v['p5'])} to {f(v['p95'])})")
            else:
                vals.append(f(v))
        t.add_row(label, *vals)

    def headline(o: dict[str, Any]) -> str:
        h = o["headline"]
        return fmt.usd(h["usd"]) + ("" if h["basis"] == "quoted" else "\n(market rate)")

    t.add_row("headline", *(headline(o) for o in outs))
    row("final-run GPU-hours", lambda o: o["final_run"]["gpu_hours"], fmt.num)
    row("training FLOPs", lambda o: o["final_run"]["flops"], fmt.sci)
    row("implied MFU", lambda o: o["final_run"]["implied_mfu"], fmt.pct)  # "-" where not applicable
    row("final run, rental (the headline's basis)", lambda o: o["final_run"]["rental_usd"])
    row(OWN_COST_LABEL, lambda o: o["final_run"]["own_cost_usd"])
    row("final run, amortized (Epoch AI's method)", lambda o: o["final_run"]["amortized_usd"])
    row("final run, straight-line", lambda o: o["final_run"]["amortized_straight_line_usd"])
    row("cluster acquisition", lambda o: o["final_run"]["acquisition_usd"])
    row("development cost", lambda o: o["development"]["total_usd"])
    row("headline share of development (median)", lambda o: o["coverage"]["headline_share"]["p50"], fmt.pct)
    row("lab annual cost", lambda o: o["lab_annual"]["total_usd"])
    _console().print(t)
    if any(o["headline"]["basis"] != "quoted" for o in outs):
        _console().print("(market rate): the developer quoted no price; the headline prices the final run at a "
                         "dated market rental rate from the catalog.")


def claim_table(out: dict[str, Any]) -> None:
    from rich.table import Table

    c = _console()
    t = Table(title=f"Claim: {fmt.usd(out['claim_usd'])} (a match is within {fmt.pct(out['tolerance'])})")
    t.add_column("cost definition")
    t.add_column("probability it matches", justify="right")
    for m in out["matches"]:
        t.add_row(esc(m["label"]), fmt.pct(m["probability"]))
    c.print(t)
    cov = out["coverage"]
    c.print(f"The claim is {fmt.pct(cov['p50'])} of the development cost "
            f"(90% interval {fmt.pct(cov['p5'])} to {fmt.pct(cov['p95'])}).")
    c.print(esc(out["summary"], 5_000))


def replicate_table(out: dict[str, Any]) -> None:
    from rich.table import Table

    c = _console()
    t = Table(title=f"Replicating {esc(out['name'])}: cost by what was released")
    t.add_column("released")
    t.add_column("mean", justify="right")
    t.add_column("90% interval", justify="right")
    for lv in out["levels"]:
        s = lv["usd"]
        mark = "  (as released)" if lv["openness"] == out["released"] else ""
        t.add_row(esc(lv["openness"]) + mark, fmt.usd(s["mean"]), f"{fmt.usd(s['p5'])} to {fmt.usd(s['p95'])}")
    s = out["original_development_usd"]
    t.add_row("original development", fmt.usd(s["mean"]), f"{fmt.usd(s['p5'])} to {fmt.usd(s['p95'])}")
    c.print(t)
    c.print(esc(out["note"], 5_000))


def trend_table(out: dict[str, Any]) -> None:
    from rich.table import Table

    c = _console()
    t = Table(title=f"{esc(out['name'])}: development cost of the same capability by year")
    t.add_column("year")
    t.add_column("median", justify="right")
    t.add_column("90% interval", justify="right")
    t.add_column(f"P(< {fmt.usd(out['below_usd'])})", justify="right")
    t.add_column("frontier (Epoch 2.4x/yr), median", justify="right")
    for row, fr in zip(out["years"], out["frontier"], strict=True):
        s = row["usd"]
        t.add_row(str(row["year"]), fmt.usd(s["p50"]), f"{fmt.usd(s['p5'])} to {fmt.usd(s['p95'])}",
                  fmt.pct(out["probability_by_year"][str(row["year"])]), fmt.usd(fr["usd"]["p50"]))
    c.print(t)
    if out["year_p50"] is None:
        c.print(f"In most samples the cost never falls below {fmt.usd(out['below_usd'])}: staff, data and overhead "
                f"(~{fmt.usd(out['other_part_usd']['mean'])}) are held constant.")
    else:
        c.print(f"Median year below {fmt.usd(out['below_usd'])}: {out['year_p50']}.")


def premium_table(out: dict[str, Any]) -> None:
    from rich.table import Table

    c = _console()
    d = out["development"]
    t = Table(title=f"{esc(out['scenario'])}: the export-control premium (against {esc(out['variant'])})")
    t.add_column("development cost")
    t.add_column("mean", justify="right")
    t.add_column("90% interval", justify="right")

    def add(label: str, s: dict[str, float]) -> None:
        t.add_row(label, fmt.usd(s["mean"]), f"{fmt.usd(s['p5'])} to {fmt.usd(s['p95'])}")

    add("with export controls", d["with_controls_usd"])
    add("without them", d["without_usd"])
    for st in out["by_step"]:
        add(f"  of which {esc(st['label'])}", st["usd"])
    add("the premium (sample by sample)", d["premium_usd"])
    c.print(t)
    c.print(f"The premium is {fmt.pct(d['share_of_cost']['mean'])} of the development cost on average; the controls "
            f"raised the cost in {fmt.pct(d['probability_positive'])} of {out['samples']:,} simulations.")
    lab = out["lab_annual"]
    if lab is not None:
        s = lab["premium_usd"]
        c.print(f"The lab's annual cost: {fmt.usd(s['mean'])} more under the controls "
                f"(90% interval {fmt.usd(s['p5'])} to {fmt.usd(s['p95'])}).")
