"""A bounded map that drops the least recently used entry first, safe to share between threads: the one behind
the app's answers, the catalog files kept between loads and the results remembered for point inputs."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar, cast

V = TypeVar("V")
T = TypeVar("T")
_MISSING = object()


class Lru(Generic[V]):
    """At most ``max_items`` entries (none where it is 0 or less); a hit makes its entry the most recent."""

    def __init__(self, max_items: int) -> None:
        self.max_items = max_items
        self._d: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._d.get(key, _MISSING)
            if value is _MISSING:
                return None
            self._d.move_to_end(key)
            return value  # type: ignore[return-value]

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._d[key] = value
            self._d.move_to_end(key)
            while len(self._d) > max(self.max_items, 0):
                self._d.popitem(last=False)

    def get_or_make(self, key: Hashable, make: Callable[[], T]) -> T:
        """The entry for ``key``, or ``make()`` kept under it (made outside the lock: two threads may both make
        it, and the later one is kept). ``make`` returns what this map holds."""
        value = self.get(key)
        if value is None:
            made = make()
            self.put(key, cast(V, made))
            return made
        return cast(T, value)

    def clear(self) -> None:
        with self._lock:
            self._d.clear()

    def __contains__(self, key: Hashable) -> bool:  # a look that is not a use
        return key in self._d

    def __len__(self) -> int:
        return len(self._d)
