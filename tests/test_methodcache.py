"""The cache of compiled dataclass methods: classes made through it behave as any dataclass, a
second run reuses what the first compiled, and a cache file that is not the user's own, not a
regular file, damaged or too large is ignored, never trusted or followed."""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dossier import methodcache
from dossier.methodcache import MethodCache
from tests.conftest import SMALL_CASE

pytestmark = pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX ownership checks")


def make_classes(cache: MethodCache, monkeypatch: pytest.MonkeyPatch) -> tuple[type, type]:
    """Two dataclasses made while ``dataclasses`` compiles through ``cache``."""
    monkeypatch.setattr(dataclasses, "exec", cache.exec, raising=False)

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Charge:
        offence: str
        status: str = "alleged"
        dates: list[str] = dataclasses.field(default_factory=list)

    @dataclasses.dataclass(order=True)
    class Item:
        rank: int
        label: str = ""

    monkeypatch.delattr(dataclasses, "exec")
    return Charge, Item


def test_classes_made_through_the_cache_behave_as_dataclasses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cache.marshal"
    first = MethodCache(path)
    Charge, Item = make_classes(first, monkeypatch)
    compiled = first.added
    assert compiled > 0 and first.reused == 0
    first.save()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    second = MethodCache(path)
    Charge2, Item2 = make_classes(second, monkeypatch)
    assert second.added == 0 and second.reused == compiled
    for charge in (Charge, Charge2):
        made = charge(offence="rebellion")
        assert made == charge(offence="rebellion", status="alleged")
        assert made != charge(offence="conspiracy")
        assert repr(made).endswith("(offence='rebellion', status='alleged', dates=[])")
        assert made.dates is not charge(offence="x").dates  # a fresh list each time
        with pytest.raises(dataclasses.FrozenInstanceError):
            made.status = "convicted"
        with pytest.raises(TypeError):
            charge("rebellion")  # keyword-only
        assert [f.name for f in dataclasses.fields(charge)] == ["offence", "status", "dates"]
    for item in (Item, Item2):
        assert sorted([item(2, "b"), item(1, "z")]) == [item(1, "z"), item(2, "b")]
    frozen = (Charge(offence="a", dates=("d",)), Charge2(offence="a", dates=("d",)))
    assert hash(frozen[0]) == hash(frozen[1])  # same fields, same hash, made either way


def test_methods_are_as_dataclasses_makes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # compile() would otherwise take this module's `from __future__ import annotations`:
    # the generated __init__ would be annotated with the names of its locals ('_type_x').
    cached, _ = make_classes(MethodCache(tmp_path / "cache.marshal"), monkeypatch)

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Plain:
        offence: str
        status: str = "alleged"
        dates: list[str] = dataclasses.field(default_factory=list)

    made = cached.__init__.__annotations__  # type: ignore[misc]
    assert made == Plain.__init__.__annotations__
    assert made["offence"] == "str"  # the field's own annotation


def test_a_second_save_without_anything_new_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cache.marshal"
    first = MethodCache(path)
    make_classes(first, monkeypatch)
    first.save()
    written = path.stat()
    second = MethodCache(path)
    make_classes(second, monkeypatch)
    second.save()
    again = path.stat()
    assert (again.st_ino, again.st_mtime_ns) == (written.st_ino, written.st_mtime_ns)


