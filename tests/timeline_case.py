"""A small case of its own for the timeline tests: a trial with a verdict, long custody, a term of
office, an embassy stay, a hearing scheduled after the as-of date, a year-precise event and an
undated one. Names carry Mermaid's and markup's syntax characters on purpose."""

from __future__ import annotations

import hashlib
from pathlib import Path

from dossier import build as builder

SOURCE = """\
Verdict in the Ruiz trial
Published March 20, 2024

Ana Ruiz, a former minister, was arrested in June 2019 and has been held in preventive detention
since July 2019. She was put on trial in May 2021. On 14 March 2024 the court convicted her and
imposed a 12-year sentence. An appeal hearing is scheduled for June 2026.

Ruiz served as minister from 2016 to 2018. Her aide, Luis [bold]Mora: #1; 100%, sought asylum at
the embassy of Chile on 2 February 2023 and left it with a safe conduct on 9 May 2023.
Protests followed in 2020. Her lawyer says he has not seen the file.
"""

CASE = """\
format = 1

[case]
id = "ruiz"
title = "The Ruiz trial"
summary = "A test case with a verdict."
default_source = "verdict"

[[sources]]
id = "verdict"
file = "seeds/verdict.txt"
title = "Verdict in the Ruiz trial"
published = "2024-03-20"
language = "en"
sha256 = "{sha}"
evidence = ["Published March 20, 2024"]

[[people]]
id = "ana-ruiz"
name = "Ana Ruiz"
evidence = ["Ana Ruiz"]

[[people]]
id = "luis-mora"
name = "Luis [bold]Mora: #1; 100%"
evidence = ["Luis [bold]Mora: #1; 100%"]

[[organizations]]
id = "court"
name = "the court"
type = "court"
evidence = ["the court"]

[[organizations]]
id = "chile"
name = "Chile"
type = "state"
evidence = ["Chile"]

[[organizations]]
id = "chile-embassy"
name = "the embassy of Chile"
type = "embassy"
evidence = ["the embassy of Chile"]

[[roles]]
id = "ruiz-minister"
holder = "ana-ruiz"
title = "Minister"
status = "former"
start = "2016"
end = "2018"
evidence = ["Ruiz served as minister from 2016 to 2018"]

[[charges]]
id = "ruiz-bribery"
defendant = "ana-ruiz"
offence = "Bribery"
evidence = ["the court convicted her"]
history = [
  { status = "on trial", date = "2021-05", evidence = ["She was put on trial in May 2021."] },
  { status = "convicted", date = "2024-03-14", evidence = ["On 14 March 2024 the court convicted her"] },
]

[[sentences]]
id = "ruiz-sentence"
defendant = "ana-ruiz"
kind = "imposed"
by = "court"
charge = "ruiz-bribery"
term = "P12Y"
date = "2024-03-14"
evidence = ["imposed a 12-year sentence"]

[[custody]]
id = "ruiz-arrest"
person = "ana-ruiz"
status = "arrested"
start = "2019-06"
evidence = ["was arrested in June 2019"]

[[custody]]
id = "ruiz-detention"
person = "ana-ruiz"
status = "preventive detention"
start = "2019-07"
evidence = ["has been held in preventive detention"]

[[asylum]]
id = "mora-asylum"
type = "sought"
person = "luis-mora"
state = "chile"
embassy = "chile-embassy"
date = "2023-02-02"
evidence = ["sought asylum at\\nthe embassy of Chile on 2 February 2023"]

[[asylum]]
id = "mora-safe-conduct"
type = "safe conduct"
person = "luis-mora"
state = "chile"
date = "2023-05-09"
evidence = ["left it with a safe conduct on 9 May 2023"]

[[events]]
id = "appeal-hearing"
type = "hearing scheduled"
title = "Appeal hearing"
participants = ["ana-ruiz"]
date = "2026-06"
evidence = ["An appeal hearing is scheduled for June 2026."]

[[events]]
id = "protests"
type = "protests"
title = "Protests"
date = "2020"
evidence = ["Protests followed in 2020."]

[[events]]
id = "lawyer-file"
type = "no access"
title = "The lawyer has not seen the file"
evidence = ["Her lawyer says he has not seen the file."]
"""


def write_case(root: Path) -> Path:
    """The case file and its source under ``root``; returns the case file's path."""
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(parents=True, exist_ok=True)
    source = root / "seeds" / "verdict.txt"
    source.write_bytes(SOURCE.encode("utf-8"))
    sha = hashlib.sha256(SOURCE.encode("utf-8")).hexdigest()
    case = root / "data" / "ruiz.toml"
    case.write_text(CASE.replace("{sha}", sha), encoding="utf-8")
    return case


def build_case(root: Path) -> Path:
    """The small case built into ``root/data/ruiz.db``."""
    case = write_case(root)
    db = root / "data" / "ruiz.db"
    builder.build(case, db)
    return db
