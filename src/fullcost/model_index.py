"""The model index, read without the rest of the catalog: names as typed, and the rows of `fullcost models`.

``catalog/data/models/index.json`` holds one row per catalog model with its sourced facts; ``fullcost.catalog.models``
writes it from the model files (``scripts/build_epoch_catalog.py`` calls it; a test checks it matches them). This
module only reads it, with the standard library, so that listing the catalog or finding one model's file parses one
small file and imports nothing heavy. A name resolves as typed: the file name, Epoch AI's name (``"PaLM (540B)"``),
the title, or any of them with case, spaces and punctuation ignored (``gpt4`` is ``gpt-4``, but ``gpt-4o`` is not).
"""

from __future__ import annotations

import difflib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

MODELS = Path(__file__).parent / "catalog" / "data" / "models"
INDEX = MODELS / "index.json"
VERSION = 1


def normal(name: str) -> str:
    """A name with case, spaces and punctuation dropped: how two spellings of one model are compared."""
    return re.sub(r"[^0-9a-zσ]+", "", name.lower())


def _digits(name: str) -> str:
    return "".join(re.findall(r"\d", name))


@cache
def load_index() -> dict[str, Any]:
    if not INDEX.is_file():
        return {"version": VERSION, "models": []}
    out: dict[str, Any] = json.loads(INDEX.read_text(encoding="utf-8"))
    return out


@cache
def _names() -> dict[str, str]:
    """Every way of writing each model's name -> its file stem."""
    out: dict[str, str] = {}
    for r in load_index()["models"]:
        stem = r["file"].removesuffix(".yaml")
        for x in (r["name"], r["title"], *r["aliases"]):
            out.setdefault(x.lower(), stem)
            out.setdefault(normal(x), stem)
    return out


def clear() -> None:
    load_index.cache_clear()
    _names.cache_clear()


def resolve(name: str) -> str | None:
    """The file stem of the model a typed name means, or None."""
    key = name.strip()
    if re.fullmatch(r"[a-z0-9][a-z0-9.\-_]*", key) and (MODELS / f"{key}.yaml").is_file():
        return key
    names = _names()
    return names.get(key.lower()) or names.get(normal(key))


def suggest(name: str) -> str | None:
    """A model to propose for an unknown name, only when it is the same model misspelt: the same numbers (so
    GPT-4.6 does not become GPT-4.5) and nearly the same letters."""
    want = normal(name)
    if not want:
        return None
    best, score = None, 0.0
    for r in load_index()["models"]:
        for x in (r["name"], r["title"], *r["aliases"]):
            if _digits(x) != _digits(name):
                continue
            s = difflib.SequenceMatcher(None, want, normal(x)).ratio()
            if s > score:
                best, score = r["name"], s
    return best if score >= 0.8 else None


def rows() -> list[dict[str, Any]]:
    return list(load_index()["models"])
