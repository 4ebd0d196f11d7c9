"""The bounded map behind the app's answers, the kept catalog files and the remembered point inputs."""

from __future__ import annotations

import threading

from fullcost.lru import Lru


def test_the_least_recently_used_goes_first_and_a_hit_counts_as_use():
    m: Lru[int] = Lru(2)
    m.put("a", 1)
    m.put("b", 2)
    assert m.get("a") == 1  # "a" is now the most recent
    m.put("c", 3)
    assert (m.get("a"), m.get("b"), m.get("c"), len(m)) == (1, None, 3, 2)


def test_none_kept_at_zero_and_made_values_returned_and_kept():
    calls: list[int] = []

    def make() -> int:
        calls.append(1)
        return 7

    off: Lru[int] = Lru(0)
    assert off.get_or_make("k", make) == 7 and off.get_or_make("k", make) == 7 and len(off) == 0
    on: Lru[int] = Lru(4)
    assert on.get_or_make("k", make) == 7 and on.get_or_make("k", make) == 7
    assert len(calls) == 3  # twice with nothing kept, once where it was kept


def test_threads_never_push_it_past_its_bound():
    m: Lru[int] = Lru(8)

    def work(base: int) -> None:
        for i in range(2000):
            m.get_or_make((base, i % 20), lambda i=i: i)

    ts = [threading.Thread(target=work, args=(b,)) for b in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert len(m) == 8
