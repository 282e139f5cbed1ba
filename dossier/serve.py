"""``dossier serve``: the app in a browser, through textual-serve.

Every browser session runs ``python -m dossier.ui.served DB`` in a process of its own, whose screen
textual-serve sends to the page (xterm.js drawing on a canvas). Nothing here imports Textual.

The address is checked before anything starts, by binding it: a port in use or a host that cannot be
bound is one line and exit 2, never a traceback from the web server. Bound to anything but the
loopback interface, the dossier is readable by whoever can reach the port; a warning says so.
"""

from __future__ import annotations

import ipaddress
import shlex
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dossier.errors import DossierError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000

_WEB_FONT_LINK = '<link\n      rel="stylesheet"\n      href="https://fonts.googleapis.com/css?family=Roboto%20Mono"\n    />'


def session_command(db: Path) -> str:
    """The shell command textual-serve runs for each browser session."""
    python = shlex.quote(sys.executable)
    return f"exec {python} -m dossier.ui.served {shlex.quote(str(db.resolve()))}"


def _addresses(host: str, port: int) -> list[tuple[Any, ...]]:
    try:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise DossierError(f"{host}:{port}: cannot listen (unknown host: {exc.strerror})") from None


def check_address(host: str, port: int) -> bool:
    """Bind ``host:port`` once, as the server will, and let it go. Returns whether every address
    the host names is a loopback one. A failure is a :class:`DossierError` naming the address."""
    if not 1 <= port <= 65535:
        raise DossierError(f"--port {port}: not a port (1-65535)")
    loopback = True
    for family, kind, proto, _, address in _addresses(host, port):
        try:
            if not ipaddress.ip_address(address[0]).is_loopback:
                loopback = False
        except ValueError:
            loopback = False
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                reason = exc.strerror or str(exc)
                if exc.errno is not None and exc.errno in (98, 48, 10048):  # EADDRINUSE
                    reason = "the port is in use"
                raise DossierError(f"{host}:{port}: cannot listen ({reason})") from None
    return loopback


def serve(
    db: Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    say: Callable[[str], None],
    warn: Callable[[str], None],
) -> None:
    """Serve the dossier at ``db`` (already checked) on ``host:port`` until interrupted."""
    loopback = check_address(host, port)
    if not loopback:
        warn(
            f"serving on {host}:{port}, beyond this machine: anyone who can reach it can read "
            "the dossier (there is no login)"
        )
    server = _server(db, host, port)
    say(f"serving {db.name} on http://{host}:{port}/ (Ctrl+C to stop)")
    server.serve()


def _server(db: Path, host: str, port: int) -> Any:
    from aiohttp import web
    from textual_serve.server import Server

    class DossierServer(Server):
        """textual-serve's server, with the page's links made from the address the browser
        used (so it works behind any host name), and without the web font, which it ships."""

        async def on_startup(self, app: web.Application) -> None:
            """Quiet: `dossier serve` says where it serves itself."""

        def initialize_logging(self) -> None:
            """Leave logging as it is: textual-serve's handler prints tracebacks with locals."""

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            self.public_url = f"{request.scheme}://{request.host}"
            response = await super().handle_index(request)
            if isinstance(response, web.Response) and response.text is not None:
                response.text = response.text.replace(_WEB_FONT_LINK, _LOCAL_FONT)
            return response

    return DossierServer(session_command(db), host=host, port=port, title=f"dossier: {db.name}")


_LOCAL_FONT = (
    "<style>@font-face { font-family: 'Roboto Mono'; "
    "src: url('/static/fonts/RobotoMono-VariableFont_wght.ttf') format('truetype'); }</style>"
)
"""The page's font, from the fonts textual-serve ships, instead of a link to a web font service."""
