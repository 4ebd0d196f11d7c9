"""Ibis expressions to one engine's SQL, loading only that engine's compiler.

``ibis.to_sql`` imports ``ibis.backends.sql.compilers``, whose package module imports the compilers of all twenty
engines Ibis knows (a third of a second, more on a busy machine, in every command that touches a ledger). Here the
package is registered first as a plain package, so that importing ``...compilers.duckdb`` loads only DuckDB's
compiler (and ``pyspark``, Spark's); the package's own names (``from ibis.backends.sql.compilers import X``, as
Ibis's PySpark backend does) are loaded in full on first use.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ibis.expr.types as ir

_PKG = "ibis.backends.sql.compilers"
_cache: dict[str, Any] = {}


def _lazy_package() -> None:
    if _PKG in sys.modules:
        return
    spec = importlib.util.find_spec(_PKG)
    if spec is None or spec.origin is None or not spec.submodule_search_locations:
        return
    mod = types.ModuleType(_PKG)
    mod.__file__ = spec.origin
    mod.__path__ = list(spec.submodule_search_locations)
    mod.__package__ = _PKG
    mod.__spec__ = spec
    origin = spec.origin

    def __getattr__(name: str) -> Any:  # noqa: N807  (PEP 562: the package's names, loaded on first use)
        if name.startswith("__"):
            raise AttributeError(name)
        if not mod.__dict__.get("_fullcost_loaded"):
            mod.__dict__["_fullcost_loaded"] = True
            with open(origin, encoding="utf-8") as f:
                code = compile(f.read(), origin, "exec")
            exec(code, mod.__dict__)
        if name in mod.__dict__:
            return mod.__dict__[name]
        raise AttributeError(f"module {_PKG!r} has no attribute {name!r}")

    mod.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules[_PKG] = mod
    import ibis.backends.sql as parent

    parent.compilers = mod  # type: ignore[attr-defined]


def compiler(dialect: str) -> Any:
    c = _cache.get(dialect)
    if c is None:
        import ibis  # noqa: F401  (Ibis first: its modules import in its own order)

        _lazy_package()
        c = importlib.import_module(f"{_PKG}.{dialect}").compiler
        _cache[dialect] = c
    return c


def to_sql(expr: ir.Expr, dialect: str) -> str:
    comp = compiler(dialect)
    out = comp.to_sqlglot(expr.unbind())
    return str(out.sql(dialect=comp.dialect, pretty=False))
