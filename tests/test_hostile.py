"""A dossier can come from anyone (issue 18): hostile data and faults, one test per finding.

The hostile case (tests/hostile.py) puts terminal escape sequences (OSC 52 clipboard, OSC 2 window
title, CSI, 8-bit CSI), bidi overrides and markup (``[/]``, ``[@click=app.quit]``, ``[bold red]``,
``[sic]``) in every name, title, quote and note. The terminal checks read the bytes the CLI writes
(subprocesses) and what a real terminal did with the app's output (tmux's clipboard buffers and
pane title).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from dossier import bounded, casefile, coverage, evidence, files, safetext, sources, store
from dossier import build as builder
from dossier.errors import DossierError
from dossier.ui.app import DossierApp
from tests import hostile
from tests.conftest import CliResult

Cli = Callable[..., CliResult]
PYTHON = sys.executable
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def hc(tmp_path: Path) -> hostile.HostileCase:
    case = hostile.make(tmp_path / "project")
    builder.build(case.case, case.db)
    return case


def run_cli(*args: str | Path, cwd: Path | None = None, timeout: float = 120) -> tuple[int, bytes]:
    """``dossier ARGS`` in a process of its own: exit code, and stdout + stderr as raw bytes."""
    done = subprocess.run(
        [PYTHON, "-m", "dossier", *map(str, args)],
        capture_output=True,
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "200", "PYTHONPATH": str(REPO)},
    )
    return done.returncode, done.stdout + done.stderr


def assert_inert(raw: bytes) -> None:
    """No byte that could act on a terminal, and the markup shown as written."""
    assert b"\x1b" not in raw, raw[:400]  # ESC is never part of a UTF-8 sequence
    text = raw.decode("utf-8")
    for bad in hostile.UNSAFE:
        assert bad not in text, (bad, text[:400])


def assert_one_line(result: CliResult, *needles: str) -> None:
    assert result.code == 2, (result.code, result.out, result.err)
    assert result.err.count("\n") == 1 and result.err.startswith("dossier: error: "), result.err
    assert "Traceback" not in result.err
    for needle in needles:
        assert needle in result.err, (needle, result.err)


# --------------------------------------------------------------------------------------------------
# One rule for text from data


def test_safetext_makes_every_control_visible_one_for_one() -> None:
    raw = "a\x1b]52;c;x\x07b\x9b\u202ec\u2066d\x7fe\tf\ng\r\n"
    shown = safetext.safe(raw)
    assert len(shown) == len(raw)  # offsets of cited spans and highlights stay valid
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert "\u202e" not in shown and "\u2066" not in shown and "\x7f" not in shown
    assert "␛]52;c;x␇b" in shown and "\t" in shown and "f\ng" in shown
    one = safetext.line(raw)
    assert "\n" not in one and "\t" not in one and len(one) == len(raw)
    assert safetext.safe("Chávez said: «sí» — 34 años") == "Chávez said: «sí» — 34 años"
    value = {"t": raw}
    assert json.loads(safetext.json_line(value)) == value
    assert not any(c in safetext.json_line(value) for c in "\x7f\x9b\u202e\u2066")


def test_cli_output_carries_no_escape_sequence_from_the_data(hc: hostile.HostileCase) -> None:
    """`search` (table, Speaker column with `[/]`, JSON), `pins list`, `pins export -` and both
    briefs: the raw bytes hold no control byte, and the markup is printed as written."""
    db = hc.db
    code, raw = run_cli("pins", "add", "mallory", "--db", db)
    assert code == 0, raw
    commands = [
        ("search", "zorblat", "--db", db),
        ("search", "zorblat", "--json", "--db", db),
        ("pins", "list", "--db", db),
        ("pins", "export", "-", "--db", db),
        ("export", "--db", db),
        ("export", "--format", "html", "--db", db),
    ]
    for args in commands:
        code, raw = run_cli(*args)
        assert code == 0, (args, raw)
        assert_inert(raw)
        text = raw.decode("utf-8")
        assert "Traceback" not in text
        if "--json" in args or args[:2] == ("pins", "export"):
            for line in text.splitlines():
                assert json.loads(line)  # still JSON, the escapes escaped
            assert "[@click=app.quit]" in text
        else:
            assert "[@click=app.quit]quit[/]" in text or "\\[@click=app.quit\\]" in text, args
    code, raw = run_cli("export", "--format", "html", "--db", db)
    title = raw.split(b"<title>")[1].split(b"</title>")[0].decode()
    assert "␛]2;PWNED-TITLE␇" in title  # visible, not acted on


def test_check_errors_that_echo_the_evidence_are_inert(tmp_path: Path) -> None:
    hc = hostile.make(tmp_path / "project")
    text = hc.case.read_text()
    hc.case.write_text(text.replace("zorblat", "zorblot", 1))  # the quote is no longer in it
    code, raw = run_cli("check", "--data", hc.case)
    assert code == 2
    assert raw.count(b"\n") == 1 and b"not in the source" in raw
    assert_inert(raw)
    assert "[@click=app.quit]" in raw.decode()


def test_markdown_and_html_briefs_are_inert(hc: hostile.HostileCase, cli: Cli) -> None:
    for fmt in ("md", "html"):
        result = cli("export", "--format", fmt, "--db", hc.db)
        assert result.code == 0, result.err
        assert_inert(result.out.encode())
        assert "[sic]" in result.out or "\\[sic\\]" in result.out


# --------------------------------------------------------------------------------------------------
# The app


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def screen_text(app: DossierApp) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


def assert_screen_inert(text: str) -> None:
    for bad in hostile.UNSAFE:
        assert bad not in text, (bad, text[:600])


async def test_every_pane_palette_and_notification_show_hostile_data_as_text(
    hc: hostile.HostileCase,
) -> None:
    app = DossierApp(hc.db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        seen = screen_text(app)
        assert "[@click=app.quit]quit[/]" in seen and "[sic]" in seen  # overview, as written
        assert "␛]52;c;UFdORUQ=␇" in seen  # the sequence is visible, inert
        for key in "12345678":
            await pilot.press(key)
            await settle(pilot)
            assert_screen_inert(screen_text(app))
        await pilot.press("6", "p")  # pin the quote: "Pinned: …" names it
        await settle(pilot)
        notes = "\n".join(n.message for n in app._notifications)
        assert "Pinned:" in notes and "[@click=app.quit]quit[/]" in notes, notes
        assert not any(n.markup for n in app._notifications)  # shown as text, never parsed
        assert_screen_inert(notes)
        assert_screen_inert(screen_text(app))
        await pilot.press("ctrl+p")
        await pilot.press(*"mallory")
        await pilot.pause(0.3)
        await settle(pilot)
        palette = screen_text(app)
        assert "Mallory" in palette and "[bold red]red [sic]" in palette, palette
        assert_screen_inert(palette)
        await pilot.press("escape")
        await pilot.press("slash")
        await pilot.press(*"zorblat")
        await pilot.pause(0.3)
        await settle(pilot)
        found = screen_text(app)
        assert "[the president]" in found
        assert_screen_inert(found)
        await pilot.press("escape", "e")  # the brief's preview
        await settle(pilot)
        await pilot.pause(0.3)
        assert_screen_inert(screen_text(app))
        assert app.is_running  # `[@click=app.quit]` quit nothing


def tmux_or_skip() -> str:
    tmux = shutil.which("tmux")
    if tmux is None:
        pytest.skip(
            "tmux is not installed: the real-terminal check needs it (apt-get install tmux)"
        )
    return tmux


def test_the_app_in_a_real_terminal_leaves_clipboard_and_title_alone(
    hc: hostile.HostileCase, tmp_path: Path
) -> None:
    """OSC 52 in a name wrote tmux's clipboard and OSC 2 set the window title when the app merely
    showed them: run the app in tmux (set-clipboard on), visit every pane, the palette and the
    search, and look at what the terminal did."""
    tmux = tmux_or_skip()
    sock = f"dossier-hostile-{os.getpid()}"
    base = [tmux, "-L", sock, "-f", "/dev/null"]
    command = f"{PYTHON} -m dossier open {hc.db}"
    env = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm-256color"}

    def tm(*args: str) -> str:
        return subprocess.run(
            [*base, *args], capture_output=True, text=True, env=env, check=False
        ).stdout

    def wait_for(needle: str, limit: float = 90) -> str:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            shown = tm("capture-pane", "-p", "-t", "hostile")
            if needle in shown:
                return shown
            time.sleep(0.3)
        raise AssertionError(f"{needle!r} never showed: {shown}")

    subprocess.run(
        [*base, "new-session", "-d", "-s", "hostile", "-x", "160", "-y", "50", "sleep 600"],
        env=env,
        check=True,
    )
    try:
        tm("resize-window", "-t", "hostile", "-x", "160", "-y", "50")
        tm("set", "-g", "set-clipboard", "on")
        tm("set", "-g", "allow-rename", "on")
        tm("select-pane", "-t", "hostile", "-T", "untouched")
        tm("respawn-pane", "-k", "-t", "hostile", command)
        wait_for("A summary")  # the overview is drawn, data and all
        for key in "12345678":
            tm("send-keys", "-t", "hostile", key)
            time.sleep(0.4)
        tm("send-keys", "-t", "hostile", "6")
        time.sleep(0.4)
        tm("send-keys", "-t", "hostile", "p")
        wait_for("Pinned")
        tm("send-keys", "-t", "hostile", "C-p")
        time.sleep(0.5)
        tm("send-keys", "-t", "hostile", "-l", "mallory")
        wait_for("Mallory ␛")
        tm("send-keys", "-t", "hostile", "Escape")
        time.sleep(2)  # an ESC followed at once by "/" would read as Alt+/
        deadline = time.monotonic() + 60
        while "Search quotes" not in tm("capture-pane", "-p", "-t", "hostile"):
            assert time.monotonic() < deadline, "the search screen never opened"
            tm("send-keys", "-t", "hostile", "/")  # again, if the palette took the first one
            time.sleep(1)
        tm("send-keys", "-t", "hostile", "-l", "zorblat")
        wait_for("1 quote")
        assert tm("list-buffers").strip() == "", "the data wrote the clipboard"
        title = tm("display", "-p", "-t", "hostile", "#{pane_title}").strip()
        assert "PWNED" not in title
        assert title == "untouched", title
        assert "PWNED" not in tm("display", "-p", "-t", "hostile", "#{window_name}")
    finally:
        subprocess.run([*base, "kill-server"], env=env, check=False, capture_output=True)


async def test_a_rebuild_of_the_open_dossier_is_reloaded(hc: hostile.HostileCase) -> None:
    app = DossierApp(hc.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "A summary" in screen_text(app)
        hc.case.write_text(hc.case.read_text().replace("A summary", "A rebuilt summary"))
        builder.build(hc.case, hc.db)
        app._check_rebuilt()  # what the app's timer does every REBUILD_POLL seconds
        await settle(pilot)
        await settle(pilot)
        assert "A rebuilt summary" in screen_text(app)


# --------------------------------------------------------------------------------------------------
# --force replaces regular files only


@pytest.mark.parametrize("kind", ["fifo", "socket", "directory", "device"])
def test_force_never_replaces_a_special_file(
    kind: str, hc: hostile.HostileCase, tmp_path: Path, cli: Cli
) -> None:
    target = tmp_path / f"target-{kind}"
    held: socket.socket | None = None
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "socket":
        held = socket.socket(socket.AF_UNIX)
        held.bind(str(target))
    elif kind == "directory":
        target.mkdir()
    else:
        target = Path("/dev/null")
    try:
        before = os.lstat(target)
        result = cli("export", "--db", hc.db, "--out", target, "--force")
        assert_one_line(result, str(target) if kind != "directory" else "directory")
        after = os.lstat(target)
        assert (after.st_ino, stat.S_IFMT(after.st_mode)) == (
            before.st_ino,
            stat.S_IFMT(before.st_mode),
        )
        with pytest.raises(DossierError):
            files.write_atomic(target, "x", force=True)
    finally:
        if held is not None:
            held.close()


def test_force_still_replaces_a_regular_file(tmp_path: Path) -> None:
    target = tmp_path / "brief.md"
    target.write_text("old")
    files.write_atomic(target, "new", force=True)
    assert target.read_text() == "new"


# --------------------------------------------------------------------------------------------------
# Bounded parsing, and no hangs


def test_toml_nested_a_thousand_deep_is_one_line(project_tmp: Path, cli: Cli) -> None:
    for value in ("[" * 1000 + "]" * 1000, "{a=" * 1000 + "1" + "}" * 1000):
        case = project_tmp / "data" / "deep.toml"
        case.write_text(f"format = 1\nx = {value}\n")
        assert_one_line(cli("check", "--data", case), "deep.toml:2:", "nested")


def test_brackets_inside_strings_and_comments_are_not_nesting() -> None:
    deep = "[" * 50
    text = f'a = "{deep}"\nb = \'{deep}\'\nc = """\n{deep}\n"""\n# {deep}\nd = [[1], {{e = 2}}]\n'
    bounded.check_text(text, "x.toml")  # no error


def test_line_count_line_length_and_size_are_bounded(
    project_tmp: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = project_tmp / "data" / "long.toml"
    case.write_text('format = 1\nx = "' + "a" * (bounded.MAX_LINE_CHARS + 1) + '"\n')
    assert_one_line(cli("check", "--data", case), "long.toml:2:", "characters")
    monkeypatch.setattr(bounded, "MAX_LINES", 100)
    case.write_text("format = 1\n" + "\n" * 200)
    assert_one_line(cli("check", "--data", case), "lines")
    monkeypatch.setattr(bounded, "MAX_CASE_BYTES", 1000)
    case.write_text("format = 1\n" + "#" * 2000 + "\n")
    assert_one_line(cli("check", "--data", case), "bytes")


def test_a_case_file_that_is_a_device_is_one_line(cli: Cli) -> None:
    assert_one_line(cli("check", "--data", "/dev/zero"), "character device")


@pytest.fixture
def project_tmp(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "seeds").mkdir()
    return tmp_path


def with_source_file(hc: hostile.HostileCase, file: str) -> Path:
    """A copy of the hostile case file whose source is ``file``."""
    out = hc.case.with_name("other.toml")
    text = hc.case.read_text()
    out.write_text(text.replace('file = "seeds/hostile.txt"', f"file = {json.dumps(file)}"))
    return out


def test_a_fifo_source_is_refused_without_hanging(tmp_path: Path) -> None:
    hc = hostile.make(tmp_path / "project")
    os.mkfifo(hc.root / "seeds" / "pipe.txt")
    case = with_source_file(hc, "seeds/pipe.txt")
    code, raw = run_cli("check", "--data", case, timeout=60)  # a hang fails the test here
    assert code == 2 and b"FIFO" in raw and raw.count(b"\n") == 1, raw


def test_an_oversized_source_is_refused_unread(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    hc = hostile.make(tmp_path / "project")
    monkeypatch.setattr(sources, "MAX_SOURCE_BYTES", 100)
    assert_one_line(cli("check", "--data", hc.case), "hostile.txt", "allowed")


# --------------------------------------------------------------------------------------------------
# Sources are confined to seeds/


@pytest.mark.parametrize(
    ("file", "why"),
    [
        ("/etc/passwd", "absolute path"),
        ("/dev/zero", "absolute path"),
        ("../../../../../../etc/passwd", "outside the project's seeds/"),
        ("seeds/../data/hostile.toml", "outside the project's seeds/"),
        ("seeds/link-out.txt", "outside the project's seeds/"),
        ("seeds", "outside the project's seeds/"),
    ],
)
def test_sources_outside_seeds_are_refused(file: str, why: str, tmp_path: Path, cli: Cli) -> None:
    hc = hostile.make(tmp_path / "project")
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret\n")
    (hc.root / "seeds" / "link-out.txt").symlink_to(secret)
    case = with_source_file(hc, file)
    result = cli("check", "--data", case)
    assert_one_line(result, "other.toml:11:", "'src'", why)


def test_a_wrong_sha256_never_reveals_the_hash_of_a_file_outside(tmp_path: Path, cli: Cli) -> None:
    hc = hostile.make(tmp_path / "project")
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret\n")
    digest = hashlib.sha256(secret.read_bytes()).hexdigest()
    (hc.root / "seeds" / "link-out.txt").symlink_to(secret)
    case = with_source_file(hc, "seeds/link-out.txt")
    result = cli("check", "--data", case)
    assert result.code == 2
    assert digest[:6] not in result.err and "secret" not in result.err.replace("secret.txt", "")


def test_a_symlink_inside_seeds_is_followed(tmp_path: Path, cli: Cli) -> None:
    hc = hostile.make(tmp_path / "project")
    (hc.root / "seeds" / "alias.txt").symlink_to(hc.source)
    case = with_source_file(hc, "seeds/alias.txt")
    assert cli("check", "--data", case).code == 0


# --------------------------------------------------------------------------------------------------
# Damaged databases


def _pages(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    return size, db.stat().st_size // size


def test_a_damaged_page_gives_one_line_never_wrong_output(
    hc: hostile.HostileCase, tmp_path: Path, cli: Cli
) -> None:
    good = cli("export", "--db", hc.db)
    assert good.code == 0
    page_size, pages = _pages(hc.db)
    copy = tmp_path / "damaged.db"
    failures = 0
    for page in range(1, pages):  # page 0 holds the header: "not SQLite" is tested elsewhere
        for fill in (b"\x00", b"\xff", b"garbage!"):
            data = bytearray(hc.db.read_bytes())
            at = page * page_size
            data[at + 8 : at + page_size - 8] = (fill * page_size)[: page_size - 16]
            copy.write_bytes(bytes(data))
            result = cli("export", "--db", copy)
            if result.code == 0:
                assert result.out == good.out, f"page {page} {fill!r}: wrong output"
            else:
                failures += 1
                assert_one_line(result, "damaged.db")
            search = cli("search", "zorblat", "--db", copy)
            assert "Traceback" not in search.err and search.err.count("\n") <= 1
    assert failures  # the check saw the damage


def test_a_large_damaged_dossier_opens_but_never_exports(
    hc: hostile.HostileCase, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Above QUICK_CHECK_BYTES a dossier is not checked page by page as it is opened (a million
    # quotes open in a blink): export checks it itself, a smaller one was checked already.
    monkeypatch.setattr(store, "QUICK_CHECK_BYTES", 0)
    page_size, pages = _pages(hc.db)
    data = bytearray(hc.db.read_bytes())
    at = (pages - 1) * page_size  # the last page: opening reads only the first ones
    data[at + 8 : at + page_size - 8] = b"\xff" * (page_size - 16)
    copy = tmp_path / "damaged.db"
    copy.write_bytes(bytes(data))
    assert store.validate(copy)  # opened without a check of every page
    assert_one_line(cli("export", "--db", copy), "damaged.db")


def test_a_damaged_bundled_build_is_set_aside_and_rebuilt(tmp_path: Path) -> None:
    hc = hostile.make(tmp_path / "project")
    builder.build(hc.case, hc.db)
    data = bytearray(hc.db.read_bytes())
    page_size, _ = _pages(hc.db)
    data[page_size + 8 : 2 * page_size] = b"\xff" * (page_size - 8)
    hc.db.write_bytes(bytes(data))
    said: list[str] = []
    builder.ensure_built(hc.case, hc.db, say=said.append)
    aside = [p for p in hc.db.parent.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes() == bytes(data)  # kept, not deleted
    assert store.validate(hc.db, integrity=True)
    assert said and "kept as" in said[0] and aside[0].name in said[0]


def test_a_fifo_in_place_of_a_dossier_is_one_line(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.db"
    os.mkfifo(pipe)
    code, raw = run_cli("search", "x", "--db", pipe, timeout=60)
    assert code == 2 and b"FIFO" in raw and raw.count(b"\n") == 1


# --------------------------------------------------------------------------------------------------
# Interrupted builds leave no temporary files

SLOW_BUILD = textwrap.dedent(
    """
    import signal, sys, time
    from pathlib import Path
    from dossier import build

    # As a build started from a terminal has it, whatever started the tests (nohup ignores it).
    signal.signal(signal.SIGHUP, signal.SIG_DFL)

    def slow(conn):
        conn.execute("CREATE TABLE IF NOT EXISTS pad(a)")
        print("ready", flush=True)
        while True:
            conn.execute("INSERT INTO pad VALUES (zeroblob(1000))")
            time.sleep(0.001)

    build.write_database(Path(sys.argv[1]), slow)
    """
)


def _start_slow_build(out: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [PYTHON, "-c", SLOW_BUILD, str(out)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_during_a_build_leaves_no_temporary_file(signum: int, tmp_path: Path) -> None:
    out = tmp_path / "x.db"
    proc = _start_slow_build(out)
    assert _leftovers(out)  # the build is writing its temporary file
    proc.send_signal(signum)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert _leftovers(out) == []
    assert not out.exists()


def test_kill_9_leftovers_are_swept_by_the_next_build_but_a_live_one_is_not(
    tmp_path: Path,
) -> None:
    out = tmp_path / "x.db"
    killed = _start_slow_build(out)
    killed.kill()
    killed.wait(timeout=60)
    (left,) = _leftovers(out)
    live = _start_slow_build(out)  # sweeps the dead one's file, not its own
    try:
        assert left not in _leftovers(out) and len(_leftovers(out)) == 1
        assert files.sweep_temp_files(out) == 0  # a live writer's file stays
    finally:
        live.kill()
        live.wait(timeout=60)
    assert files.sweep_temp_files(out) == 1
    assert _leftovers(out) == []


# --------------------------------------------------------------------------------------------------
# Cost in proportion: the fast paths give the answers of the slow ones


def test_span_finder_agrees_with_a_search_per_span() -> None:
    import random

    rng = random.Random(18)
    words = ["Item", "0001", "says", "asilo", "Chávez", "de", "la", "the", "court", " ", "\n"]
    text = "".join(rng.choice(words) + " " for _ in range(5000))
    wanted = []
    for _ in range(300):
        start = rng.randrange(len(text) - 40)
        wanted.append(text[start : start + rng.randrange(1, 40)])
    wanted += ["not in it at all", "Chávez", "Item 0001 says"]
    finder = evidence.SpanFinder({"s": text}, [("s", w) for w in wanted])
    assert finder._found  # the index is used
    for exact in wanted:
        assert finder.occurrences("s", exact) == evidence._occurrences(text, exact), exact
    # With a prefix or suffix: the same span, or the same error, as a search per span.
    for exact in wanted[:100]:
        at = text.find(exact)
        if at < 0:
            continue
        end = at + len(exact)
        for prefix, suffix in (
            (text[max(at - 9, 0) : at], None),
            (None, text[end : end + 8]),
            (text[max(at - 3, 0) : at], text[end : end + 2]),
            (None, text[at + 1 : at + 9]),  # not what follows: the same error either way
        ):
            try:
                expected: object = evidence.locate(text, exact, prefix, suffix)
            except evidence.SpanError as exc:
                expected = str(exc)
            try:
                got: object = finder.locate("s", exact, prefix, suffix)
            except evidence.SpanError as exc:
                got = str(exc)
            assert got == expected, (exact, prefix, suffix)


def test_coverage_counts_as_a_look_at_every_character() -> None:
    import random

    rng = random.Random(7)
    text = "".join(rng.choice(["word", " ", "\n", "ñandú", "\t", "x"]) for _ in range(3000))
    spans = []
    for _ in range(40):
        a = rng.randrange(len(text))
        spans.append((a, min(len(text), a + rng.randrange(0, 200))))
    marked = bytearray(len(text))
    for a, b in spans:
        marked[a:b] = b"\x01" * (b - a)
    cited = sum(1 for i, ch in enumerate(text) if marked[i] and not ch.isspace())
    ranges = coverage.merged(spans)
    assert sum(coverage.non_space(text, a, b) for a, b in ranges) == cited
    assert coverage.non_space(text) == sum(1 for ch in text if not ch.isspace())
    slow = tuple(
        m.group() for m in coverage._WORD.finditer(text) if not any(marked[m.start() : m.end()])
    )
    assert coverage._uncited_words(text, ranges) == slow[: coverage.MAX_UNCITED_WORDS]


def test_the_hostile_case_loads_with_its_spans(hc: hostile.HostileCase) -> None:
    case = casefile.load(hc.case)
    assert case.located["q-mallory"][0].span.exact == hostile.QUOTE
