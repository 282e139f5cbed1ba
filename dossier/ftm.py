"""The dossier as FollowTheMoney entities (``dossier export --format ftm``): one JSON object a line,
as Aleph, OpenSanctions and the ``ftm`` tools read them.

Every record becomes one or more entities whose ids derive from its slug
(``dossier-<case>-<slug>``, and ``…-<slug>.<part>`` for the entities a record adds), so a re-export
of a rebuilt dossier gives the same ids. Every entity carries ``proof``: the Article of each source
its evidence cites; the cited words themselves go in a Documentation (for FtM's things) or in the
entity's ``summary`` (for its intervals, which a Documentation cannot point at). Dates are ISO
partial dates kept at their precision (``2022``, ``2022-12``). A requested sentence is an Event (a
request, organised by whoever made it), never a Sanction: only an imposed sentence is a Sanction.
README.md ("FollowTheMoney") has the whole mapping and what it loses.

Data layer: the standard library only (the ``followthemoney`` package validates the output in the
tests, and is not needed to write it). Every query is in :data:`QUERIES`.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import field
from pathlib import Path
from typing import Any

from dossier.deferred import dataclass
from dossier.store import connect_readonly

QUERIES: dict[str, str] = {
    "meta": "SELECT key, value FROM meta",
    "records": "SELECT id, kind, title FROM record",
    "evidence": "SELECT record, source, exact FROM evidence ORDER BY record, seq",
    "sources": "SELECT id, title, title_editorial, published, language, sha256, publisher, url, "
    "text FROM source ORDER BY id",
    "entities": "SELECT id, kind, type, name, description FROM entity ORDER BY id",
    "aliases": "SELECT entity, alias, editorial FROM alias ORDER BY entity, seq",
    "roles": 'SELECT id, holder, title, organization, "of", status, start, start_approx, "end", '
    "end_approx FROM role ORDER BY id",
    "charges": "SELECT id, defendant, offence, alleges, plea, status FROM charge ORDER BY id",
    "charge_steps": "SELECT charge, status, date FROM charge_status ORDER BY charge, seq",
    "sentences": 'SELECT id, defendant, kind, "by", charge, penalty, term, term_text, date, '
    "date_approx FROM sentence ORDER BY id",
    "custody": 'SELECT id, person, status, start, start_approx, "end", end_approx FROM custody '
    "ORDER BY id",
    "asylum": "SELECT id, type, person, state, embassy, description, date, date_approx "
    "FROM asylum ORDER BY id",
    "diplomatic": 'SELECT id, type, actor, counterpart, "by", description, date, date_approx '
    "FROM diplomatic ORDER BY id",
    "events": "SELECT id, type, title, description, date, date_approx FROM event ORDER BY id",
    "quotes": "SELECT id, kind, text, source, context, date, date_approx FROM quote ORDER BY pos",
    "notes": "SELECT id, kind, text, basis FROM note ORDER BY id",
    "links": "SELECT src, rel, dst FROM link WHERE rel IN "
    "('participants', 'speakers', 'mentions', 'about') ORDER BY src, rel, seq",
}
"""Every read of the export, in one place: the tables are the typed ones of :mod:`dossier.models`
plus ``record`` (titles), ``evidence`` (cited spans) and ``link`` (event participants, quote
speakers and mentions, what a note is about)."""

BODY_TEXT_LIMIT = 65_000
"""FollowTheMoney's limit for a text value: a longer article is exported without its bodyText."""

_ISO_639_3 = {
    "ar": "ara", "ca": "cat", "de": "deu", "en": "eng", "es": "spa", "fr": "fra", "it": "ita",
    "ja": "jpn", "nl": "nld", "pl": "pol", "pt": "por", "qu": "que", "ru": "rus", "tr": "tur",
    "uk": "ukr", "zh": "zho",
}  # fmt: skip
"""The sources' ISO 639-1 codes as FollowTheMoney's ISO 639-3; another language is left out."""

_PUBLIC_BODIES = {"state", "government", "legislature", "prosecution", "court", "embassy"}

_QUOTE_ROLES = {
    "direct": "direct quote",
    "reported": "reported statement",
    "epithet": "epithet",
}

Entity = dict[str, Any]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


