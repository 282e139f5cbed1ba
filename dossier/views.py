"""A pane's rows filtered and sorted, paged in SQL: what :meth:`Reader.page` reads for a view.

A :class:`View` is what the user asked of a pane: a filter (:class:`dossier.filtering.Filter`)
and a column to sort by, ascending or descending. Every page is one query with ``LIMIT``/``OFFSET``
over the view's rows; the row count is a second one. How each column sorts is said once here
(:data:`SORT_KEYS`): a date column sorts by the date (the pane's own order when it is in date
order), a text column by its text, case-insensitively; a column that cannot be sorted fast at a
million rows says why instead (:data:`UNSORTABLE`).

Standard library only; no Textual.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import field
from functools import partial
from typing import TYPE_CHECKING

from dossier.deferred import dataclass
from dossier.filtering import Filter, fold, search_text
from dossier.kinds import clip
from dossier.queries import (
    PAGE_ROWS,
    PANE_COLUMNS,
    Reader,
    RowData,
    _date_cell,
    rows_in_one_step,
)

if TYPE_CHECKING:
    from dossier.workset import SqlWorkset

MAX_PINNED = 10_000
"""Pins read at most to filter or sort the Pinned pane."""

POS = "pos"
"""Sort key: the pane's own order (a date column of a pane in date order)."""

_RECORD_DATE = "(SELECT r.date FROM record r WHERE r.id = l.record)"

SORT_KEYS: dict[str, tuple[str | None, ...]] = {
    "overview": (POS, "l.c2 COLLATE NOCASE", "l.c3 COLLATE NOCASE"),
    "people": tuple(f"l.c{i} COLLATE NOCASE" for i in range(1, 5)),
    "charges": (
        "l.c1 COLLATE NOCASE",
        "l.c2 COLLATE NOCASE",
        "l.c3 COLLATE NOCASE",
        # Since: the date of the charge's last step, as the cell shows it.
        "(SELECT s.date FROM charge_status s WHERE s.charge = l.record ORDER BY s.seq DESC"
        " LIMIT 1)",
        "l.c5 COLLATE NOCASE",
    ),
    "sentences": (
        "l.c1 COLLATE NOCASE",
        "l.c2 COLLATE NOCASE",
        "l.c3 COLLATE NOCASE",
        "l.c4 COLLATE NOCASE",
        _RECORD_DATE,
    ),
    "asylum": (POS, "l.c2 COLLATE NOCASE", "l.c3 COLLATE NOCASE", "l.c4 COLLATE NOCASE"),
    "sources": ("l.c1 COLLATE NOCASE", "l.c2 COLLATE NOCASE", _RECORD_DATE),
    # The Quotes pane is the quote table, in date order (pos); speaker and kind are indexed.
    "quotes": (POS, "q.speaker_names", "q.kind", None),
    "pinned": (POS, "title", "kind", "author", "note"),
}
"""Pane → for each column, the SQL it sorts by (``None``: it cannot be sorted)."""

QUOTE_INDEXES = {"q.speaker_names": "ix_quote_speaker", "q.kind": "ix_quote_kind"}
"""The quotes' sort keys and their indexes (models.Quote)."""

UNSORTABLE = {
    ("quotes", 3): "The quotes cannot be sorted by their words: filter them instead (f).",
}


@dataclass(frozen=True)
class View:
    """A pane's filter and sort, as the user set them (the default: every row, in pane order)."""

    filter: Filter = field(default_factory=lambda: Filter(""))
    sort: int | None = None
    """The column sorted by (index into the pane's columns), or None: the pane's own order."""
    descending: bool = False

    @property
    def active(self) -> bool:
        return self.filter.active or self.sort is not None

    def next_sort(self, column: int) -> View:
        """``s`` on ``column``: ascending, then descending, then the pane's own order again."""
        if self.sort != column:
            return View(self.filter, column, False)
        if not self.descending:
            return View(self.filter, column, True)
        return View(self.filter, None, False)

    def filtered(self, text: str) -> View:
        return View(Filter(text), self.sort, self.descending)


def sortable(pane: str, column: int) -> str | None:
    """Why ``pane`` cannot be sorted by ``column``, or None when it can."""
    keys = SORT_KEYS.get(pane, ())
    if 0 <= column < len(keys) and keys[column] is not None:
        return None
    return UNSORTABLE.get((pane, column), "This column cannot be sorted.")