def cache_with_entries(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = MethodCache(path)
    make_classes(cache, monkeypatch)
    cache.save()


@pytest.mark.parametrize("how", ["group-writable", "world-writable"])
def test_a_cache_others_can_write_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    path = tmp_path / "cache.marshal"
    cache_with_entries(path, monkeypatch)
    path.chmod(0o620 if how == "group-writable" else 0o602)
    assert MethodCache(path).entries == {}


def test_a_symlink_is_neither_read_nor_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "elsewhere.marshal"
    cache_with_entries(real, monkeypatch)
    before = real.read_bytes()
    link = tmp_path / "cache.marshal"
    link.symlink_to(real)
    cache = MethodCache(link)
    assert cache.entries == {}
    make_classes(cache, monkeypatch)
    cache.save()
    assert link.is_symlink() and real.read_bytes() == before


def test_a_directory_in_its_place_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cache.marshal"
    path.mkdir()
    cache = MethodCache(path)
    make_classes(cache, monkeypatch)
    cache.save()  # no error: a cache that cannot be written is only slower
    assert path.is_dir() and list(path.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["cache.marshal"]  # no temporary left


@pytest.mark.parametrize(
    "content",
    [b"", b"garbage \x00\xff", b"\xfb" * 64, b"N", b"{" + b"\x00" * 10],
    ids=["empty", "garbage", "bad-type-codes", "not-a-dict", "truncated"],
)
def test_a_damaged_cache_is_ignored_and_written_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    path = tmp_path / "cache.marshal"
    path.write_bytes(content)
    path.chmod(0o600)
    cache = MethodCache(path)
    assert cache.entries == {}
    Charge, _ = make_classes(cache, monkeypatch)
    assert Charge(offence="x").status == "alleged"
    cache.save()
    assert MethodCache(path).entries.keys() == cache.entries.keys()


def test_entries_that_are_not_code_are_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import marshal

    path = tmp_path / "cache.marshal"
    cache_with_entries(path, monkeypatch)
    tampered = {text: marshal.dumps("not code") for text in MethodCache(path).entries}
    path.write_bytes(marshal.dumps(tampered))
    cache = MethodCache(path)
    Charge, _ = make_classes(cache, monkeypatch)
    assert cache.reused == 0 and cache.added == len(tampered)
    assert Charge(offence="x") == Charge(offence="x")


def test_a_cache_over_the_size_limit_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cache.marshal"
    cache_with_entries(path, monkeypatch)
    monkeypatch.setattr(methodcache, "LIMIT_BYTES", path.stat().st_size - 1)
    assert MethodCache(path).entries == {}


def test_past_the_entry_limit_only_what_this_run_used_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import marshal

    path = tmp_path / "cache.marshal"
    stale = {
        f"def f{i}(): pass": marshal.dumps(compile("pass", "<string>", "exec")) for i in range(5)
    }
    path.write_bytes(marshal.dumps(stale))
    path.chmod(0o600)
    monkeypatch.setattr(methodcache, "MAX_ENTRIES", 3)
    cache = MethodCache(path)
    make_classes(cache, monkeypatch)
    cache.save()
    kept = MethodCache(path).entries
    assert kept and not kept.keys() & stale.keys()


def run_check(case: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = (
        "import sys; sys.argv = ['dossier', *sys.argv[1:]]; from dossier.entry import main; main()"
    )
    return subprocess.run(
        [sys.executable, "-c", script, "check", "--data", str(case)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_console_script_keeps_the_cache_in_the_folder_it_is_given(tmp_path: Path) -> None:
    small_case = SMALL_CASE
    folder = tmp_path / "cache"
    env = {**os.environ, "DOSSIER_CACHE_DIR": str(folder)}
    env.pop("DOSSIER_NO_METHOD_CACHE", None)
    first = run_check(small_case, env)
    assert first.returncode == 0, first.stderr
    (made,) = folder.iterdir()
    assert made.name.startswith("dataclass-methods-") and made.name.endswith(".marshal")
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert len(MethodCache(made).entries) > 20
    second = run_check(small_case, env)
    assert second.returncode == 0, second.stderr
    timing = re.compile(r" in [0-9.]+ s$", re.M)  # check says how long it took
    assert timing.sub("", second.stdout) == timing.sub("", first.stdout)

    off = run_check(small_case, {**env, "DOSSIER_CACHE_DIR": str(tmp_path / "off"),
                                 "DOSSIER_NO_METHOD_CACHE": "1"})  # fmt: skip
    assert off.returncode == 0 and not (tmp_path / "off").exists()
