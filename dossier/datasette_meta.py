"""Datasette metadata for a dossier database: what each table and column holds, for people who
open the file in Datasette (or read the JSON to understand the tables).

The descriptions are kept here, keyed by table and column, until the tables' own declarations
carry them; :func:`metadata` takes the tables and columns from the database itself (so a column
added later is simply undescribed, never invented) and attaches what it knows. Data layer: the
standard library only.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from dossier.store import connect_readonly, read_meta

TABLES: dict[str, str] = {
    "meta": "Facts about this dossier: the case's title and summary, versions, hashes of the case "
    "file and its sources, and counts of records.",
    "source": "The articles the dossier cites, with their full text, exactly as saved in seeds/.",
    "entity": "People, groups and organisations (states, legislatures, embassies, courts, media…).",
    "alias": "Every other spelling of a person's or organisation's name. Editorial spellings come "
    "from outside the sources (e.g. the usual spelling of a name the source misspells).",
    "speaker": "Everyone who speaks in the quotes (and a row for the unattributed ones) with every "
    "spelling of their name: a quote's `speaker_keys` hold their `key`s. Searchable "
    "(speaker_fts).",
    "role": "Posts held: a holder, a title, the organisation, or the client of a lawyer (`of`).",
    "charge": "Charges against a defendant, with the latest step of their history.",
    "charge_status": "The history of each charge: charged, indicted, on trial, convicted…",
    "sentence": "Sentences requested (by prosecutors) or imposed (by a court). A requested "
    "sentence is not a sanction.",
    "sentence_part": "The parts of a sentence: a prison term (suspended or not), a "
    "disqualification for a term, a fine or civil damages as an amount in an ISO 4217 currency.",
    "appeal": "Appeals of a verdict (a charge's last verdict step) or of an imposed sentence: "
    "filed, pending, decided.",
    "custody": "Custody of a person: arrested, preventive detention, released on bail…",
    "legal_status": "Legal status beside custody: capture ordered, wanted abroad, sheltering in an "
    "embassy, extradition requested. A later one supersedes an earlier custody status.",
    "asylum": "Asylum sought, intercepted, granted or refused, by a state, often at an embassy.",
    "diplomatic": "Diplomatic events between two states: ambassadors expelled or recalled, "
    "relations severed…",
    "event": "Any other dated happening (impeachment, trial opened…); its participants are in "
    "`event_participants`.",
    "quote": "Direct quotes, reported statements and epithets; speakers and the people a quote "
    "names are in `quote_speakers` and `quote_mentions`.",
    "note": "Notes: discrepancies inside the source, and editorial notes (the analyst's knowledge "
    "from outside the source, with its basis). What a note is about is in `note_about`.",
    "record": "Every record of every kind: its id (a slug, stable across rebuilds), kind, title "
    "and the app's pane that shows it; searchable (record_fts).",
    "listing": "The rows of each pane of the app, in display order, with their cells (the app's "
    "read model).",
    "link": "Every reference from one record to another, named by the field that holds it (`rel`).",
    "evidence": "Every cited span: `exact` is the source's text from `start` to `end` (code "
    "points, half-open), after the W3C TextPosition and TextQuote selectors.",
    "dispute": "Another value stated for a field of a record, by another source or party: the "
    "record is disputed and both values are kept, each with its evidence.",
    "inference": "A field of a record the analyst derived rather than read, with the rule that "
    "derived it (shown as inferred wherever the field is shown).",
    "quote_fts": "Full-text index of the quotes (FTS5, accents and case folded).",
    "record_fts": "Full-text index of every record's title, names and text (FTS5).",
    "speaker_fts": "Full-text index of the speakers' names (FTS5), for `speaker:` searches.",
}

_COMMON: dict[str, str] = {
    "according_to": "Who asserts the record: a person, organisation or state of the dossier; "
    "NULL when the source states it in its own voice.",
    "assertion": "How it is asserted: states, claims, accuses, denies, confirms, declines to "
    "comment.",
    "via": "The quote whose words carry the record (its attribution comes from that speaker).",
    "responds_to": "Another party's claim this answers.",
    "source_voice": "1 when the case file says the source states this in its own voice.",
    "id": "The record's id: a slug, unique across kinds and stable across rebuilds.",
    "description": "A short description, from the source.",
    "evidence": "The cited spans are in the evidence table.",
}

COLUMNS: dict[str, dict[str, str]] = {
    "meta": {"key": "What the value is.", "value": "The value, as text."},
    "source": {
        "title": "The article's headline, or an editorial title when it prints none.",
        "title_editorial": "1 when the title is the analyst's, not printed in the article.",
        "file": "Where the text is saved, relative to the project.",
        "published": "Publication date, an ISO partial date (YYYY, YYYY-MM or YYYY-MM-DD).",
        "language": "The article's language (ISO 639-1).",
        "sha256": "SHA-256 of the saved text, checked at every build.",
        "publisher": "The publisher, when the text states it.",
        "url": "The address the text was read at.",
        "retrieved": "When the text was saved from its address, an ISO partial date.",
        "text": "The article's full text.",
    },
    "entity": {
        "kind": "person or organization.",
        "type": "person or group; for an organisation: state, government, legislature, "
        "prosecution, court, embassy, media, organisation.",
        "name": "The name as the source prints it.",
    },
    "speaker": {
        "key": "The speaker's number in this dossier (0: unattributed); may change when the "
        "case is rebuilt.",
        "entity": "The person or organisation; empty for the unattributed quotes.",
        "names": "Every spelling of the name, as search matches it.",
    },
    "alias": {
        "entity": "The person or organisation.",
        "seq": "Order of the spelling.",
        "alias": "The spelling.",
        "editorial": "1 when the spelling is not in the sources (the analyst's).",
    },
    "role": {
        "holder": "Who holds the post.",
        "title": "The post.",
        "organization": "Where the post is held.",
        "of": "For a lawyer: the client.",
        "status": "current or former.",
    },
    "charge": {
        "defendant": "Who is charged.",
        "offence": "The offence, as the source names it.",
        "alleges": "What the defendant is alleged to have done.",
        "plea": "The defendant's plea, e.g. denies.",
        "status": "The latest step of the charge's history.",
    },
    "charge_status": {
        "charge": "The charge.",
        "seq": "Order in the charge's history.",
        "status": "charged, indicted, on trial, convicted, acquitted, dismissed, time-barred…",
        "offence": "For a conviction: the offence convicted of, when not the one charged.",
        "words": "The step's own cited words.",
        "first_evidence": "The first of the charge's evidence rows (seq) that are this step's.",
        "evidence_count": "How many evidence rows are this step's.",
    },
    "sentence_part": {
        "sentence": "The sentence.",
        "seq": "Order among its parts.",
        "penalty": "prison, disqualification, fine or civil damages.",
        "term": "The term, an ISO 8601 duration (P2Y); for prison and disqualification.",
        "term_text": "The term in words.",
        "suspended": "A suspended prison term.",
        "amount": "A fine or civil damages, in whole units of the currency.",
        "currency": "The amount's ISO 4217 currency code (PEN, USD…).",
        "description": "What it bars from, who pays whom, as the source says it.",
        "projected_end": "When the term would end: projected, never a fact.",
        "words": "The part's own cited words.",
    },
    "appeal": {
        "by": "Who appeals.",
        "charge": "The charge whose verdict is appealed.",
        "sentence": "The imposed sentence appealed.",
        "court": "The court that hears it.",
        "status": "announced, filed, pending or decided.",
        "outcome": "For a decided appeal: upheld, overturned or modified.",
    },
    "legal_status": {
        "person": "Whose status it is.",
        "status": "capture ordered, wanted abroad, sheltering in embassy, extradition requested.",
        "where": "Where it holds, as the source says it (in Peru and abroad).",
        "by": "Who ordered or requested it.",
        "embassy": "The embassy where the person shelters.",
        "state": "The state asked to extradite, or whose embassy it is.",
    },
    "sentence": {
        "defendant": "Who the sentence is for.",
        "kind": "requested (by prosecutors) or imposed (by a court).",
        "by": "Who requested or imposed it.",
        "charge": "The charge it answers.",
        "penalty": "The kind of penalty, e.g. prison.",
        "term": "The term, an ISO 8601 duration (P25Y).",
        "term_text": "The term in words; a sentence of parts: every part in words.",
    },
    "custody": {
        "person": "Who is in custody.",
        "status": "arrested, preventive detention, released on bail, house arrest, released…",
    },
    "asylum": {
        "type": "sought, intercepted, granted, refused or safe conduct.",
        "person": "Who sought or received asylum.",
        "state": "The state asked to grant it.",
        "embassy": "The embassy, when there is one.",
    },
    "diplomatic": {
        "type": "What happened: ambassador expelled or recalled, relations severed…",
        "actor": "The state that acted.",
        "counterpart": "The state it acted towards.",
        "by": "The person who acted for it, when the source says.",
    },
    "event": {
        "type": "What kind of event.",
        "title": "A one-line title.",
        "scheduled": "Announced for a date after its source: not a past fact.",
    },
    "quote": {
        "pos": "Place in date order, from 1: the app's display order. Changes when quotes are "
        "added; link to a quote by its id.",
        "kind": "direct, reported or epithet.",
        "text": "The words quoted, exactly as in the source.",
        "speaker_names": "Display names of the speakers; empty when unattributed.",
        "id": "The quote's id: a slug, stable across rebuilds (link to a quote by it).",
        "source": "The article quoted.",
        "start": "Where the quote starts in the source's text (code points).",
        "end": "Where it ends (code points, half-open).",
        "context": "When and where it was said, as far as the source says.",
        "search_speakers": "Every name and spelling of the speakers (for search).",
        "speaker_keys": "The speakers' keys in `speaker`, each a search token that begins with "
        "the private-use character U+E010 (for `speaker:` searches).",
        "search_mentions": "Every name and spelling of the people the quote names (for search).",
    },
    "note": {
        "kind": "discrepancy (inside the source) or editorial (the analyst's).",
        "text": "The note.",
        "basis": "For an editorial note: what it rests on.",
    },
    "record": {
        "kind": "The kind of record: person, organization, role, charge, sentence, custody, "
        "asylum, diplomatic, event, quote, note, source.",
        "title": "A one-line title.",
        "subtitle": "A second line.",
        "pane": "The pane of the app that shows the record.",
        "date": "The record's date, an ISO partial date.",
        "names": "Every name and spelling of a person or organisation (what search matches).",
        "body": "The record's kind and words (what search matches).",
        "known": "The day (YYYY-MM-DD) the record is known from: the earliest publication of "
        "the sources its evidence cites, a month- or year-dated source counting from the end of "
        "its month or year. `known <= '2025-11-04'` is the case as of that day.",
    },
    "listing": {
        "pane": "The pane.",
        "pos": "Row number in the pane, from 0.",
        "record": "The record the row shows.",
    },
    "link": {
        "src": "The record that refers.",
        "rel": "The field that holds the reference (participants, speakers, about…).",
        "seq": "Order within the field.",
        "dst": "The record referred to.",
    },
    "evidence": {
        "record": "The record the span is evidence for.",
        "seq": "Order of the span.",
        "source": "The source the span is in.",
        "start": "Start of the span in the source's text (code points).",
        "end": "End of the span (code points, half-open).",
        "exact": "The span's text.",
        "prefix": "Up to 32 characters before the span.",
        "suffix": "Up to 32 characters after it.",
    },
}

_DATE_PARTS: dict[str, str] = {
    "precision": "Precision of {base}: year, month or day.",
    "text": "The source's own words for {base}, when they had to be read (e.g. 'Monday').",
    "rule": "How those words were read against the publication date.",
    "approx": "1 when {base} is approximate.",
}
_DATES: dict[str, str] = {
    "date": "When, an ISO partial date (YYYY, YYYY-MM or YYYY-MM-DD) kept at its precision.",
    "start": "Since when, an ISO partial date kept at its precision.",
    "end": "Until when, an ISO partial date kept at its precision.",
    "published": "Publication date, an ISO partial date.",
    "retrieved": "When the text was saved, an ISO partial date.",
}

LABEL_COLUMNS: dict[str, str] = {"entity": "name", "record": "title", "source": "title"}
"""What Datasette shows for a foreign key pointing at these tables."""


def _join_tables() -> dict[str, Any]:
    """The join tables of the kinds registry (``event_participants``...), by name."""
    from dossier import kinds

    return {j.name: j for spec in kinds.specs() for j in spec.join_tables()}


def describe_table(table: str) -> str | None:
    if table in TABLES:
        return TABLES[table]
    join = _join_tables().get(table)
    if join is not None:
        return (
            f"The `{join.field}` of each {join.owner}: one row per reference, in the order the "
            f"case file lists them, with foreign keys to both."
        )
    return None


def describe_column(table: str, column: str) -> str | None:
    """The description of ``table.column``, or None when there is none."""
    own = COLUMNS.get(table, {}).get(column)
    if own is not None:
        return own
    join = _join_tables().get(table)
    if join is not None:
        return {
            join.owner: f"The {join.owner}.",
            "seq": "Place in the list, from 0.",
        }.get(column, f"The record it refers to ({join.field}).")
    if column in _COMMON:
        return _COMMON[column]
    base, _, part = column.rpartition("_")
    if base in _DATES and part in _DATE_PARTS:
        return _DATE_PARTS[part].format(base=base)
    return _DATES.get(column)


def _tables(conn: sqlite3.Connection) -> dict[str, list[str]]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    shadow = {f"{fts}_{part}" for fts in names for part in _FTS_SHADOW}
    return {
        name: [row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')]
        for name in names
        if name not in shadow
    }


_FTS_SHADOW = ("data", "idx", "content", "docsize", "config")


def metadata(path: Path, *, name: str | None = None) -> dict[str, Any]:
    """Datasette metadata for the dossier at ``path``: a title and description from the case, and
    a description of every table and column this module knows. ``name`` is the database's name in
    Datasette (by default the file name without ``.db``)."""
    conn = connect_readonly(path)
    try:
        meta = read_meta(conn)
        tables = _tables(conn)
    finally:
        conn.close()
    out_tables: dict[str, dict[str, Any]] = {}
    for table, columns in tables.items():
        entry: dict[str, Any] = {}
        description = describe_table(table)
        if description is not None:
            entry["description"] = description
        described = {
            column: text
            for column in columns
            if (text := describe_column(table, column)) is not None
        }
        if described:
            entry["columns"] = described
        if table == "listing":
            entry["hidden"] = True  # the app's read model: cells c1…c5 mean a pane's columns
        if table in LABEL_COLUMNS and LABEL_COLUMNS[table] in columns:
            entry["label_column"] = LABEL_COLUMNS[table]
        if table == "quote" and "quote_fts" in tables:
            # Found by Datasette itself once the index is declared content="quote"; said here so
            # that ?_search= works on older dossiers too. The index's rowid is the quote's pos.
            entry["fts_table"] = "quote_fts"
            entry["fts_pk"] = "pos"
        if table == "speaker" and "speaker_fts" in tables:
            entry["fts_table"] = "speaker_fts"
            entry["fts_pk"] = "key"
        if entry:
            out_tables[table] = entry
    title = meta.get("case_title", "")
    summary = meta.get("case_summary", "")
    database = {
        "title": title,
        "description": summary,
        "tables": out_tables,
    }
    return {
        "title": title or "A dossier",
        "description": summary,
        "databases": {name if name is not None else path.stem: database},
    }


def metadata_json(path: Path, *, name: str | None = None) -> str:
    """:func:`metadata` as indented JSON text, ending in a newline."""
    return json.dumps(metadata(path, name=name), ensure_ascii=False, indent=2) + "\n"