def _order(pane: str, view: View, pos: str) -> str:
    """SQL ``ORDER BY`` terms for ``view`` (ties: the pane's own order)."""
    direction = " DESC" if view.descending else ""
    key = SORT_KEYS[pane][view.sort] if view.sort is not None else POS
    if key is None or key == POS:
        return f"{pos}{direction}"
    # Ties in the same direction: reversed is the whole order reversed, and an index on
    # (key, pos) serves both ways.
    return f"{key}{direction}, {pos}{direction}"


def count(conn: sqlite3.Connection, pane: str, view: View, cap: int | None = None) -> int:
    """How many rows of ``pane`` the view keeps (of the quotes, at most ``cap``)."""
    if pane == "quotes":
        expression = view.filter.fts_expression()
        if expression is None:
            return int(conn.execute("SELECT count(*) FROM quote").fetchone()[0])
        limit = "" if cap is None else f" LIMIT {int(cap)}"
        return int(
            conn.execute(
                "SELECT count(*) FROM (SELECT rowid FROM quote_fts WHERE quote_fts MATCH ?"
                f"{limit})",
                (expression,),
            ).fetchone()[0]
        )
    where, params = view.filter.listing_sql()
    return int(
        conn.execute(
            f"SELECT count(*) FROM listing l WHERE l.pane = ? AND {where}", (pane, *params)
        ).fetchone()[0]
    )


def page(conn: sqlite3.Connection, pane: str, view: View, offset: int, limit: int) -> list[RowData]:
    """Rows ``offset`` to ``offset + limit`` of ``pane`` as ``view`` shows them; each row's
    ``pos`` is its place in the view."""
    if pane == "quotes":
        return _quote_page(conn, view, offset, limit)
    return _listing_page(conn, pane, view, offset, limit)[1]


def _listing_page(
    conn: sqlite3.Connection, pane: str, view: View, offset: int, limit: int
) -> tuple[int, list[RowData]]:
    """The rows of a page of a record pane, and how many rows the view keeps: one scan of the
    pane's rows (the count is a window over it), the record table joined to the page only."""
    where, params = view.filter.listing_sql()
    rows = rows_in_one_step(
        conn,
        "SELECT json_group_array(json_array(n, p.record, r.kind, c1, c2, c3, c4, c5, total)) "
        "FROM (SELECT row_number() OVER () AS n, * FROM "
        "(SELECT l.record AS record, l.c1 AS c1, l.c2 AS c2, l.c3 AS c3, l.c4 AS c4, "
        "l.c5 AS c5, count(*) OVER () AS total FROM listing l "
        f"WHERE l.pane = ? AND {where} ORDER BY {_order(pane, view, 'l.pos')} LIMIT ? OFFSET ?)"
        ") p JOIN record r ON r.id = p.record",
        (pane, *params, limit, offset),
    )
    ncols = len(PANE_COLUMNS.get(pane, ()))
    total = int(rows[0][8]) if rows else -1
    return total, [RowData(offset + r[0] - 1, r[1], r[2], tuple(r[3 : 3 + ncols])) for r in rows]


def _quote_page(conn: sqlite3.Connection, view: View, offset: int, limit: int) -> list[RowData]:
    expression = view.filter.fts_expression()
    order = _order("quotes", view, "q.pos")
    start = offset
    params: tuple[object, ...]
    if expression is None:
        source, params = "quote q", ()
    elif view.sort is None or SORT_KEYS["quotes"][view.sort] == POS:
        # In date order (either way), FTS5 lists its matches by rowid (= pos) and stops at the
        # page: the page costs the same whatever the number of matches.
        direction = " DESC" if view.descending else ""
        source = (
            "quote q WHERE q.pos IN (SELECT rowid FROM quote_fts WHERE quote_fts MATCH ? "
            f"ORDER BY rowid{direction} LIMIT ? OFFSET ?)"
        )
        params = (expression, limit, offset)
        offset = 0
    else:
        # Sorted by speaker or kind: few matches are sorted; many are found by walking the
        # column's index in order until a page of them is met (sorting 100,000 matches of
        # "chavez" took 1.3 s at a million quotes, the walk 0.2 s).
        few = count(conn, "quotes", view, cap=COUNT_CAP + 1) <= COUNT_CAP
        key = SORT_KEYS["quotes"][view.sort]
        index = "" if few or key not in QUOTE_INDEXES else f" INDEXED BY {QUOTE_INDEXES[key]}"
        source = (
            f"quote q{index} WHERE q.pos IN (SELECT rowid FROM quote_fts WHERE quote_fts MATCH ?)"
        )
        params = (expression,)
    rows = rows_in_one_step(
        conn,
        "SELECT json_group_array(json_array(n, id, date, date_precision, date_approx, "
        "coalesce(speaker_names, 'unattributed'), kind, text)) FROM "
        "(SELECT row_number() OVER () AS n, * FROM "
        f"(SELECT q.* FROM {source} ORDER BY {order} LIMIT ? OFFSET ?))",
        (*params, limit, offset),
    )
    return [
        RowData(
            start + n - 1,
            qid,
            "quote",
            (_date_cell(date, precision, approx), speakers, kind, clip(text)),
        )
        for n, qid, date, precision, approx, speakers, kind, text in rows
    ]


