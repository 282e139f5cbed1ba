"""A team working set's URL, shown without its password: standard library only, for the header
and every message."""

from __future__ import annotations

import contextlib
import re
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from dossier.workset import WorksetError


def mask_url(url: str) -> str:
    """The URL with its password (in the authority or as ``password=``) replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1:***@", url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hosts = netloc.rpartition("@")
        if ":" in userinfo:
            user = userinfo.split(":", 1)[0]
            netloc = f"{user}:***@{hosts}"
    query = "&".join(
        f"{k}=***" if k.lower() == "password" else (f"{k}={v}" if v else k)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def secrets_of(url: str) -> list[str]:
    """Every spelling of the URL's password, to scrub from messages."""
    found: list[str] = []
    match = re.search(r"//[^:/@]*:([^@/]*)@", url)
    if match:
        found.append(match.group(1))
    with contextlib.suppress(ValueError):
        found += [v for k, v in parse_qsl(urlsplit(url).query) if k.lower() == "password"]
    for given in list(found):
        found.append(unquote(given))
    return sorted({s for s in found if s}, key=len, reverse=True)


def scrub(message: str, url: str) -> str:
    for secret in secrets_of(url):
        message = message.replace(secret, "***")
    return message


def check_url(url: str) -> None:
    """Refuse what libpq would misread, in one line (no network)."""
    shown = mask_url(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise WorksetError(
            f"{shown}: not a valid PostgreSQL URL ({scrub(str(exc), url)})"
        ) from None
    if parts.scheme.lower() not in ("postgresql", "postgres"):
        raise WorksetError(f"{shown}: not a PostgreSQL URL (it must start with postgresql://)")
    if port is not None and not 0 < port < 65536:
        raise WorksetError(f"{shown}: not a valid PostgreSQL URL (port {port})")