@dataclass
class _Export:
    case: str
    titles: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (kind, title)
    cited: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # id -> [(src, words)]
    links: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (src, rel) -> [dst]
    things: dict[str, str] = field(default_factory=dict)  # record id -> id of its FtM thing
    out: list[Entity] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def id(self, slug: str, part: str | None = None) -> str:
        base = f"dossier-{self.case}-{slug}"
        if len(base) > 150:  # FtM ids are at most 200 characters
            base = f"dossier-{self.case[:40]}-{hashlib.sha1(slug.encode()).hexdigest()}"
        return base if part is None else f"{base}.{part}"

    def linked(self, record: str, rel: str) -> list[str]:
        return self.links.get((record, rel), [])

    def title(self, record: str) -> str:
        return self.titles.get(record, ("", record))[1]

    def emit(self, schema: str, entity_id: str, record: str | None, **props: Any) -> Entity:
        properties: dict[str, list[str]] = {}
        for name, value in props.items():
            values = value if isinstance(value, list) else [value]
            kept = [str(v).strip() for v in values if v is not None and str(v).strip() != ""]
            if kept:
                properties[name] = list(dict.fromkeys(kept))
        if record is not None:
            sources = list(dict.fromkeys(src for src, _ in self.cited.get(record, [])))
            if sources:
                properties.setdefault("proof", [self.id(s) for s in sources])
        entity: Entity = {"id": entity_id, "schema": schema, "properties": properties}
        self.out.append(entity)
        self.seen.add(entity_id)
        return entity

    def words(self, record: str, source: str | None = None) -> str:
        """The cited words of a record (in one source), each in quotation marks."""
        spans = [w for s, w in self.cited.get(record, []) if source is None or s == source]
        return " … ".join(f"“{w}”" for w in dict.fromkeys(spans))

    def document(self, record: str, thing: str) -> None:
        """One Documentation per source a record cites: the Article documents the thing, in these
        words."""
        for source in dict.fromkeys(s for s, _ in self.cited.get(record, [])):
            self.emit(
                "Documentation",
                f"{thing}.evidence"
                if source == self._first_source(record)
                else f"{thing}.evidence.{_slug(source)}",
                None,
                document=self.id(source),
                entity=thing,
                role="evidence",
                summary=self.words(record, source),
                proof=self.id(source),
            )

    def _first_source(self, record: str) -> str | None:
        cited = self.cited.get(record)
        return cited[0][0] if cited else None


def _date(value: str | None) -> str | None:
    """An ISO partial date as FtM takes it, at its precision. An approximate date is kept too (FtM
    drops "c. 2025-11-03"); the caller says it is approximate in a text property."""
    return value or None


def _approx_note(*pairs: tuple[str | None, int | bool | None]) -> str | None:
    dated = [value for value, approx in pairs if value and approx]
    return f"Approximate date: about {dated[0]}." if dated else None


def entities(path: Path, *, body_text: bool = True) -> Iterator[Entity]:
    """The FollowTheMoney entities of the dossier at ``path`` (already checked), in a stable
    order. ``body_text`` includes each source's full text in its Article."""
    conn = connect_readonly(path)
    conn.row_factory = sqlite3.Row
    try:
        yield from _entities(conn, body_text=body_text)
    finally:
        conn.close()


def _rows(conn: sqlite3.Connection, name: str) -> list[sqlite3.Row]:
    return conn.execute(QUERIES[name]).fetchall()


def _entities(conn: sqlite3.Connection, *, body_text: bool) -> Iterator[Entity]:
    meta = dict(conn.execute(QUERIES["meta"]).fetchall())
    ex = _Export(case=meta.get("case_id") or "case")
    ex.titles = {r["id"]: (r["kind"], r["title"]) for r in _rows(conn, "records")}
    for r in _rows(conn, "evidence"):
        ex.cited.setdefault(r["record"], []).append((r["source"], r["exact"]))
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in _rows(conn, "links"):
        grouped[(r["src"], r["rel"])].append(r["dst"])
    ex.links = dict(grouped)

    _sources(ex, conn, body_text)
    _people(ex, conn)
    _roles(ex, conn)
    _charges(ex, conn)
    _sentences(ex, conn)
    _happenings(ex, conn)
    _quotes(ex, conn)
    _notes(ex, conn)
    yield from ex.out


def _sources(ex: _Export, conn: sqlite3.Connection, body_text: bool) -> None:
    for r in _rows(conn, "sources"):
        text = r["text"] if body_text and len(r["text"]) <= BODY_TEXT_LIMIT else None
        data = r["text"].encode("utf-8")
        # FtM's contentHash is a SHA-1; the dossier checks a SHA-256 of the file. When the text is
        # the file byte for byte (its SHA-256 says so), its SHA-1 is the file's.
        sha1 = (
            hashlib.sha1(data).hexdigest()
            if hashlib.sha256(data).hexdigest() == r["sha256"]
            else None
        )
        described = [f"SHA-256 of the saved text: {r['sha256']}."]
        if r["title_editorial"]:
            described.insert(0, "The title is the analyst's: the article prints none.")
        ex.emit(
            "Article",
            ex.id(r["id"]),
            None,
            title=r["title"],
            publishedAt=_date(r["published"]),
            language=_ISO_639_3.get((r["language"] or "").lower()),
            contentHash=sha1,
            publisher=r["publisher"],
            sourceUrl=r["url"],
            bodyText=text,
            description=" ".join(described),
        )


