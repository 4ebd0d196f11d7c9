"""OpenCost allocation exports, for labs on Kubernetes: the API's JSON or the CSV export.

JSON (``GET /allocation?window=...&aggregate=...``): ``{"data": [{NAME: {properties, window, gpuHours, gpuCost,
totalCost, ...}}, ...]}``, one mapping per step. CSV (``pkg/costmodel/csv_export.go``): a row per allocation
and day with ``Date, Namespace, ControllerKind, ControllerName, Pod, Container, ..., GPUs, ..., GPUCost,
TotalCost`` and optionally ``Labels`` (JSON); GPU-hours = GPUs (the day's average) x 24.

OpenCost has already priced each allocation (the greater of request and usage, times its price sheet), so
fullcost takes its ``totalCost`` as the cost; ``__idle__`` rows are the cluster's idle capacity.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fullcost.actuals import jsondepth, textfile
from fullcost.actuals import schema as sch
from fullcost.actuals.focus import fx_hash
from fullcost.actuals.fx import Fx
from fullcost.actuals.importer import Feed
from fullcost.errors import InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

    from fullcost.actuals.engine import Ledger

FIELDS = ("name", "window_start", "window_end", "cluster", "node", "namespace", "controller_kind", "controller",
          "pod", "container", "labels", "gpu_hours", "gpus", "gpu_cost", "total_cost")


def _s(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, dict | list):
        return json.dumps(v, sort_keys=True)
    return str(v)


def _from_json(path: Path, data: Any) -> tuple[list[dict[str, Any]], list[tuple[int, str]], str]:
    sets = data.get("data") if isinstance(data, dict) else data
    if isinstance(sets, dict):
        sets = [sets]
    if not isinstance(sets, list):
        raise InputError("not an OpenCost allocation export: expected {\"data\": [{NAME: allocation, ...}]}",
                         str(path))
    rows: list[dict[str, Any]] = []
    bad: list[tuple[int, str]] = []
    n = 0
    for i, s in enumerate(sets):
        if not isinstance(s, dict):
            n += 1
            bad.append((n, f"data[{i}]: expected a mapping of allocation name to allocation"))
            continue
        for name, a in s.items():
            n += 1
            where = f"data[{i}][{json.dumps(name)}]"
            if not isinstance(a, dict):
                bad.append((n, f"{where}: expected an allocation (a mapping)"))
                continue
            props = a.get("properties") or {}
            win = a.get("window") or {}
            if not isinstance(props, dict) or not isinstance(win, dict):
                bad.append((n, f"{where}: properties and window must be mappings"))
                continue
            labels = props.get("labels") or props.get("namespaceLabels")
            rows.append({
                "_line": n, "_where": where, "name": _s(a.get("name", name)),
                "window_start": _s(win.get("start", a.get("start"))), "window_end": _s(win.get("end", a.get("end"))),
                "cluster": _s(props.get("cluster")), "node": _s(props.get("node")),
                "namespace": _s(props.get("namespace")), "controller_kind": _s(props.get("controllerKind")),
                "controller": _s(props.get("controller")), "pod": _s(props.get("pod")),
                "container": _s(props.get("container")), "labels": _s(labels) if labels else None,
                "gpu_hours": _s(a.get("gpuHours")), "gpus": None, "gpu_cost": _s(a.get("gpuCost")),
                "total_cost": _s(a.get("totalCost")),
            })
    return rows, bad, "record"


def _from_csv(path: Path) -> tuple[list[dict[str, Any]], list[tuple[int, str]], str]:
    rows: list[dict[str, Any]] = []
    bad: list[tuple[int, str]] = []
    with open(path, newline="", encoding="utf-8-sig") as f:
        r = csv.reader(f)
        header = next(r, None)
        if not header:
            raise InputError("empty file: expected an OpenCost export", str(path), 1)
        idx = {h.strip(): i for i, h in enumerate(header)}
        need = [c for c in ("Date", "Namespace", "TotalCost") if c not in idx]
        if need:
            raise InputError(f"not an OpenCost CSV export: no {', '.join(need)} column", str(path), 1)
        label_cols = [h for h in idx if h.startswith("Label_")]
        line = r.line_num
        for rec in r:
            start = line + 1
            line = r.line_num
            if not rec:
                continue
            if len(rec) != len(header):
                bad.append((start, f"{'truncated row' if len(rec) < len(header) else 'too many fields'}: "
                                   f"expected {len(header)} fields, found {len(rec)}"))
                continue

            def g(c: str, rec: list[str] = rec) -> str | None:
                return rec[idx[c]] if c in idx and rec[idx[c]] != "" else None

            labels: dict[str, Any] = {}
            if g("Labels"):
                try:
                    parsed = json.loads(g("Labels") or "")
                    labels = parsed if isinstance(parsed, dict) else {}
                except json.JSONDecodeError:
                    bad.append((start, "Labels: not a JSON object"))
                    continue
            for c in label_cols:
                if g(c) is not None:
                    labels[c[len("Label_"):]] = g(c)
            date = g("Date")
            end = None
            try:
                end = (dt.date.fromisoformat(date or "") + dt.timedelta(days=1)).isoformat() if date else None
            except ValueError:
                end = None
            rows.append({
                "_line": start, "_where": "", "name": "/".join(x for x in (g("Namespace"), g("Pod"), g("Container"))
                                                               if x),
                "window_start": date, "window_end": end, "cluster": g("Cluster"), "node": g("Node"),
                "namespace": g("Namespace"), "controller_kind": g("ControllerKind"),
                "controller": g("ControllerName"), "pod": g("Pod"), "container": g("Container"),
                "labels": json.dumps(labels, sort_keys=True) if labels else None, "gpu_hours": None,
                "gpus": g("GPUs"), "gpu_cost": g("GPUCost"), "total_cost": g("TotalCost"),
            })
    return rows, bad, "line"


def read(path: Path) -> tuple[pa.Table, list[tuple[int, str]], str]:
    import pyarrow as pa

    text = textfile.read_text(path, "an OpenCost export (JSON or CSV)", "utf-8-sig")
    if text.lstrip().startswith(("{", "[")):
        data = jsondepth.loads(text, str(path))
        try:
            rows, bad, where = _from_json(path, data)
        except RecursionError:
            raise InputError(jsondepth.TOO_DEEP, str(path)) from None
    else:
        rows, bad, where = _from_csv(path)
    cols = ["_line", "_where", *FIELDS]
    table = pa.table({c: pa.array([r.get(c) for r in rows], type=pa.int64() if c == "_line" else pa.string())
                      for c in cols})
    return table, bad, where


def parse(raw: ir.Table, fx: Fx) -> ir.Table:
    import ibis

    null = ibis.null("string")
    start, end = fx.any_time(raw.window_start), fx.any_time(raw.window_end)
    hours = (end.epoch_seconds() - start.epoch_seconds()) / 3600.0
    gh = ibis.cases((raw.gpu_hours.notnull(), fx.number(raw.gpu_hours, sch.DEC_QTY)),
                    (raw.gpus.notnull(), fx.bounded(fx.number(raw.gpus, "float64") * hours, sch.DEC_QTY)),
                    else_=ibis.literal(0, sch.DEC_QTY))
    b = raw.mutate(ws=start, we=end, gh=gh, gc=fx.number(raw.gpu_cost, sch.DEC_COST),
                   tc=fx.number(raw.total_cost, sch.DEC_COST))
    where = ibis.cases((b._where != "", b._where + ": "), else_="")

    def q(v: ir.StringValue) -> ir.StringValue:
        return "'" + v.fill_null("") + "'"

    err = ibis.cases(
        (b.window_start.isnull(), where + "window start: required, but missing"),
        (b.ws.isnull(), where + "window start: expected a date-time, got " + q(b.window_start)),
        (b.we.isnull(), where + "window end: expected a date-time, got " + q(b.window_end)),
        (b.we < b.ws, where + "window end: before its start"),
        (b.total_cost.isnull(), where + "totalCost: required, but missing"),
        (b.tc.isnull(), where + "totalCost: expected a number, got " + q(b.total_cost)),
        (b.tc < 0, where + "totalCost: " + b.total_cost + " is negative, expected 0 or more"),
        (b.gpu_cost.notnull() & b.gc.isnull(), where + "gpuCost: expected a number, got " + q(b.gpu_cost)),
        (b.gc < 0, where + "gpuCost: " + b.gpu_cost + " is negative, expected 0 or more"),
        ((b.gpu_hours.notnull() | b.gpus.notnull()) & b.gh.isnull(),
         where + "GPU-hours: expected a number, got " + q(b.gpu_hours.fill_null(b.gpus))),
        (b.gh < 0, where + "GPU-hours: negative, expected 0 or more"),
        else_=null,
    )
    h = fx_hash([b[c] for c in FIELDS])
    c = b.mutate(_hash=h)
    occ = ibis.row_number().over(group_by=c._hash, order_by=c._hash)
    return c.select(
        row_hash=c._hash, occurrence=occ.cast("int64"), window_start=c.ws, window_end=c.we, cluster=c.cluster,
        node=c.node, namespace=c.namespace, controller_kind=c.controller_kind, controller=c.controller, pod=c.pod,
        container=c.container, labels=c.labels, gpu_hours=c.gh, gpu_cost=c.gc, total_cost=c.tc,
        idle=c.name.fill_null("").contains("__idle__"), _err=err, _skip=null, _line=c._line,
    )


def feed(led: Ledger, path: str | Path) -> Feed:
    p = Path(path)
    table, bad, where = read(p)
    return Feed(
        kind="opencost", spec=sch.K8S, file=p,
        raw=lambda path, numbered: led.arrow("_raw_opencost", table),
        parse=lambda raw: parse(raw, Fx(led.dialect)),
        structural=lambda: list(bad), where=where,
    )
