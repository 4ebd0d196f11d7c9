"""Catalog files kept from one load to the next (``resolve.FILES``): each load is its own, as a fresh read gives it.
An override in one load never shows in the next; a changed copy changes nothing kept; a changed file is read
again; a variant that does not validate says so on every load."""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import fullcost
from fullcost import catalog, resolve
from fullcost.errors import InputError

SALARY = "regions.china.staff.researcher_salary_usd"


def _fresh(name: str, *sets: str) -> dict:
    """The estimate as a process that keeps nothing gives it."""
    keep = resolve.FILES.max_files
    resolve.FILES.max_files = 0
    try:
        return fullcost.estimate(name, set=list(sets), samples=500).data
    finally:
        resolve.FILES.max_files = keep


def test_an_override_in_one_load_does_not_show_in_the_next() -> None:
    resolve.FILES.clear()
    plain = fullcost.load("deepseek-v3")
    gpus = plain.data["final_run"]["gpus"]
    moved = fullcost.load("deepseek-v3", set=["final_run.gpus=4096", f"{SALARY}=999000"])
    assert moved.data["final_run"]["gpus"] == 4096 and moved.catalog
    again = fullcost.load("deepseek-v3")
    assert again.data["final_run"]["gpus"] == gpus and not again.catalog and not again.overrides
    assert again.data == plain.data and again.unvaried == plain.unvaried
    assert fullcost.estimate("deepseek-v3", samples=500).data == _fresh("deepseek-v3")
    # and the other way: a load with overrides after plain loads has them all
    got = fullcost.estimate("deepseek-v3", set=["final_run.gpus=4096", f"{SALARY}=999000"], samples=500).data
    assert got == _fresh("deepseek-v3", "final_run.gpus=4096", f"{SALARY}=999000")


def test_a_changed_copy_changes_nothing_kept() -> None:
    resolve.FILES.clear()
    first = fullcost.load("deepseek-v3@essay")
    want = copy.deepcopy(first.unvaried)
    first.data["final_run"]["gpus"] = 1
    first.data.pop("staff")
    assert first.unvaried is not None
    first.unvaried[0]["final_run"]["hardware"] = "a100"
    first.unvaried[0]["variants"].clear()
    first.unvaried[1].clear()
    second = fullcost.load("deepseek-v3@essay")
    assert second.unvaried == want
    assert second.data["final_run"]["gpus"] == want[0]["final_run"]["gpus"] and "staff" in second.data
    assert fullcost.estimate("deepseek-v3@essay", samples=500).data == _fresh("deepseek-v3@essay")


@pytest.fixture
def own_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A catalog folder of this test's own, so that its files can change."""
    monkeypatch.setattr(catalog, "DATA", tmp_path)
    resolve.FILES.clear()
    yield tmp_path
    resolve.FILES.clear()


DEEPSEEK = (catalog.MODELS / "deepseek-v3.yaml").read_text(encoding="utf-8")


def test_a_changed_file_is_read_again(own_catalog: Path) -> None:
    base = own_catalog / "base.yaml"
    child = own_catalog / "child.yaml"
    base.write_text(DEEPSEEK, encoding="utf-8")
    child.write_text("extends: base.yaml\nname: child\n", encoding="utf-8")
    assert resolve.load_file(child).data["final_run"]["gpus"]["value"] == 2048
    assert resolve.load_file(child).data["final_run"]["gpus"]["value"] == 2048
    assert str(child) in resolve.FILES._kept  # kept: it is in the (test's) catalog
    base.write_text(DEEPSEEK.replace("gpus: {value: 2048,", "gpus: {value: 1024000,", 1), encoding="utf-8")
    assert resolve.load_file(child).data["final_run"]["gpus"]["value"] == 1_024_000  # the file it extends changed
    child.write_text("extends: base.yaml\nname: child\nfinal_run: {gpus: 512}\n", encoding="utf-8")
    assert resolve.load_file(child).data["final_run"]["gpus"] == 512
    child.unlink()
    with pytest.raises(InputError, match="file not found"):
        resolve.load_file(child)


def test_a_file_outside_the_catalog_is_read_each_time(tmp_path: Path) -> None:
    resolve.FILES.clear()
    f = tmp_path / "mine.yaml"
    f.write_text("extends: deepseek-v3\nname: mine\n", encoding="utf-8")
    assert resolve.load_file(f).scenario.name == "mine"
    assert str(f) not in resolve.FILES._kept


def test_a_bad_variant_is_reported_on_every_load(own_catalog: Path) -> None:
    bad = own_catalog / "bad.yaml"
    bad.write_text(DEEPSEEK.replace("\nvariants:\n", "\nvariants:\n  broken:\n    final_run: {gpus: many}\n", 1),
                   encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InputError, match="variant 'broken'"):
            resolve.load_file(bad)


def test_loads_in_threads_at_once_are_each_their_own() -> None:
    resolve.FILES.clear()

    def one(i: int) -> tuple[int, object]:
        doc = fullcost.load("deepseek-v3", set=[f"final_run.gpus={1000 + i}"] if i % 2 else None)
        return i, doc.data["final_run"]["gpus"]

    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(one, range(24)))
    plain = fullcost.load("deepseek-v3").data["final_run"]["gpus"]
    assert all(g == (1000 + i if i % 2 else plain) for i, g in got)
