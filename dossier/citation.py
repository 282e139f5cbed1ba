"""A record, a quote, one field or one evidence span, as text to paste elsewhere with its citation.

Two forms of the same citation, for the app's ``y`` and ``Y`` and for ``dossier cite-of``:

* plain text — ``“Today, we learned …” — Hugo de Zera, 3 Nov 2025, “Peru severs diplomatic relations
  with Mexico”, published 4 November 2025, line 5`` — the article title in quotation marks, as
  citation styles write an article's title in running text;
* Markdown — the same words with a GFM footnote that quotes the source as the brief does
  (``*title*, published …, line …, characters …: “exact words”``). Footnote labels are named after
  the record (``[^de-zera-asylum-regret]``), not numbered: pasted into a document that has notes of
  its own, a named label cannot collide with note 1.

Who says so is kept: words of the source that lie inside a party's quote or reported statement are
cited as that party's (``— Hugo de Zera, 3 Nov 2025, …``), and a record that is a party's claim
carries its "according to …" with it. Everything from the dossier is data: one line each
(:func:`dossier.safetext.line`) in text, escaped with :func:`dossier.markdown.inline` in Markdown.

Standard library only; reads with a ``sqlite3`` connection (``Reader.connection()``).
"""

from __future__ import annotations

import json
import sqlite3

from dossier.dates import UNDATED, display_date
from dossier.deferred import dataclass
from dossier.markdown import inline
from dossier.safetext import line as one_line

SPEAKING_KINDS = ("direct", "reported")
"""Quotes whose words are a party's: an epithet is a name given, not a statement."""


