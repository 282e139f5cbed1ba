"""`dossier serve`: the app in a real browser (Debian's headless Chromium, driven by Playwright),
with every request beyond the server refused, as on a machine without a network.

The app is drawn on a canvas, so the page's DOM has no text: the tests read the terminal's own
buffer. textual-serve keeps its xterm.js terminal in a closure; the test serves the page's script
with one statement added that hands the terminal to ``window`` (nothing else changes).

``DOSSIER_SCREENSHOT=1 uv run pytest tests/test_serve.py`` also writes the README's screenshot.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dossier import serve as server_module
from dossier.errors import DossierError
from tests.conftest import CliResult

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path(__file__).parent / "__snapshots__" / "test_serve" / "browser-people.png"
TERMINAL_HOOK = "const t=new w(e,{ping:r});"
"""Where textual-serve's page script makes its terminal; the test adds one statement after it."""
READ_SCREEN = """() => {
  const t = window.__dossierTerminals && window.__dossierTerminals[0];
  if (!t) return "";
  const buffer = t.terminal.buffer.active, lines = [];
  for (let y = 0; y < t.terminal.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
}"""
WAIT = 60.0
"""Seconds to wait for a screen before giving up (a bound, not a measurement)."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start(db: Path, port: int) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "dossier", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                f"dossier serve exited: {proc.stderr.read() if proc.stderr else ''}"
            )
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("dossier serve did not start listening")


def _stop(proc: subprocess.Popen[str]) -> str:
    """Stop the server as Ctrl+C would; what it printed (textual-serve passes on what each
    session wrote to standard error)."""
    proc.terminate()
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return out + err


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium to test `dossier serve`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


class Page:
    """A browser page on the server, offline: every request elsewhere is refused and noted."""

    def __init__(self, browser: Any, port: int) -> None:
        self.origin = f"http://127.0.0.1:{port}"
        self.refused: list[str] = []
        self.page = browser.new_page(viewport={"width": 1120, "height": 640})
        self.page.route("**/*", self._route)
        self.page.goto(f"{self.origin}/")

    def _route(self, route: Any) -> None:
        url: str = route.request.url
        if not url.startswith(f"{self.origin}/"):
            self.refused.append(url)
            route.abort()
            return
        if url.endswith("/static/js/textual.js"):
            response = route.fetch()
            script: str = response.text()
            assert TERMINAL_HOOK in script, "textual-serve's page script changed: update the hook"
            script = script.replace(
                TERMINAL_HOOK,
                TERMINAL_HOOK
                + "(window.__dossierTerminals=window.__dossierTerminals||[]).push(t);",
            )
            route.fulfill(response=response, body=script)
            return
        route.continue_()

    def screen(self) -> str:
        text: str = self.page.evaluate(READ_SCREEN)
        return text

    def wait_for(self, *words: str) -> str:
        deadline = time.monotonic() + WAIT
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if all(word in text for word in words):
                return text
            time.sleep(0.2)
        raise AssertionError(f"{words} never appeared; the screen was:\n{text}")

    def press(self, key: str) -> None:
        self.page.locator(".xterm-helper-textarea").focus()
        self.page.keyboard.press(key)


def test_the_app_in_a_browser_offline(browser: Any, bundled_db: Path, tmp_path: Path) -> None:
    port = _free_port()
    proc = _start(bundled_db, port)
    try:
        page = Page(browser, port)
        first = page.wait_for("Castillo and Chávez: the coup-attempt trial", "1 Overview")
        assert "Nobresilla" not in first
        page.press("2")
        people = page.wait_for("Raul Nobresilla", "Also written")
        assert "Hugo de Zera" in people
        page.wait_for("id pedro-castillo", "Also written Castillo")  # the detail has loaded
        shot = tmp_path / "browser.png"
        page.page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        if os.environ.get("DOSSIER_SCREENSHOT"):
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, SCREENSHOT)
        assert page.refused == [], "the page asked for something beyond the server"
        page.page.close()
    finally:
        _stop(proc)


def test_a_dossier_that_fails_to_open_says_so_in_the_page(
    browser: Any, bundled_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "vanishing.db"
    shutil.copy(bundled_db, db)
    port = _free_port()
    proc = _start(db, port)
    try:
        db.write_bytes(b"not a database at all, not even close to one" * 4)
        page = Page(browser, port)
        text = " ".join(page.wait_for("dossier: error:", "vanishing.db").split())
        assert "vanishing.db: not a SQLite database, so not a dossier" in text, text
        page.page.close()
    finally:
        err = _stop(proc)
    assert "not a SQLite database" in err  # and the server's terminal has the same line


def test_a_port_in_use_is_one_line(cli: Callable[..., CliResult], bundled_db: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", "--db", bundled_db, "--port", port)
    assert result.code == 2
    assert result.err == f"dossier: error: 127.0.0.1:{port}: cannot listen (the port is in use)\n"


def test_an_unbindable_host_is_one_line(cli: Callable[..., CliResult], bundled_db: Path) -> None:
    result = cli("serve", "--db", bundled_db, "--host", "192.0.2.1", "--port", _free_port())
    assert result.code == 2
    assert result.err.startswith("dossier: error: 192.0.2.1:")
    assert result.err.count("\n") == 1
    unknown = cli("serve", "--db", bundled_db, "--host", "no-such-host.invalid")
    assert unknown.code == 2
    assert "no-such-host.invalid:8000: cannot listen (unknown host" in unknown.err


def test_a_dossier_that_cannot_open_is_refused_before_serving(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    result = cli("serve", "--db", tmp_path / "missing.db", "--port", _free_port())
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert "missing.db: no such file" in result.err


def test_serving_beyond_this_machine_warns(
    cli: Callable[..., CliResult], bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[tuple[str, int]] = []

    class Quiet:
        def serve(self) -> None:
            pass

    def fake_server(db: Path, host: str, port: int) -> Quiet:
        started.append((host, port))
        return Quiet()

    monkeypatch.setattr(server_module, "_server", fake_server)
    port = _free_port()
    wide = cli("serve", "--db", bundled_db, "--host", "0.0.0.0", "--port", port)
    assert wide.code == 0, wide.err
    assert "dossier: warning: serving on 0.0.0.0" in wide.err
    local = cli("serve", "--db", bundled_db, "--port", port)
    assert "warning" not in local.err
    assert started == [("0.0.0.0", port), ("127.0.0.1", port)]


def test_the_session_command_quotes_the_path(tmp_path: Path) -> None:
    odd = tmp_path / "a dossier; rm -rf x.db"
    command = server_module.session_command(odd)
    assert command.endswith(f"-m dossier.ui.served '{odd.resolve()}'")
    with pytest.raises(DossierError, match="not a port"):
        server_module.check_address("127.0.0.1", 70000)