def _people(ex: _Export, conn: sqlite3.Connection) -> None:
    aliases: dict[str, list[str]] = defaultdict(list)
    editorial: dict[str, list[str]] = defaultdict(list)
    for r in _rows(conn, "aliases"):
        (editorial if r["editorial"] else aliases)[r["entity"]].append(r["alias"])
    for r in _rows(conn, "entities"):
        if r["kind"] == "person":
            schema = "Person" if r["type"] == "person" else "LegalEntity"  # a group
        else:
            schema = "PublicBody" if r["type"] in _PUBLIC_BODIES else "Organization"
        thing = ex.id(r["id"])
        ex.things[r["id"]] = thing
        ex.emit(
            schema,
            thing,
            r["id"],
            name=r["name"],
            alias=[a for a in aliases[r["id"]] if a != r["name"]],
            weakAlias=editorial[r["id"]],
            description=r["description"],
            classification=r["type"] if schema != "Person" else None,
        )
        ex.document(r["id"], thing)


def _roles(ex: _Export, conn: sqlite3.Connection) -> None:
    for r in _rows(conn, "roles"):
        note = _approx_note((r["start"], r["start_approx"]), (r["end"], r["end_approx"]))
        summary = " ".join(x for x in (ex.words(r["id"]), note) if x)
        if r["of"]:  # a lawyer of a client
            ex.emit(
                "Representation",
                ex.id(r["id"]),
                r["id"],
                agent=ex.id(r["holder"]),
                client=ex.id(r["of"]),
                role=r["title"],
                status=r["status"],
                startDate=_date(r["start"]),
                endDate=_date(r["end"]),
                summary=summary,
            )
            continue
        if r["organization"]:  # one post per organisation and title, however many held it
            post = ex.id(r["organization"], f"post.{_slug(r['title'])}")
        else:
            post = ex.id(r["id"], "post")
        if post not in ex.seen:
            ex.emit(
                "Position",
                post,
                r["id"],
                name=r["title"],
                organization=ex.id(r["organization"]) if r["organization"] else None,
            )
        ex.things[r["id"]] = post
        ex.emit(
            "Occupancy",
            ex.id(r["id"]),
            r["id"],
            holder=ex.id(r["holder"]),
            post=post,
            status=r["status"],
            startDate=_date(r["start"]),
            endDate=_date(r["end"]),
            summary=summary,
        )


def _charges(ex: _Export, conn: sqlite3.Connection) -> None:
    steps: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for r in _rows(conn, "charge_steps"):
        steps[r["charge"]].append(r)
    for r in _rows(conn, "charges"):
        case = ex.id(r["id"])
        ex.things[r["id"]] = case
        history = "; ".join(
            f"{s['status']} ({s['date']})" if s["date"] else s["status"] for s in steps[r["id"]]
        )
        filed = next(
            (s["date"] for s in steps[r["id"]] if s["status"] in ("charged", "indicted")), None
        )
        ex.emit(
            "CourtCase",
            case,
            r["id"],
            name=ex.title(r["id"]),
            type="criminal",
            status=r["status"],
            fileDate=_date(filed),
            description=r["alleges"],
            summary=f"History: {history}." if history else None,
        )
        ex.document(r["id"], case)
        ex.emit(
            "CourtCaseParty",
            ex.id(r["id"], "defendant"),
            r["id"],
            party=ex.id(r["defendant"]),
            case=case,
            role="defendant",
            status=f"pleads: {r['plea']}" if r["plea"] else None,
        )


def _sentences(ex: _Export, conn: sqlite3.Connection) -> None:
    for r in _rows(conn, "sentences"):
        term = (
            f"{r['term_text']} ({r['penalty']}, {r['term']})" if r["term"] else r["term_text"]
        )  # a sentence of parts: every part in words
        reason = ex.title(r["charge"]) if r["charge"] else None
        approx = _approx_note((r["date"], r["date_approx"]))
        if r["kind"] == "imposed":
            ex.emit(
                "Sanction",
                ex.id(r["id"]),
                r["id"],
                entity=ex.id(r["defendant"]),
                authority=ex.title(r["by"]),
                provisions=term,
                reason=reason,
                date=_date(r["date"]),
                status="imposed",
                summary=" ".join(x for x in (ex.words(r["id"]), approx) if x),
            )
            continue
        # Requested, not imposed: an Event organised by whoever asked for it, never a Sanction.
        event = ex.id(r["id"])
        ex.things[r["id"]] = event
        ex.emit(
            "Event",
            event,
            r["id"],
            name=ex.title(r["id"]),
            summary=f"Sentence requested: {term}" + (f" for {reason}" if reason else "") + ".",
            description=approx,
            organizer=ex.id(r["by"]),
            involved=ex.id(r["defendant"]),
            date=_date(r["date"]),
        )
        ex.document(r["id"], event)