@dataclass(frozen=True)
class SpanCite:
    """One cited span of a source, with who says it there."""

    source: str
    source_title: str
    published: str
    publisher: str | None
    url: str | None
    start: int
    end: int
    line: int
    exact: str
    speaker: str | None
    """The party whose quote or reported statement holds the span; None: the source's own words."""
    said_on: str | None
    """When the party said it, short (``3 Nov 2025``); None when not stated."""
    reported: bool = False
    """The party's words as the source reports them (a paraphrase), not verbatim."""

    def who(self) -> str:
        """``Hugo de Zera, 3 Nov 2025``, ``Peru (reported), 3 Nov 2025``, or "" (the source)."""
        if self.speaker is None:
            return ""
        who = one_line(self.speaker) + (" (reported)" if self.reported else "")
        return f"{who}, {self.said_on}" if self.said_on else who

    def where(self, *, markdown: bool = False) -> str:
        """``“title”, publisher, published 4 November 2025, line 5``; in Markdown the title in
        italics."""
        title = f"*{inline(self.source_title)}*" if markdown else f"“{one_line(self.source_title)}”"
        parts = [title]
        if self.publisher:
            parts.append(inline(self.publisher) if markdown else one_line(self.publisher))
        parts.append(f"published {self.published}")
        if self.url:
            parts.append(f"<{self.url}>" if markdown else one_line(self.url))
        parts.append(f"line {self.line}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Citation:
    """What ``y`` copies (:attr:`text`) and ``Y`` copies (:attr:`markdown`)."""

    record: str
    what: str
    """What was copied, in a few words for the status line: ``the quote of Hugo de Zera``."""
    text: str
    markdown: str


def spans_of(conn: sqlite3.Connection, record: str) -> list[SpanCite]:
    """The evidence of ``record``, in case order, each span with who says it in the source."""
    rows = conn.execute(
        "SELECT e.source, s.title, s.published, s.published_precision, s.published_approx, "
        "s.publisher, s.url, e.start, e.end, e.exact, "
        "(length(substr(s.text, 1, e.start)) - "
        " length(replace(substr(s.text, 1, e.start), char(10), ''))) + 1, "
        # The innermost quote or reported statement with a speaker that holds the span.
        "(SELECT json_array(q.speaker_names, q.date, q.date_precision, q.date_approx, q.kind) "
        " FROM quote q WHERE q.source = e.source AND q.start <= e.start AND e.end <= q.end "
        " AND q.kind IN ('direct', 'reported') AND q.speaker_names IS NOT NULL "
        " ORDER BY q.end - q.start LIMIT 1) "
        "FROM evidence e JOIN source s ON s.id = e.source WHERE e.record = ? ORDER BY e.seq",
        (record,),
    ).fetchall()
    out: list[SpanCite] = []
    seen: set[tuple[str, int, int]] = set()
    for (
        source,
        title,
        pub,
        pub_precision,
        pub_approx,
        publisher,
        url,
        start,
        end,
        exact,
        ln,
        q,
    ) in rows:
        if (source, start, end) in seen:
            continue
        seen.add((source, start, end))
        speaker = said_on = None
        reported = False
        if q:
            speaker, date, precision, approx, kind = json.loads(q)
            said_on = display_date(date, precision, approx, short=True) if date else None
            reported = kind == "reported"
        published = display_date(pub, pub_precision, pub_approx) if pub else UNDATED
        out.append(
            SpanCite(
                source,
                title,
                published,
                publisher,
                url,
                start,
                end,
                ln,
                exact,
                speaker,
                said_on,
                reported,
            )
        )
    return out


def _quoted(words: str) -> str:
    return f"“{one_line(words).strip()}”"


def _span_text(span: SpanCite) -> str:
    who = span.who()
    return f"{_quoted(span.exact)} — {who + ', ' if who else ''}{span.where()}"


def _label(record: str, n: int, total: int) -> str:
    return f"[^{record}]" if total == 1 else f"[^{record}-{n}]"


def _footnote(label: str, span: SpanCite, *, words: bool = True) -> str:
    """The brief's footnote: where, then (unless the text above is those very words) the words."""
    out = f"{label}: {span.where(markdown=True)}, characters {span.start}–{span.end}"
    return out + (f": “{inline(span.exact)}”" if words else "")


def _spans_markdown(record: str, spans: list[SpanCite]) -> tuple[str, list[str]]:
    """The footnote references to put after a fact, and the footnotes."""
    labels = [_label(record, n, len(spans)) for n, _ in enumerate(spans, start=1)]
    return "".join(labels), [_footnote(lb, s) for lb, s in zip(labels, spans, strict=True)]


def cite(
    conn: sqlite3.Connection,
    record: str,
    *,
    field: tuple[str, str] | None = None,
    span: int | None = None,
) -> Citation | None:
    """``record`` with its citation; None when the dossier has no such record.

    ``field``: (label, value) of one of its detail fields, copied with the record's evidence;
    ``span``: the index of one of its evidence spans, copied alone (as its speaker's words when
    it lies in a party's quote)."""
    rec = conn.execute(
        "SELECT kind, title, subtitle, claim FROM record WHERE id = ?", (record,)
    ).fetchone()
    if rec is None:
        return None
    kind, title, subtitle, claim = rec
    spans = spans_of(conn, record)
    if span is not None and 0 <= span < len(spans):
        return _cite_span(record, spans[span])
    if kind == "quote" and field is None:
        return _cite_quote(conn, record, spans)
    return _cite_fact(record, kind, title, subtitle, claim, spans, field)


def _cite_span(record: str, s: SpanCite) -> Citation:
    who = s.who()
    label = _label(record, 1, 1)
    md = f"{_quoted(inline(s.exact))}{' — ' + inline(who) if who else ''}{label}"
    what = f"the words of {one_line(s.speaker)}" if s.speaker else "the source's words"
    return Citation(record, what, _span_text(s), f"{md}\n\n{_footnote(label, s, words=False)}\n")


def _cite_quote(conn: sqlite3.Connection, record: str, spans: list[SpanCite]) -> Citation:
    q = conn.execute(
        "SELECT text, kind, speaker_names, date, date_precision, date_approx FROM quote "
        "WHERE id = ?",
        (record,),
    ).fetchone()
    text, kind, speakers, date, precision, approx = q
    when = display_date(date, precision, approx, short=True) if date else UNDATED
    if kind == "epithet":
        who = f"an epithet{' used by ' + one_line(speakers) if speakers else ''}, {when}"
    else:
        who = f"{one_line(speakers or 'unattributed')}{' (reported)' if kind == 'reported' else ''}"
        who += f", {when}"
    where = spans[0] if spans else None
    plain = f"{_quoted(text)} — {who}" + (f", {where.where()}" if where else "")
    md = f"{_quoted(inline(text))} — {inline(who)}"
    notes: list[str] = []
    if spans:
        labels = [_label(record, n, len(spans)) for n, _ in enumerate(spans, start=1)]
        md += "".join(labels)
        notes = [
            _footnote(lb, s, words=one_line(s.exact).strip() != one_line(text).strip())
            for lb, s in zip(labels, spans, strict=True)
        ]
    md += "\n\n" + "\n".join(notes) + "\n" if notes else "\n"
    what = f"the quote of {one_line(speakers)}" if speakers else "the quote"
    return Citation(record, what, plain, md)


def _cite_fact(
    record: str,
    kind: str,
    title: str,
    subtitle: str,
    claim: str | None,
    spans: list[SpanCite],
    field: tuple[str, str] | None,
) -> Citation:
    head = one_line(title)
    if claim:
        # The title ends "— according to X"; the claim says it whole (who, when, the others).
        cut = head.rfind(" — according to ")
        if cut > 0:
            head = head[:cut]
    fact = head
    if subtitle and kind not in ("person", "organization", "source"):
        fact += f", {one_line(subtitle)}"
    if field is not None:
        label, value = field
        fact = f"{one_line(label)}: {one_line(value)} ({fact})"
    if claim:
        fact += f" — {one_line(claim)}"
    text_lines = [fact] + [f"Source: {_span_text(s)}" for s in spans]
    refs, notes = _spans_markdown(record, spans)
    md = inline(fact) + refs + "\n"
    if notes:
        md += "\n" + "\n".join(notes) + "\n"
    what = f"the field “{one_line(field[0])}” of {head}" if field else head
    return Citation(record, what, "\n".join(text_lines), md)


def cite_of(conn: sqlite3.Connection, record: str, *, markdown: bool = False) -> str:
    """What ``dossier cite-of RECORD`` prints: the record with its citation, as text or Markdown."""
    from dossier.errors import DossierError

    found = cite(conn, record)
    if found is None:
        raise DossierError(
            f"no record {one_line(record)!r} in this dossier (a record's id is under its title "
            "in the app's detail, and in `dossier search --json`)"
        )
    return found.markdown if markdown else found.text + "\n"
