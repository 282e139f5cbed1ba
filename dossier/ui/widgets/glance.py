"""The Overview's key figures at a glance: one short paragraph per defendant, for a narrow
terminal, where the figures in full need scrolling (at 80×24 the second defendant's were four
Tabs away). Every part says who says so when it is a party's claim."""

from __future__ import annotations

from rich.text import Text

from dossier.dates import PartialDate, display_iso
from dossier.kinds import asylum_event
from dossier.queries import DefendantFigures, Said, since_phrase, step_phrase, term_phrase
from dossier.safetext import line
from dossier.words import plural


def _when(date: PartialDate | None) -> str:
    return display_iso(date.value, date.precision, short=True) if date else ""


def _whose(said: Said) -> str:
    return f", according to {said.party}" if said.party else ""


def glance(d: DefendantFigures) -> str:
    """``3 charges, the latest on trial since Mar 2025 · 34 years requested · …``."""
    parts: list[str] = []
    if d.charges:
        # The charge whose last step is the latest dated; none dated: the last listed.
        dated = [c for c in d.charges if c.last is not None and c.last.date is not None]
        latest = (
            max(dated, key=lambda c: c.last.date.value if c.last and c.last.date else "")
            if dated
            else d.charges[-1]
        )
        step = latest.last
        status = step_phrase(step, short=True) if step is not None else ""
        head = plural(len(d.charges), "charge")
        if status:
            head += f", {'the latest ' if len(d.charges) > 1 else ''}{status}"
        parts.append(head)
    for s in d.requested:
        parts.append(f"{term_phrase(s)} requested{_whose(s.said)}")
    for s in d.imposed:
        parts.append(f"{term_phrase(s)} imposed{_whose(s.said)}")
    if d.custody is not None:
        c = d.custody
        parts.append(since_phrase(c.status, c.start, short=True) + _whose(c.said))
    for st in d.legal:
        parts.append(since_phrase(st.status, st.start, short=True) + _whose(st.said))
    parts.extend(d.appeals)
    if d.asylum is not None:
        a = d.asylum
        when = f", {_when(a.date)}" if a.date else ""
        parts.append(f"{asylum_event(a.type)} ({a.state}){when}{_whose(a.said)}")
    return " · ".join(parts)


def glance_text(defendants: tuple[DefendantFigures, ...]) -> Text:
    out = Text()
    for n, d in enumerate(defendants):
        if n:
            out.append("\n")
        out.append(line(d.name), style="bold")
        out.append("  ")
        out.append(line(glance(d)))
    return out
