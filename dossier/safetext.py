"""The one rule for text that comes from data (a case file, a database, an import): it is shown as
itself, and none of its characters can act on the terminal or the reader's eye.

Every output boundary passes data through here — the app's widgets, the command line, the brief —
so that a case file from anyone is safe to open:

* C0 controls (U+0000–U+001F, ESC among them) and DEL become their visible Unicode "control
  pictures" (``ESC`` → ``␛``), so an escape sequence in a quote (OSC 52 writing the clipboard,
  OSC 2 setting the window title, CSI moving the cursor) is printed as inert text a reader can see;
* C1 controls (U+0080–U+009F, which some terminals read as CSI/OSC in 8-bit form) and the bidi
  embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069, the "Trojan Source"
  characters) become U+FFFD ``�``;
* line breaks and tabs are kept where text may span lines (:func:`safe`), and become spaces where
  it may not (:func:`line`).

Every replacement is one code point for one code point, so offsets into a text (a cited span, a
search highlight) stay valid after it. Markup is a separate matter: this module returns plain
strings; the app wraps them in ``rich.text.Text`` or Textual ``Content`` objects, never in markup
strings (see :func:`dossier.ui.safe.text`). Pure functions, no I/O, no Textual.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

REPLACEMENT = "\ufffd"

BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # LRE RLE PDF LRO RLO
    "\u2066\u2067\u2068\u2069"  # LRI RLI FSI PDI
)

_MULTILINE: dict[int, str] = {}
for _code in range(0x20):
    _MULTILINE[_code] = chr(0x2400 + _code)  # ␀ … ␟
_MULTILINE[0x7F] = "\u2421"  # ␡
for _code in range(0x80, 0xA0):
    _MULTILINE[_code] = REPLACEMENT
for _char in BIDI_CONTROLS:
    _MULTILINE[ord(_char)] = REPLACEMENT
_MULTILINE[ord("\n")] = "\n"
_MULTILINE[ord("\t")] = "\t"
_MULTILINE[ord("\r")] = " "  # a CRLF line end reads as a line end (one code point for one)
_MULTILINE[0x2028] = "\n"  # line separator
_MULTILINE[0x2029] = "\n"  # paragraph separator

_ONE_LINE = dict(_MULTILINE)
for _char in "\n\t\r\u2028\u2029":
    _ONE_LINE[ord(_char)] = " "


def _pattern(table: dict[int, str]) -> re.Pattern[str]:
    """The characters ``table`` changes, as one character class."""
    changed = sorted(code for code, to in table.items() if to != chr(code))
    return re.compile("[" + "".join(re.escape(chr(code)) for code in changed) + "]")


# A multi-line text is never printable (its line breaks are not): str.translate with a table
# of strings took 4 ms over a 30 kB brief that had nothing to change; the regex finds that in
# a twentieth of the time, and replaces what it finds from the same table.
_MULTILINE_CHANGED = _pattern(_MULTILINE)
_ONE_LINE_CHANGED = _pattern(_ONE_LINE)


def _from(table: dict[int, str]) -> Callable[[re.Match[str]], str]:
    return lambda found: table[ord(found.group())]


_MULTILINE_SUB = _from(_MULTILINE)
_ONE_LINE_SUB = _from(_ONE_LINE)


def safe(text: str) -> str:
    """``text`` with every control character visible and every bidi control replaced; line
    breaks and tabs kept. Same length in code points."""
    if text.isprintable():
        return text
    return _MULTILINE_CHANGED.sub(_MULTILINE_SUB, text)


def line(text: str) -> str:
    """As :func:`safe`, for one line: line breaks and tabs become spaces. Same length."""
    if text.isprintable():
        return text
    return _ONE_LINE_CHANGED.sub(_ONE_LINE_SUB, text)


def opt(text: str | None) -> str:
    """:func:`line` of an optional value (``None`` → empty)."""
    return line(text) if text else ""


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029" + "".join(sorted(BIDI_CONTROLS)) + "]")


def json_text(dumped: str) -> str:
    """A JSON text with what ``json.dumps(..., ensure_ascii=False)`` leaves raw (DEL, C1,
    line separators, bidi controls; they can only stand inside strings) written as ``\\uXXXX``
    escapes: the same JSON value, and nothing in it acts on a terminal."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def json_line(value: Any) -> str:
    """``value`` as one line of JSON, as :func:`json_text`."""
    return json_text(json.dumps(value, ensure_ascii=False))
