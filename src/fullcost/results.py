"""What the Python API returns: the JSON the CLI prints, read by attribute, with the samples behind each summary.

``est.headline.usd`` is ``est.data["headline"]["usd"]``; a summary (``est.development.total_usd``) has ``.mean``,
``.p5``, ``.p50``, ``.p95`` and, where the run has them, ``.samples`` (the Monte Carlo draws, one per sample).
``.data`` (or ``.to_json()``) is the plain JSON-able dict, identical to the CLI's ``--format json``; ``.rows()``,
``.to_csv()`` and ``.to_frame()`` give the long format of ``--format csv``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from fullcost import tidy
from fullcost.quantity import Arr

STATS = ("mean", "p5", "p50", "p95")


class Summary(Mapping[str, float]):
    """A distribution as the JSON gives it (mean, 5th, 50th and 95th percentiles), with its samples if known."""

    def __init__(self, data: Mapping[str, float], samples: Arr | None = None) -> None:
        self._data = dict(data)
        self.samples: Arr | None = None if samples is None else np.asarray(samples)

    @property
    def mean(self) -> float:
        return self._data["mean"]

    @property
    def p5(self) -> float:
        return self._data["p5"]

    @property
    def p50(self) -> float:
        return self._data["p50"]

    @property
    def p95(self) -> float:
        return self._data["p95"]

    def __getitem__(self, key: str) -> float:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return "Summary(" + ", ".join(f"{k}={v:.6g}" for k, v in self._data.items()) + ")"


def _is_summary(v: Any) -> bool:
    return isinstance(v, dict) and bool(v) and set(v) <= set(STATS) and all(
        isinstance(x, (int, float)) for x in v.values())


def wrap(value: Any, arrays: Mapping[str, Arr], path: str) -> Any:
    if _is_summary(value):
        return Summary(value, arrays.get(path))
    if isinstance(value, dict):
        return Record(value, arrays, path)
    if isinstance(value, list):
        return [wrap(v, arrays, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


class Record(Mapping[str, Any]):
    """A JSON object read by attribute (``r.final_run.rental_usd.mean``) or by key (``r["final_run"]``)."""

    def __init__(self, data: Mapping[str, Any], arrays: Mapping[str, Arr] | None = None, path: str = "") -> None:
        self._data = data
        self._arrays = arrays or {}
        self._path = path

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no field '{name}' here (fields: {', '.join(self._data)})") from None

    def __getitem__(self, key: str) -> Any:
        return wrap(self._data[key], self._arrays, f"{self._path}.{key}" if self._path else key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *self._data]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(self._data)})"


class Result(Record):
    """One command's output: ``.data`` is its JSON; ``.rows()``, ``.to_csv()`` and ``.to_frame()`` its long format."""

    def __init__(self, data: dict[str, Any], arrays: Mapping[str, Arr] | None = None,
                 long: list[dict[str, Any]] | None = None) -> None:
        super().__init__(data, arrays)
        self.data: dict[str, Any] = data
        self._long = long

    def to_json(self) -> dict[str, Any]:
        return copy.deepcopy(self.data)

    def rows(self) -> list[dict[str, Any]]:
        return list(self._long) if self._long is not None else tidy.rows(self.data)

    def to_csv(self) -> str:
        return tidy.to_csv(self.rows())

    def to_frame(self) -> Any:
        """The long format as a pandas DataFrame (the rows as a list of dicts when pandas is not installed)."""
        try:
            import pandas as pd  # type: ignore[import-untyped]
        except ImportError:
            return self.rows()
        return pd.DataFrame(self.rows(), columns=list(tidy.COLUMNS))


class Estimate(Result):
    """``fullcost.estimate``'s answer: the fields of ``fullcost estimate --format json``."""

    @property
    def name(self) -> str:
        return str(self.data["name"])

    @property
    def samples(self) -> int:
        return int(self.data["samples"])

    @property
    def seed(self) -> int:
        return int(self.data["seed"])

    @property
    def headline(self) -> Record:
        return self["headline"]  # type: ignore[no-any-return]

    @property
    def final_run(self) -> Record:
        return self["final_run"]  # type: ignore[no-any-return]

    @property
    def development(self) -> Record:
        return self["development"]  # type: ignore[no-any-return]

    @property
    def lab_annual(self) -> Record | None:
        return self["lab_annual"]  # type: ignore[no-any-return]

    @property
    def bridge(self) -> list[Record]:
        return self["bridge"]  # type: ignore[no-any-return]

    @property
    def coverage(self) -> Record:
        return self["coverage"]  # type: ignore[no-any-return]

    @property
    def sensitivity(self) -> list[Record]:
        return self["sensitivity"]  # type: ignore[no-any-return]

    @property
    def warnings(self) -> list[str]:
        return list(self.data.get("warnings", []))

    @property
    def overrides(self) -> list[str]:
        return list(self.data.get("overrides", []))


class Comparison(Result):
    """``fullcost.compare``'s answer: ``.models`` holds one ``Estimate`` per model, in the order given."""

    def __init__(self, data: dict[str, Any], models: list[Estimate]) -> None:
        super().__init__(data, None, [r for m in models for r in m.rows()])
        self.models = models

    def __getitem__(self, key: str) -> Any:
        if key == "models":
            return self.models
        return super().__getitem__(key)


def arrays_of(est: Any) -> dict[str, Arr]:
    """The samples behind the summaries of an estimate's JSON, by their path in it."""
    fr = est.final
    out: dict[str, Arr] = {
        "final_run.energy_kwh": fr.energy_kwh, "final_run.rental_usd": fr.rental_usd,
        "final_run.amortized_usd": fr.amortized_usd,
        "final_run.amortized_straight_line_usd": fr.amortized_straight_line_usd,
        "final_run.acquisition_usd": fr.acquisition_usd,
        "final_run.amortized_parts_usd.hardware": fr.amortized_hardware_usd,
        "final_run.amortized_parts_usd.interconnect": fr.amortized_interconnect_usd,
        "final_run.amortized_parts_usd.energy": fr.energy_usd,
        "development.total_usd": est.development_total,
        "development.program_gpu_hours": est.iceberg.program_gpu_hours,
        "coverage.headline_share": np.divide(est.headline.usd, est.development_total,
                                             out=np.zeros(est.samples), where=est.development_total > 0),
    }
    for i, it in enumerate(est.iceberg.development):
        out[f"development.items[{i}].usd"] = it.usd
    if est.lab_total is not None and est.iceberg.lab_annual is not None:
        out["lab_annual.total_usd"] = est.lab_total
        for i, it in enumerate(est.iceberg.lab_annual):
            out[f"lab_annual.items[{i}].usd"] = it.usd
    n = est.samples
    return {k: np.broadcast_to(np.asarray(v, dtype=float), (n,)) for k, v in out.items()}
