"""JSON read with a bound on nesting: a record nested 100,000 deep is one clear error, not a RecursionError."""

from __future__ import annotations

import json
from typing import Any

from fullcost.errors import InputError

TOO_DEEP = "JSON nested too deep (thousands of levels): not an export of this kind"


def loads(text: str, file: str, line: int | None = None) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        if line is not None:
            raise InputError(f"not a JSON record ({e.msg}, column {e.colno}): a truncated write?", file,
                             line) from None
        raise InputError(f"invalid JSON: {e.msg}", file, e.lineno) from None
    except RecursionError:
        raise InputError(TOO_DEEP, file, line) from None
    except ValueError as e:
        raise InputError(f"not valid JSON ({str(e)[:100]})", file, line) from None
