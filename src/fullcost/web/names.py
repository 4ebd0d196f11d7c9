"""What a URL may name: catalog models and labs (resolved through the catalog only, never as a path on the
server's disk) and uploaded scenarios (kept by their content's hash in a temporary folder, read back by that hash
alone)."""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from fullcost.errors import InputError
from fullcost.web.state import MAX_NAME_CHARS

MAX_UPLOAD_BYTES = 64 * 1024  # a scenario file is a few KB; the catalog's largest is ~25 KB
MAX_UPLOADS = 2_000  # kept at once; the oldest go first
UPLOAD_FILE = "upload.yaml"  # how errors in an upload name it
_ID = re.compile(r"[0-9a-f]{64}")
ENV_DIR = "FULLCOST_SERVE_UPLOADS"  # set by `fullcost serve` so that every worker shares one folder


class NotFoundError(InputError):
    """A name no catalog entry answers to (HTTP 404)."""


class TooLargeError(InputError):
    """An upload over the cap (HTTP 413)."""


def _check(name: str, what: str) -> str:
    if not name.strip():
        raise InputError(f"give a {what} name")
    if len(name) > MAX_NAME_CHARS or any(ord(c) < 32 or c == "\x7f" for c in name):
        raise NotFoundError(f"no catalog {what} named '{name[:60]}'" + (" (names are at most 200 characters)"
                                                                    if len(name) > MAX_NAME_CHARS else ""))
    return name


def _not_a_file(name: str, *parts: str) -> None:
    """The API reads a name as a file first where one exists; a catalog name that is also a file where the server
    runs is refused, so that no URL reaches the server's disk."""
    for p in (name, *parts):
        try:
            hit = bool(p) and (Path(p).exists() or Path(p).is_symlink())
        except (OSError, ValueError):
            hit = True
        if hit:
            raise InputError(f"'{name[:60]}' is also the name of a file where the server runs: refused (a URL names "
                             "catalog entries only)")


def model_ref(name: str) -> str:
    """A catalog model name (``NAME`` or ``NAME@VARIANT``) checked against the catalog, returned as given (what
    ``fullcost.api`` and the CLI are given); a name the catalog does not hold: ``NotFoundError``."""
    from fullcost import catalog

    _check(name, "model")
    whole = None if name.rstrip().endswith("@") else catalog.model_path(name)
    if whole is not None:
        _not_a_file(name)
        return name
    base, at, variant = name.rpartition("@") if "@" in name else (name, "", "")
    if at and not variant.strip():
        raise InputError(f"'{name}': no variant after '@' (give NAME@VARIANT, or NAME alone for the base scenario)")
    if catalog.model_path(base) is None:
        raise NotFoundError(f"no catalog model named '{base}'{catalog.unknown_model_hint(base)}")
    _not_a_file(name, base)
    return name


def lab_ref(name: str) -> str:
    """A catalog lab (``deepseek``, ``deepseek@semianalysis``) checked against the catalog, returned as given."""
    from fullcost.books.lab import lab_names

    _check(name, "lab")
    base, _, _ = name.partition("@")
    if base not in lab_names():
        raise NotFoundError(f"no catalog lab named '{base}' (labs: {', '.join(lab_names())})")
    _not_a_file(name, base)
    return name


# --- uploads ---------------------------------------------------------------------------------------------------

_made: list[Path] = []


def upload_dir() -> Path:
    """The temporary folder uploads are kept in: the server's (``FULLCOST_SERVE_UPLOADS``) or this process's own."""
    given = os.environ.get(ENV_DIR)
    if given and Path(given).is_dir():
        return Path(given)
    if not _made:
        d = Path(tempfile.mkdtemp(prefix="fullcost-serve-"))
        _made.append(d)
        atexit.register(shutil.rmtree, d, True)
    return _made[0]


def parse_upload(raw: bytes) -> tuple[dict[str, Any], Any]:
    """An uploaded scenario read as the CLI reads a file (the project's YAML loader: plain data, no tags), its
    ``extends`` resolved through the catalog only. Returns the data and the line of every value."""
    from fullcost import yamlio

    if len(raw) > MAX_UPLOAD_BYTES:
        raise TooLargeError(f"the file is {len(raw):,} bytes; at most {MAX_UPLOAD_BYTES:,} are accepted", UPLOAD_FILE)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text (byte {e.start})", UPLOAD_FILE) from None
    if not text.strip():
        raise InputError("the file is empty", UPLOAD_FILE)
    data, pos = yamlio.loads(text, UPLOAD_FILE)
    if not isinstance(data, dict):
        raise InputError("a scenario must be a YAML mapping", UPLOAD_FILE, 1)
    ext = data.get("extends")
    if ext is not None:
        line = pos.get(("extends",))
        if not isinstance(ext, str):
            raise InputError("expected NAME or NAME@VARIANT: a catalog model", UPLOAD_FILE, line, ("extends",))
        try:
            data["extends"] = model_ref(ext)
        except InputError as e:
            raise InputError(e.message + " (an uploaded scenario extends catalog models only)", UPLOAD_FILE, line,
                             ("extends",)) from None
    return data, pos


def save_upload(raw: bytes) -> str:
    """Check an upload and keep it; its id is the SHA-256 of its bytes (the same file gives the same link)."""
    from fullcost import resolve

    data, pos = parse_upload(raw)
    resolve.from_data(data, UPLOAD_FILE, (), pos)  # a scenario that does not validate is refused now
    uid = hashlib.sha256(raw).hexdigest()
    d = upload_dir()
    target = d / f"{uid}.yaml"
    if not target.exists():
        _evict(d)
        fd, tmp = tempfile.mkstemp(dir=d, suffix=".part")
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.replace(tmp, target)
    return uid


def _evict(d: Path) -> None:
    files = sorted(d.glob("*.yaml"), key=lambda p: p.stat().st_mtime)
    for p in files[: max(0, len(files) - MAX_UPLOADS + 1)]:
        with contextlib.suppress(OSError):
            p.unlink()


def read_upload(uid: str) -> tuple[dict[str, Any], Any]:
    """An upload by its id (64 hex digits and nothing else), parsed again."""
    if not _ID.fullmatch(uid):
        raise NotFoundError("no such upload (an upload's id is 64 hexadecimal digits)")
    try:
        raw = (upload_dir() / f"{uid}.yaml").read_bytes()
    except OSError:
        raise NotFoundError("no such upload: it has expired or was never made (upload the file again)") from None
    return parse_upload(raw)