def _event(ex: _Export, record: str, **props: Any) -> None:
    event = ex.id(record)
    ex.things[record] = event
    ex.emit("Event", event, record, name=ex.title(record), **props)
    ex.document(record, event)


def _happenings(ex: _Export, conn: sqlite3.Connection) -> None:
    for r in _rows(conn, "custody"):
        _event(
            ex,
            r["id"],
            summary=f"Custody: {r['status']}.",
            description=_approx_note((r["start"], r["start_approx"]), (r["end"], r["end_approx"])),
            involved=ex.id(r["person"]),
            startDate=_date(r["start"]),
            endDate=_date(r["end"]),
        )
    for r in _rows(conn, "asylum"):
        _event(
            ex,
            r["id"],
            summary=f"Asylum {r['type']}." + (f" {r['description']}" if r["description"] else ""),
            description=_approx_note((r["date"], r["date_approx"])),
            involved=[ex.id(x) for x in (r["person"], r["state"], r["embassy"]) if x],
            organizer=ex.id(r["state"]) if r["type"] in ("granted", "refused") else None,
            date=_date(r["date"]),
        )
    for r in _rows(conn, "diplomatic"):
        _event(
            ex,
            r["id"],
            summary=f"Diplomatic: {r['type']}."
            + (f" {r['description']}" if r["description"] else ""),
            description=_approx_note((r["date"], r["date_approx"])),
            organizer=[ex.id(x) for x in (r["actor"], r["by"]) if x],
            involved=ex.id(r["counterpart"]),
            date=_date(r["date"]),
        )
    for r in _rows(conn, "events"):
        _event(
            ex,
            r["id"],
            summary=r["description"] or f"{r['type'].capitalize()}.",
            description=_approx_note((r["date"], r["date_approx"])),
            involved=[ex.id(x) for x in ex.linked(r["id"], "participants")],
            date=_date(r["date"]),
        )


def _quotes(ex: _Export, conn: sqlite3.Connection) -> None:
    for r in _rows(conn, "quotes"):
        speakers = ex.linked(r["id"], "speakers")
        mentions = ex.linked(r["id"], "mentions")
        about = speakers or mentions  # an unattributed epithet documents whom it names
        if not about:
            continue  # nobody to attach it to: FtM has no free-standing quote
        role = _QUOTE_ROLES.get(r["kind"], r["kind"])
        if not speakers:
            role += " (unattributed)"
        context = r["context"] or ""
        approx = _approx_note((r["date"], r["date_approx"]))
        attributed = " … ".join(
            f"“{words}”"
            for _source, words in dict.fromkeys(ex.cited.get(r["id"], []))
            if words != r["text"]
        )
        if attributed:
            context = f"{context} In the source: {attributed}".strip()
        ex.emit(
            "Documentation",
            ex.id(r["id"]),
            None,
            document=ex.id(r["source"]),
            entity=[ex.id(x) for x in about],
            role=role,
            summary=r["text"],
            description=" ".join(x for x in (context, approx) if x),
            date=_date(r["date"]),
            namesMentioned=[ex.title(x) for x in mentions] if speakers else None,
            proof=ex.id(r["source"]),
        )


def _notes(ex: _Export, conn: sqlite3.Connection) -> None:
    for r in _rows(conn, "notes"):
        about = ex.linked(r["id"], "about")
        things = [ex.things[x] for x in about if x in ex.things]
        others = [f"{ex.id(x)} ({ex.title(x)})" for x in about if x not in ex.things]
        if r["kind"] == "editorial":
            summary = "Editorial note: the analyst's, from outside the sources."
            if r["basis"]:
                summary += f" Basis: {r['basis']}"
        else:
            summary = "Discrepancy inside the source."
        if others:
            summary += " Also about: " + "; ".join(others)
        note = ex.id(r["id"])
        ex.emit(
            "Note",
            note,
            r["id"],
            entity=list(dict.fromkeys(things)),
            description=r["text"],
            summary=summary,
        )
        ex.document(r["id"], note)


def export_lines(path: Path, *, body_text: bool = True) -> Iterator[str]:
    """The entities of :func:`entities` as JSON lines (each ending in a newline)."""
    for entity in entities(path, body_text=body_text):
        yield json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n"
