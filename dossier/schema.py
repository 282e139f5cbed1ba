"""Facts about the database layout that readers need without importing the ORM.

The app opens dossiers with the standard library's ``sqlite3`` (``import sqlmodel`` costs half a
second), so the schema version and the names it checks live here, apart from :mod:`dossier.models`,
which declares the tables.
"""

from __future__ import annotations

SCHEMA_VERSION = 6
"""Bump when the tables change in a way an older reader cannot read."""

APPLICATION_ID = 0x444F5353  # "DOSS": PRAGMA application_id of every dossier database

REQUIRED_TABLES = frozenset(
    {
        "meta",
        "source",
        "entity",
        "alias",
        "record",
        "listing",
        "link",
        "evidence",
        "quote",
        "quote_fts",
        "record_fts",
        "speaker",
        "speaker_fts",
    }
)

PANES = ("overview", "people", "charges", "sentences", "asylum", "quotes", "sources")
"""The panes of the app, in key order (1–7). ``overview`` lists the timeline."""

FTS_TOKENIZE = "unicode61 remove_diacritics 2"

SPEAKER_MARK = "\ue010"
"""Begins a speaker's search key in ``quote.speaker_keys``: a private-use character, which the
tokenizer keeps in a token and no query text can contain (:mod:`dossier.search` drops private-use
characters from queries), so only a ``speaker:`` filter ever matches a key; it looks for keys in
their own column, since a quote's own words may hold one."""


def speaker_key(number: int) -> str:
    """The search token of speaker ``number`` (``speaker.key``): one FTS5 token."""
    return f"{SPEAKER_MARK}{number}"
