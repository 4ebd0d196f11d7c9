"""fullcost: the true cost of building an AI model, from the headline training run to the all-in figure.

    import fullcost
    est = fullcost.estimate("deepseek-v3", set={"final_run.usd_per_gpu_hour": 3})
    est.headline.usd, est.development.total_usd.p95, est.to_frame()

The functions (``estimate``, ``compare``, ``claim``, ``replicate``, ``trend``, ``premium``, ``statements``,
``load``, ``models``, ``hardware``, ``labs``; see ``fullcost.api``) and ``track`` (the run tracker) are imported on
first use, so ``import fullcost`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

API = ("estimate", "compare", "claim", "replicate", "trend", "premium", "statements", "load", "models", "hardware",
       "labs")
__all__ = ["__version__", "claim", "compare", "estimate", "hardware", "labs", "load", "models", "premium",
           "replicate", "statements", "track", "trend"]

if TYPE_CHECKING:
    from fullcost.api import (
        claim,
        compare,
        estimate,
        hardware,
        labs,
        load,
        models,
        premium,
        replicate,
        statements,
        trend,
    )
    from fullcost.tracker import track


def __getattr__(name: str) -> Any:
    if name == "track":
        from fullcost.tracker import track

        return track
    if name in API:
        from fullcost import api

        return getattr(api, name)
    raise AttributeError(f"module 'fullcost' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *API, "track"])