Loader = Callable[[int, int], list[RowData]]


@dataclass(frozen=True)
class ViewRows:
    """What a pane shows for a view: a loader of its pages, its row count and its first page."""

    loader: Loader
    total: int
    first: list[RowData]
    count: Callable[[], int] | None = None
    """When ``total`` is only "at least" (a filter keeping more than :data:`COUNT_CAP` quotes):
    counts them all, to be called after the first rows are on screen."""


COUNT_CAP = 1000
"""A Quotes filter is counted up to this many before its first rows are shown; beyond, the exact
count follows (counting 860,000 matches of ``de`` takes longer than the first page)."""


def rows_for(reader: Reader, pane: str, view: View) -> ViewRows:
    """What a pane shows for ``view`` (read in a worker)."""
    loader: Loader = partial(reader.view_page, pane, view)
    if pane == "quotes" and view.filter.active:
        total = reader.view_count(pane, view, cap=COUNT_CAP + 1)
        first = loader(0, PAGE_ROWS) if total else []
        if total > COUNT_CAP:
            return ViewRows(loader, total, first, partial(reader.view_count, pane, view))
        return ViewRows(loader, total, first)
    if pane in SORT_KEYS and pane not in ("quotes", "pinned"):
        with reader.connection() as conn:
            total, first = _listing_page(conn, pane, view, 0, PAGE_ROWS)
        if total >= 0:
            return ViewRows(loader, total, first)
    total = reader.view_count(pane, view)
    return ViewRows(loader, total, loader(0, PAGE_ROWS) if total else [])


def pinned_rows_for(
    workset: SqlWorkset, reader: Reader, author: str | None, view: View
) -> ViewRows:
    """The Pinned pane for ``view``. Pins are few and live in the working set, not the dossier:
    they are read whole, then filtered by their cells and sorted here."""
    from dossier.workset import pinned_rows

    total = workset.count(author)
    rows = pinned_rows(workset, reader, 0, min(total, MAX_PINNED), author=author)
    if view.filter.active:
        wanted = [f" {w}" for w in view.filter.words]
        texts = [search_text(row.cells) for row in rows]
        rows = [
            row for row, text in zip(rows, texts, strict=True) if all(w in text for w in wanted)
        ]
    keys = SORT_KEYS["pinned"]
    if view.sort is not None and keys[view.sort] not in (None, POS):
        rows.sort(key=lambda row: fold(row.cells[view.sort or 0]), reverse=view.descending)
    elif view.descending:
        rows.reverse()
    kept = [RowData(n, r.record, r.kind, r.cells) for n, r in enumerate(rows)]

    def loader(offset: int, limit: int) -> list[RowData]:
        return kept[offset : offset + limit]

    return ViewRows(loader, len(kept), kept[:PAGE_ROWS])


def lane_spellings(reader: Reader) -> dict[str, str]:
    """Person, organisation or state id → every name and spelling of it, folded: what the
    timeline's ``person:`` filter matches (:mod:`dossier.timeline_filter`)."""
    with reader.connection() as conn:
        return {
            eid: search_text([name, spellings or ""])
            for eid, name, spellings in conn.execute(
                "SELECT e.id, e.name, (SELECT group_concat(a.alias, ' ') FROM alias a "
                "WHERE a.entity = e.id) FROM entity e"
            )
        }
