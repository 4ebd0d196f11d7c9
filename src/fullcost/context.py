"""One run of a scenario: its document, the catalog and the sampler that draws each named input once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fullcost import catalog
from fullcost.errors import InputError, dotted
from fullcost.quantity import DIMENSIONS, Arr, Dist, QuantityError, Sampler, convert, parse, point
from fullcost.scenario import Doc


class SharedInputs:
    """A file's ``inputs:`` section: named inputs that fields use through ``{ref: NAME}``.

    Each is parsed once, in the unit of the first field that uses it, and drawn once; a field of another
    unit of the same kind (hours and years, say) gets the same draws converted.
    """

    def __init__(self, sampler: Sampler, raw: dict[str, Any],
                 error: Callable[[tuple[str | int, ...], str], InputError]) -> None:
        self.sampler, self.raw, self.error = sampler, raw, error
        self.dims: dict[str, str] = {}
        self.used: dict[str, Dist] = {}

    def draw(self, path: tuple[str | int, ...], dist: Dist, dim: str) -> Arr:
        if dist.ref is None:
            name = dotted(path)
            self.used[name] = dist
            try:
                return self.sampler.draw(name, dist)
            except ValueError as e:
                raise self.error(path, str(e)) from None
        ref = dist.ref
        if ref not in self.raw:
            known = ", ".join(self.raw) or "none defined"
            raise self.error(path, f"{{ref: {ref}}} names no entry of inputs (known: {known})")
        first = self.dims.setdefault(ref, dim)
        try:
            shared = parse(self.raw[ref], first)
        except QuantityError as e:
            raise self.error(("inputs", ref), str(e)) from None
        if shared.ref is not None:
            raise self.error(("inputs", ref), "an input cannot refer to another input: give its value here")
        factor = convert(first, dim)
        if factor is None:
            raise self.error(path, f"{{ref: {ref}}} is {DIMENSIONS[first][2]} where another field uses it, but "
                                   f"this field expects {DIMENSIONS[dim][2]}")
        self.used[f"inputs.{ref}"] = shared
        values = self.sampler.draw(f"inputs.{ref}", shared)
        return values if factor == 1.0 else values * factor


class CentralSampler(Sampler):
    """Draws every input at its central value: the figures a person gets with a calculator."""

    def __init__(self) -> None:
        super().__init__(1, 0)

    def draw(self, name: str, dist: Dist) -> Arr:
        hit = self._drawn.get(name)
        if hit is not None:
            return hit[1]
        v = np.array([dist.central()])
        self._drawn[name] = (dist, v)
        return v


@dataclass
class Context:
    doc: Doc
    sampler: Sampler
    used: dict[str, Dist] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    shared: SharedInputs | None = None

    @property
    def sc(self):  # type: ignore[no-untyped-def]
        return self.doc.scenario

    @property
    def n(self) -> int:
        return self.sampler.n

    def error(self, path: tuple[str | int, ...], message: str) -> InputError:
        return self.doc.error(path, message)

    def q(self, path: tuple[str | int, ...], dist: Dist, dim: str | None = None) -> Arr:
        """Draw a scenario input by its path; ``{ref: NAME}`` draws the shared input NAME instead."""
        if self.shared is None:
            self.shared = SharedInputs(self.sampler, self.sc.inputs, self.error)
            self.shared.used = self.used
        return self.shared.draw(path, dist, dim or "number")

    def opt(self, path: tuple[str | int, ...], dist: Dist | None, default: Dist, default_name: str,
            dim: str | None = None) -> Arr:
        """A scenario input if given, else a sourced default drawn under its catalog name."""
        if dist is not None:
            return self.q(path, dist, dim)
        self.used[default_name] = default
        return self.sampler.draw(default_name, default)

    def const(self, value: float) -> Arr:
        return self.sampler.const(value)

    @property
    def controls_lifted(self) -> bool:
        """True in the counterfactual without export controls (``export_controls.applies: false``)."""
        ec = self.sc.export_controls
        return ec is not None and not ec.applies

    def hours_factor(self) -> Arr:
        """GPU-hours as run (1), or without the share lost to export controls in the counterfactual."""
        ec = self.sc.export_controls
        if ec is None or ec.applies or ec.compute_lost is None:
            return self.const(1.0)
        return 1.0 - self.q(("export_controls", "compute_lost"), ec.compute_lost, "fraction")

    def chip(self, path: tuple[str | int, ...], name: str) -> catalog.Chip:
        try:
            return catalog.chip(name)
        except KeyError as e:
            raise self.error(path, str(e.args[0])) from None

    def ref_peak(self, chip: catalog.Chip) -> Arr:
        """The chip's peak for comparing chips by compute (see ``Chip.reference_peak``), drawn by its catalog path."""
        key, d = chip.reference_peak()
        return self.q((f"hardware.{chip.id}.{key}",), d)

    def region(self) -> catalog.Region:
        try:
            return catalog.region(self.sc.region)
        except KeyError as e:
            raise self.error(("region",), str(e.args[0])) from None

    def default(self, key: str) -> Dist:
        return catalog.defaults()[key]


def years_between(a: dt.date, b: dt.date) -> float:
    return (b - a).days / 365.25


def days(d: Dist) -> dt.timedelta:
    return dt.timedelta(days=d.central())


__all__ = ["CentralSampler", "Context", "days", "point", "years_between"]
