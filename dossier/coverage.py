"""How much of each source the case file cites: the check that nothing the source says is left out."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dossier.casefile import Case
from dossier.words import plural

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Coverage:
    source: str
    cited: int
    total: int
    uncited_words: tuple[str, ...]
    """Words of the source inside no evidence span, in order of appearance."""

    @property
    def ratio(self) -> float:
        return self.cited / self.total if self.total else 1.0


def coverage(case: Case) -> list[Coverage]:
    out = []
    for sid, text in sorted(case.texts.items()):
        marked = bytearray(len(text))
        for spans in case.located.values():
            for loc in spans:
                if loc.source == sid:
                    marked[loc.span.start : loc.span.end] = b"\x01" * (
                        loc.span.end - loc.span.start
                    )
        cited = sum(1 for i, ch in enumerate(text) if marked[i] and not ch.isspace())
        total = sum(1 for ch in text if not ch.isspace())
        words = tuple(
            m.group() for m in _WORD.finditer(text) if not any(marked[m.start() : m.end()])
        )
        out.append(Coverage(sid, cited, total, words))
    return out


def summary(case: Case) -> str:
    sources = coverage(case)
    cited = sum(c.cited for c in sources)
    total = sum(c.total for c in sources)
    pct = 100.0 * cited / total if total else 100.0
    return (
        f"{plural(len(case.records), 'record')}, {plural(len(sources), 'source')}, "
        f"{pct:.1f}% of source text cited"
    )
