"""One run of a scenario: its document, the catalog and the sampler that draws each named input once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fullcost import catalog
from fullcost.catalog import inline
from fullcost.errors import InputError, dotted
from fullcost.plausible import Implausible, check_value
from fullcost.quantity import DIMENSIONS, Arr, Dist, QuantityError, Sampler, convert, parse, point, stream
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
        try:
            check_value(path, shared)  # the bounds of the field that uses it (fullcost.plausible)
        except Implausible as e:
            raise self.error(path, str(e)) from None
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


class Overridden(Sampler):
    """A sampler that draws a catalog input given with ``--set`` (or a file's ``set:``) in place of the catalog's
    value, under the same name (so the same stream: only that input changes). ``hits`` names those it drew."""

    def __init__(self, parent: Sampler, catalog: dict[str, Dist], hits: set[str] | None = None) -> None:
        super().__init__(parent.n, parent.seed)
        self.parent, self.catalog = parent, catalog
        self.hits: set[str] = hits if hits is not None else set()

    def draw(self, name: str, dist: Dist) -> Arr:
        over = self.catalog.get(name)
        if over is not None:
            self.hits.add(name)
            dist = over
        return self.parent.draw(name, dist)

    def get(self, name: str) -> Arr:
        return self.parent.get(name)

    @property
    def drawn(self) -> dict[str, tuple[Dist, Arr]]:
        return self.parent.drawn


def with_overrides(sampler: Sampler, catalog: dict[str, Dist] | None, hits: set[str] | None = None) -> Sampler:
    """``sampler`` drawing the given catalog inputs in place of the catalog's (itself when there are none);
    ``hits`` collects the names of those drawn."""
    if not catalog:
        return sampler
    if isinstance(sampler, Overridden):
        return Overridden(sampler.parent, {**sampler.catalog, **catalog}, hits)
    return Overridden(sampler, catalog, hits)


class _Used(dict[str, Dist]):
    """The inputs a run used, for the assumptions table: an overridden catalog input is listed as overridden."""

    def __init__(self, catalog: dict[str, Dist]) -> None:
        super().__init__()
        self.catalog = catalog

    def __setitem__(self, name: str, dist: Dist) -> None:
        super().__setitem__(name, self.catalog.get(name, dist))


@dataclass
class Context:
    doc: Doc
    sampler: Sampler
    used: dict[str, Dist] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    shared: SharedInputs | None = None
    inline_chips: dict[str, tuple[tuple[str | int, ...], catalog.Chip]] | None = None

    def __post_init__(self) -> None:
        catalog = getattr(self.doc, "catalog", None)
        if catalog:
            self.sampler = with_overrides(self.sampler, catalog, getattr(self.doc, "hits", None))
            used = _Used(catalog)
            for k, v in self.used.items():
                used[k] = v
            self.used = used

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

    def draw_each(self, name: str, dist: Dist, i: int) -> Arr:
        """The ``i``-th of several independent draws of one input (each person of a role drawn separately): its
        own stream, fixed by (seed, name, i), and not kept by the sampler, so many people cost no memory."""
        self.used[name] = dist
        if dist.is_point or isinstance(self.sampler, CentralSampler):
            return self.const(dist.central())
        return dist.sample(stream(self.sampler.seed, f"{name}#{i}"), self.n)

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

    def chip(self, path: tuple[str | int, ...], ref: str | dict[str, Any]) -> catalog.Chip:
        """Hardware by catalog id, alias or Epoch AI name, by the id of a chip written inline elsewhere in the
        scenario, or written inline here."""
        chips = self._inline_chips()
        if isinstance(ref, dict):
            return chips[inline_id(ref)][1]
        hit = chips.get(ref.strip().lower())
        if hit is not None:
            return hit[1]
        try:
            return catalog.chip(ref)
        except KeyError as e:
            raise self.error(path, str(e.args[0])) from None

    def _inline_chips(self) -> dict[str, tuple[tuple[str | int, ...], catalog.Chip]]:
        """Every chip the scenario writes inline, by id, built once (the same id twice must be the same chip)."""
        if self.inline_chips is not None:
            return self.inline_chips
        sc = self.sc
        places: list[tuple[tuple[str | int, ...], Any]] = [(("final_run", "hardware"), sc.final_run.hardware)]
        if sc.program is not None:
            places += [(("program", "runs", i, "hardware"), r.hardware) for i, r in enumerate(sc.program.runs)]
        if sc.fleet is not None:
            places += [(("fleet", "gpus", i, "hardware"), g.hardware) for i, g in enumerate(sc.fleet.gpus)]
        out: dict[str, tuple[tuple[str | int, ...], catalog.Chip]] = {}
        raw: dict[str, dict[str, Any]] = {}
        for path, ref in places:
            if not isinstance(ref, dict):
                continue
            chip = inline.inline_chip(ref, lambda sub, msg, path=path: self.error((*path, *sub), msg))  # type: ignore[misc]
            known = _catalog_chip(chip.id)
            if known is not None:
                raise self.error((*path, "name") if "id" not in ref else (*path, "id"),
                                 f"'{chip.id}' names the catalog's hardware '{known.id}': use it (with "
                                 "final_run.peak_tflops or final_run.tdp_w to override its figures), or give the "
                                 "inline chip another id")
            if chip.id in raw and raw[chip.id] != ref:
                raise self.error(path, f"another inline chip ({dotted(out[chip.id][0])}) has the id '{chip.id}': "
                                       "give one of them another id, or refer to it by its id")
            raw[chip.id] = ref
            out.setdefault(chip.id, (path, chip))
        self.inline_chips = out
        return out

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


def _catalog_chip(name: str) -> catalog.Chip | None:
    try:
        return catalog.chip(name)
    except KeyError:
        return None


def inline_id(ref: dict[str, Any]) -> str:
    """The id of a chip written inline: its ``id``, else one made from its name."""
    return str(ref.get("id") or inline.slug(str(ref.get("name", ""))))


def years_between(a: dt.date, b: dt.date) -> float:
    return (b - a).days / 365.25


def days(d: Dist) -> dt.timedelta:
    return dt.timedelta(days=d.central())


__all__ = ["CentralSampler", "Context", "days", "point", "years_between"]
