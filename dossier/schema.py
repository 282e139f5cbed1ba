"""Facts about the database layout that readers need without importing the ORM.

The app opens dossiers with the standard library's ``sqlite3`` (``import sqlmodel`` costs half a
second), so the schema version and the names it checks live here, apart from :mod:`dossier.models`.
"""

from __future__ import annotations

SCHEMA_VERSION = 1
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
    }
)

PANES = ("overview", "people", "charges", "sentences", "asylum", "quotes", "sources")
"""The panes of the app, in key order (1–7). ``overview`` lists the timeline."""

FTS_TOKENIZE = "unicode61 remove_diacritics 2"


TABLES_DDL = """
CREATE TABLE source (
    id VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    title_editorial BOOLEAN NOT NULL,
    file VARCHAR NOT NULL,
    published VARCHAR NOT NULL,
    published_precision VARCHAR NOT NULL,
    language VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    publisher VARCHAR,
    url VARCHAR,
    text VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE TABLE entity (
    id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    description VARCHAR,
    PRIMARY KEY (id)
);
CREATE TABLE event (
    id VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    description VARCHAR,
    date VARCHAR,
    date_precision VARCHAR,
    date_text VARCHAR,
    date_rule VARCHAR,
    date_approx BOOLEAN NOT NULL,
    PRIMARY KEY (id)
);
CREATE TABLE note (
    id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    basis VARCHAR,
    PRIMARY KEY (id)
);
CREATE TABLE record (
    id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    subtitle VARCHAR NOT NULL,
    pane VARCHAR NOT NULL,
    date VARCHAR,
    date_precision VARCHAR,
    PRIMARY KEY (id)
);
CREATE TABLE meta (
    "key" VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    PRIMARY KEY ("key")
);
CREATE TABLE alias (
    entity VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    alias VARCHAR NOT NULL,
    editorial BOOLEAN NOT NULL,
    PRIMARY KEY (entity, seq),
    FOREIGN KEY(entity) REFERENCES entity (id)
);
CREATE TABLE role (
    id VARCHAR NOT NULL,
    holder VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    organization VARCHAR,
    "of" VARCHAR,
    status VARCHAR,
    start VARCHAR,
    start_precision VARCHAR,
    start_text VARCHAR,
    start_rule VARCHAR,
    start_approx BOOLEAN NOT NULL,
    "end" VARCHAR,
    end_precision VARCHAR,
    end_text VARCHAR,
    end_rule VARCHAR,
    end_approx BOOLEAN NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(holder) REFERENCES entity (id),
    FOREIGN KEY(organization) REFERENCES entity (id),
    FOREIGN KEY("of") REFERENCES entity (id)
);
CREATE TABLE charge (
    id VARCHAR NOT NULL,
    defendant VARCHAR NOT NULL,
    offence VARCHAR NOT NULL,
    alleges VARCHAR,
    plea VARCHAR,
    status VARCHAR,
    date VARCHAR,
    date_precision VARCHAR,
    PRIMARY KEY (id),
    FOREIGN KEY(defendant) REFERENCES entity (id)
);
CREATE TABLE custody (
    id VARCHAR NOT NULL,
    person VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    start VARCHAR,
    start_precision VARCHAR,
    start_text VARCHAR,
    start_rule VARCHAR,
    start_approx BOOLEAN NOT NULL,
    "end" VARCHAR,
    end_precision VARCHAR,
    end_text VARCHAR,
    end_rule VARCHAR,
    end_approx BOOLEAN NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(person) REFERENCES entity (id)
);
CREATE TABLE asylum (
    id VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    person VARCHAR NOT NULL,
    state VARCHAR NOT NULL,
    embassy VARCHAR,
    description VARCHAR,
    date VARCHAR,
    date_precision VARCHAR,
    date_text VARCHAR,
    date_rule VARCHAR,
    date_approx BOOLEAN NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(person) REFERENCES entity (id),
    FOREIGN KEY(state) REFERENCES entity (id),
    FOREIGN KEY(embassy) REFERENCES entity (id)
);
CREATE TABLE diplomatic (
    id VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    actor VARCHAR NOT NULL,
    counterpart VARCHAR NOT NULL,
    "by" VARCHAR,
    description VARCHAR,
    date VARCHAR,
    date_precision VARCHAR,
    date_text VARCHAR,
    date_rule VARCHAR,
    date_approx BOOLEAN NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(actor) REFERENCES entity (id),
    FOREIGN KEY(counterpart) REFERENCES entity (id),
    FOREIGN KEY("by") REFERENCES entity (id)
);
CREATE TABLE quote (
    pos INTEGER NOT NULL,
    id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    speaker_names VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    context VARCHAR,
    date VARCHAR,
    date_precision VARCHAR,
    date_text VARCHAR,
    date_rule VARCHAR,
    date_approx BOOLEAN NOT NULL,
    search_speakers VARCHAR NOT NULL,
    search_mentions VARCHAR NOT NULL,
    PRIMARY KEY (pos),
    UNIQUE (id),
    FOREIGN KEY(source) REFERENCES source (id)
);
CREATE TABLE listing (
    pane VARCHAR NOT NULL,
    pos INTEGER NOT NULL,
    record VARCHAR NOT NULL,
    c1 VARCHAR NOT NULL,
    c2 VARCHAR NOT NULL,
    c3 VARCHAR NOT NULL,
    c4 VARCHAR NOT NULL,
    c5 VARCHAR NOT NULL,
    PRIMARY KEY (pane, pos),
    FOREIGN KEY(record) REFERENCES record (id)
);
CREATE TABLE link (
    src VARCHAR NOT NULL,
    rel VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    dst VARCHAR NOT NULL,
    PRIMARY KEY (src, rel, seq),
    FOREIGN KEY(src) REFERENCES record (id),
    FOREIGN KEY(dst) REFERENCES record (id)
);
CREATE TABLE evidence (
    record VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    source VARCHAR NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    exact VARCHAR NOT NULL,
    prefix VARCHAR NOT NULL,
    suffix VARCHAR NOT NULL,
    PRIMARY KEY (record, seq),
    FOREIGN KEY(record) REFERENCES record (id),
    FOREIGN KEY(source) REFERENCES source (id)
);
CREATE TABLE charge_status (
    charge VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    status VARCHAR NOT NULL,
    date VARCHAR,
    date_precision VARCHAR,
    date_text VARCHAR,
    date_rule VARCHAR,
    date_approx BOOLEAN NOT NULL,
    PRIMARY KEY (charge, seq),
    FOREIGN KEY(charge) REFERENCES charge (id)
);
CREATE TABLE sentence (
    id VARCHAR NOT NULL,
    defendant VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    "by" VARCHAR NOT NULL,
    charge VARCHAR,
    penalty VARCHAR NOT NULL,
    term VARCHAR NOT NULL,
    term_text VARCHAR NOT NULL,
    date VARCHAR,
    date_precision VARCHAR,
    date_text VARCHAR,
    date_rule VARCHAR,
    date_approx BOOLEAN NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(defendant) REFERENCES entity (id),
    FOREIGN KEY("by") REFERENCES entity (id),
    FOREIGN KEY(charge) REFERENCES charge (id)
);
"""
"""Every table but the FTS5 indexes, as :mod:`dossier.models` declares them (``tests/test_build.py``
checks that the two agree). Written out so that building a dossier needs no ORM: importing
SQLModel and SQLAlchemy took 1.5-2 s of every build."""

INDEXES_DDL = """
CREATE INDEX ix_role_holder ON role (holder);
CREATE INDEX ix_charge_defendant ON charge (defendant);
CREATE INDEX ix_custody_person ON custody (person);
CREATE INDEX ix_asylum_person ON asylum (person);
CREATE INDEX ix_listing_record ON listing (record);
CREATE INDEX ix_link_dst ON link (dst);
CREATE INDEX ix_evidence_source ON evidence (source);
CREATE INDEX ix_sentence_defendant ON sentence (defendant);
"""
"""The secondary indexes: created after the bulk load, which sorts each one once instead of
inserting into it row by row."""
