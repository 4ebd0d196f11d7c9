"""The state of a page or an API call, read from its query string and bounded: overrides (``set=PATH=VALUE``,
repeatable), ``samples``, ``seed`` and ``dollars``. The same state written back gives the same URL, so a copied
link reproduces the page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from fullcost.errors import InputError

MAX_SAMPLES = 200_000  # a request draws at most this many samples (100,000 take ~1 s and ~0.3 GB)
PAGE_SAMPLES = 100_000  # a model page recomputes at this many unless the URL says otherwise
API_SAMPLES = 10_000  # the API's default: the CLI's (`fullcost estimate` without --samples)
MAX_SETS = 24  # overrides in one request
MAX_SET_CHARS = 400  # characters in one PATH=VALUE
MAX_MODELS = 6  # models on one comparison
MAX_NAME_CHARS = 200
MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class State:
    sets: tuple[str, ...] = ()
    samples: int = PAGE_SAMPLES
    seed: int = 0
    dollars: str | None = None

    def query(self, extra: Sequence[tuple[str, str]] = ()) -> str:
        """The query string of this state (``extra`` pairs first, e.g. the models of a comparison)."""
        pairs = [*extra, *(("set", s) for s in self.sets), ("samples", str(self.samples)), ("seed", str(self.seed))]
        if self.dollars is not None:
            pairs.append(("dollars", self.dollars))
        return urlencode(pairs)

    def key(self) -> tuple[object, ...]:
        return (self.sets, self.samples, self.seed, self.dollars)


def _whole(name: str, text: str, low: int, high: int) -> int:
    t = text.strip().replace(",", "").replace("_", "")
    mult = 1
    if name == "samples" and t[-1:].lower() in ("k", "m"):
        mult = 1_000 if t[-1].lower() == "k" else 1_000_000
        t = t[:-1]
    if not t.isdigit() or len(t) > 20:
        raise InputError(f"{name}: expected a whole number from {low:,} to {high:,}, got '{text[:40]}'")
    n = int(t) * mult
    if not low <= n <= high:
        raise InputError(f"{name}: expected a whole number from {low:,} to {high:,}, got {n:,}"
                         + (" (the largest this server draws)" if name == "samples" and n > high else ""))
    return n


def read(params: Mapping[str, Sequence[str]], default_samples: int = PAGE_SAMPLES) -> State:
    """The state in ``params`` (each name -> its values, in order); bad or oversized values: one line."""
    sets = tuple(params.get("set", ()))
    if len(sets) > MAX_SETS:
        raise InputError(f"set: at most {MAX_SETS} overrides in one request, got {len(sets)}")
    for s in sets:
        if len(s) > MAX_SET_CHARS:
            raise InputError(f"set: an override is at most {MAX_SET_CHARS} characters long, got {len(s):,}")
    samples = _one(params, "samples")
    seed = _one(params, "seed")
    dollars = _one(params, "dollars")
    if dollars is not None and (len(dollars) > 16 or not dollars.strip()):
        raise InputError(f"dollars: expected a year (2024) or a month (2024-06), got '{dollars[:40]}'")
    return State(
        sets,
        _whole("samples", samples, 1, MAX_SAMPLES) if samples is not None else default_samples,
        _whole("seed", seed, 0, MAX_SEED) if seed is not None else 0,
        dollars.strip() if dollars is not None else None,
    )


def _one(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    vals = params.get(name, ())
    if len(vals) > 1:
        raise InputError(f"{name}: given {len(vals)} times; give it once")
    if not vals:
        return None
    return None if vals[0] == "" and name == "dollars" else vals[0]


def models(params: Mapping[str, Sequence[str]]) -> list[str]:
    """The models of a comparison (``m=A&m=B``)."""
    ms = [m for m in params.get("m", ()) if m.strip()]
    if len(ms) > MAX_MODELS:
        raise InputError(f"m: at most {MAX_MODELS} models side by side, got {len(ms)}")
    if len(ms) < 2:
        raise InputError("compare needs two or more models (m=A&m=B)")
    return ms
