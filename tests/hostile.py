"""A small case whose every name, title and quote is hostile: terminal escape sequences (OSC 52
writing the clipboard, OSC 2 setting the window title, CSI), C1 controls, bidi overrides, and
Rich/Textual markup. Built in a temporary folder, never from the bundled case."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

OSC52 = "\x1b]52;c;UFdORUQ=\x07"  # "PWNED" into the clipboard
OSC2 = "\x1b]2;PWNED-TITLE\x07"  # the window title
CSI = "\x1b[31m\x9b2J"  # colour, and an 8-bit CSI clearing the screen
BIDI = "\u202egnp.exe\u202c"
MARKUP = "[/] [@click=app.quit]quit[/] [bold red]red [sic] [the president]"

HOSTILE = f"{OSC52}{OSC2}{CSI}{BIDI} {MARKUP}\x7f"
"""Every trick at once: what each hostile field of the case holds (besides a plain word to find it)."""

UNSAFE = ("\x1b", "\x07", "\x7f", "\x9b", "\u202e", "\u202c")
"""What must never reach a terminal: ESC, BEL, DEL, C1 CSI (U+009B), bidi override and pop."""

MARKUP_WORDS = ("[/]", "[@click=app.quit]", "[bold red]", "[sic]", "[the president]")
"""What must show literally."""

NAME = f"Mallory {HOSTILE}"
QUOTE = f"Trust me {HOSTILE} zorblat"
TITLE = f"Case {HOSTILE}"


def toml_str(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, except that TOML has no \\u007f...)."""
    out = json.dumps(value, ensure_ascii=True)
    return out


@dataclass
class HostileCase:
    root: Path

    @property
    def case(self) -> Path:
        return self.root / "data" / "hostile.toml"

    @property
    def db(self) -> Path:
        return self.root / "data" / "hostile.db"

    @property
    def source(self) -> Path:
        return self.root / "seeds" / "hostile.txt"


def source_text() -> str:
    return (
        f"{TITLE}\n"
        "Published November 4, 2025\n"
        f"{NAME} said: {QUOTE}\n"
        f"The court heard {HOSTILE} evidence.\n"
    )


def case_text(sha: str, *, file: str = "seeds/hostile.txt") -> str:
    s = toml_str
    return f"""format = 1

[case]
id = "hostile"
title = {s(TITLE)}
summary = {s("A summary " + HOSTILE)}
default_source = "src"

[[sources]]
id = "src"
file = {s(file)}
title = {s(TITLE)}
published = "2025-11-04"
language = "en"
sha256 = "{sha}"
evidence = ["Published November 4, 2025"]

[[people]]
id = "mallory"
name = {s(NAME)}
description = {s("Described " + HOSTILE)}
evidence = [{s(NAME)}]

[[events]]
id = "hearing"
type = "hearing"
title = {s("Hearing " + HOSTILE)}
participants = ["mallory"]
date = "2025-11-03"
description = {s("Heard " + HOSTILE)}
evidence = [{s(f"The court heard {HOSTILE} evidence.")}]

[[quotes]]
id = "q-mallory"
kind = "direct"
text = {s(QUOTE)}
speakers = ["mallory"]
date = "2025-11-04"
context = {s("Context " + HOSTILE)}

[[notes]]
id = "note-1"
kind = "editorial"
text = {s("Note " + HOSTILE)}
about = ["mallory"]
basis = {s("Basis " + HOSTILE)}
evidence = [{s(QUOTE)}]
"""


def make(root: Path) -> HostileCase:
    """Write the hostile case (case file and its source) under ``root``."""
    hc = HostileCase(root)
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    data = source_text().encode("utf-8")
    hc.source.write_bytes(data)
    hc.case.write_text(case_text(hashlib.sha256(data).hexdigest()), encoding="utf-8")
    return hc
