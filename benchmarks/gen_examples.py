"""The example records the README's Actuals section imports: a small lab's first quarter of 2025, made up.

    python benchmarks/gen_examples.py [OUT_DIR]   # default: src/fullcost/actuals/data/examples

One file per importer, each as its tool writes it: ``sacct.txt`` (``sacct --parsable2`` with a header),
``bills.csv`` (FOCUS 1.0), ``emissions.csv`` (CodeCarbon v2), ``allocation.json`` (OpenCost's allocation API) and
``runs.jsonl`` (``fullcost track``). Job names, tags and labels match ``rules.yaml`` beside them. Seeded: the
same files every time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "src" / "fullcost" / "actuals" / "data" / "examples"
START = dt.datetime(2025, 1, 2)
NAMES = ("v4-pretrain", "v4-ablation-lr", "v4-scaling-7b", "v4-eval", "r1-distill", "v3-sft", "jupyter")
STATES = ("COMPLETED",) * 8 + ("FAILED", "TIMEOUT", "CANCELLED by 1042", "OUT_OF_MEMORY")


def _t(x: dt.datetime) -> str:
    return x.strftime("%Y-%m-%dT%H:%M:%S")


def sacct(rnd: random.Random) -> str:
    head = "JobID|JobIDRaw|JobName|User|Account|Partition|Cluster|Submit|Start|End|Elapsed|ElapsedRaw|State|AllocTRES"
    lines = [head]
    for i in range(120):
        jid = 40100 + i
        name = NAMES[rnd.randrange(len(NAMES))]
        gpus = 256 if name == "v4-pretrain" else rnd.choice((8, 16, 32, 64))
        submit = START + dt.timedelta(hours=i * 17 + rnd.randrange(8))
        start = submit + dt.timedelta(minutes=rnd.randrange(1, 90))
        el = rnd.randrange(1800, 36 * 3600) if name == "v4-pretrain" else rnd.randrange(600, 8 * 3600)
        end = start + dt.timedelta(seconds=el)
        state = STATES[rnd.randrange(len(STATES))]
        d, rest = divmod(el, 86400)
        elapsed = (f"{d}-" if d else "") + f"{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"
        acct = "frontier" if name.startswith("v4") else "research"
        lines.append(f"{jid}|{jid}|{name}|user{rnd.randrange(12):02d}|{acct}|h100|alpha|{_t(submit)}|{_t(start)}|"
                     f"{_t(end)}|{elapsed}|{el}|{state}|billing={gpus * 8},cpu={gpus * 8},gres/gpu={gpus},"
                     f"mem={gpus * 100}G,node={max(1, gpus // 8)}")
        if i % 10 == 0:  # a step row: skipped, its job carries the GPUs
            lines.append(f"{jid}.batch|{jid}.batch|batch|||h100|alpha|{_t(submit)}|{_t(start)}|{_t(end)}|"
                         f"{elapsed}|{el}|COMPLETED|cpu=8,gres/gpu={gpus}")
    return "\n".join(lines) + "\n"


def bills(rnd: random.Random) -> str:
    cols = ("BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargeCategory,"
            "ChargeClass,ChargeDescription,ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,ListCost,"
            "ContractedCost,InvoiceIssuerName,PricingQuantity,PricingUnit,ProviderName,PublisherName,"
            "ServiceCategory,ServiceName,Tags")
    rows = [cols]
    for i in range(36):
        day = START + dt.timedelta(days=i * 2.5)
        month = dt.datetime(day.year, day.month, 1)
        nxt = dt.datetime(day.year + (day.month == 12), day.month % 12 + 1, 1)
        service = ("Compute", "Amazon Elastic Compute Cloud") if i % 3 else ("Storage", "Amazon Simple Storage Service")
        qty = rnd.randrange(8, 200)
        cost = round(qty * (98.32 / 8 if service[0] == "Compute" else 0.023), 6)
        unit = '{""business_unit"": ""ViennaAI""}' if i % 4 else '{""business_unit"": ""Platform""}'
        rows.append(f"123456789012,lab-main,USD,{month:%Y-%m-%dT%H:%M:%SZ},{nxt:%Y-%m-%dT%H:%M:%SZ},Usage,,"
                    f"p5.48xlarge usage,{day:%Y-%m-%dT00:00:00Z},{day + dt.timedelta(days=1):%Y-%m-%dT00:00:00Z},"
                    f"{cost},{round(cost * 0.7, 6)},{cost},{cost},AWS,{qty},Hours,AWS,AWS,{service[0]},{service[1]},"
                    f"\"{unit}\"")
    rows.append("123456789012,lab-main,USD,2025-02-01T00:00:00Z,2025-03-01T00:00:00Z,Credit,,Research credits,"
                "2025-02-01T00:00:00Z,2025-03-01T00:00:00Z,-500,-500,-500,-500,AWS,,,AWS,AWS,Compute,"
                "Amazon Elastic Compute Cloud,")
    return "\n".join(rows) + "\n"


def emissions(rnd: random.Random) -> str:
    head = ("timestamp,project_name,run_id,duration,emissions,emissions_rate,cpu_power,gpu_power,ram_power,"
            "cpu_energy,gpu_energy,ram_energy,energy_consumed,country_name,country_iso_code,region,cloud_provider,"
            "cloud_region,os,python_version,cpu_count,cpu_model,gpu_count,gpu_model,longitude,latitude,"
            "ram_total_size,tracking_mode,on_cloud")
    rows = [head]
    for i in range(8):
        run = f"6f1c{i:04d}-0000-4000-8000-00000000000{i}"
        t = START + dt.timedelta(days=7 * i, hours=9)
        dur = rnd.randrange(1800, 14400)
        gpu_kwh = round(dur / 3600 * 8 * 0.55, 6)
        total = round(gpu_kwh * 1.25, 6)
        rows.append(f"{_t(t + dt.timedelta(seconds=dur))},notebook-eval,{run},{dur},{total * 0.35:.6f},1e-05,"
                    f"120,4400,40,0.2,{gpu_kwh},0.05,{total},United States,USA,virginia,,,Linux,3.11,64,EPYC,8,"
                    "8 x NVIDIA H100 80GB HBM3,,,1024,machine,N")
    return "\n".join(rows) + "\n"


def allocation() -> str:
    def alloc(name: str, ns: str, gpu_h: float, cost: float, labels: dict[str, str]) -> dict[str, object]:
        return {"name": name, "properties": {"cluster": "k8s-east", "namespace": ns, "pod": name.split("/")[-1],
                                             "labels": labels},
                "window": {"start": "2025-02-01T00:00:00Z", "end": "2025-02-08T00:00:00Z"},
                "gpuHours": gpu_h, "gpuCost": round(gpu_h * 2.9, 2), "totalCost": cost}

    data = {"code": 200, "data": [{
        "serve/v4-api": alloc("serve/v4-api", "serve", 1344.0, 4120.5, {"team": "llm"}),
        "tools/labeler": alloc("tools/labeler", "tools", 0.0, 88.2, {"team": "data"}),
        "__idle__": alloc("__idle__", "", 0.0, 610.0, {}),
    }]}
    return json.dumps(data, indent=1) + "\n"


def runs() -> str:
    out = []
    for i, (phase, gpus, hours) in enumerate((("experiments", 8, 6), ("experiments", 8, 3), ("validation", 4, 2),
                                              ("final_run", 64, 20), ("related_model", 16, 5))):
        start = START + dt.timedelta(days=20 + 9 * i)
        end = start + dt.timedelta(hours=hours)
        out.append(json.dumps({"fullcost_tracker": 1, "id": f"example-run-{i + 1}", "model": "v4", "phase": phase,
                               "phase_label": phase, "start": start.isoformat() + "+00:00",
                               "end": end.isoformat() + "+00:00", "duration_s": hours * 3600.0, "gpus": gpus,
                               "gpu_energy_kwh": round(gpus * hours * 0.52, 3), "slurm_job_id": None,
                               "slurm_cluster": None, "host": "workstation-3", "user": "alice",
                               "command": "python train.py", "exit_code": 0}, sort_keys=True))
    return "\n".join(out) + "\n"


def generate(out: Path = OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(2025)
    files = {"sacct.txt": sacct(rnd), "bills.csv": bills(rnd), "emissions.csv": emissions(rnd),
             "allocation.json": allocation(), "runs.jsonl": runs()}
    paths = []
    for name, text in files.items():
        p = out / name
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default=str(OUT))
    a = ap.parse_args(argv)
    for p in generate(Path(a.out)):
        print(p)


if __name__ == "__main__":
    main()
