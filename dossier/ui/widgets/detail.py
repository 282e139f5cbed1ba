"""The detail of one record: every field, its links, its notes and its evidence in the source's words."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from dossier.kinds import KIND_LABEL, clip
from dossier.queries import RecordDetail, SourceText
from dossier.safetext import line, safe

EVIDENCE_STYLE = "bold reverse"
SPAN_STYLE = "underline"


class PanelList(OptionList):
    """A list inside the detail panel, as tall as its options: the panel around it scrolls."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]

    def scroll_to_highlight(self, top: bool = False) -> None:
        """Bring the highlighted option into the panel's view."""
        super().scroll_to_highlight(top)
        highlighted = self.highlighted
        panel = self.parent
        if highlighted is None or not isinstance(panel, Widget) or not self.is_mounted:
            return
        if not self.has_focus:
            return  # a new record was shown: its panel starts at the top, not at its lists
        y = self._index_to_line.get(highlighted)
        if y is None:
            return
        region = Region(0, self.virtual_region.y + y, 1, self._heights.get(highlighted, 1))
        panel.scroll_to_region(region, animate=False, immediate=True, force=True)


class LinkList(PanelList):
    """The records linked to the one shown; Enter goes to the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="links.down"),
        Binding("k", "cursor_up", "Up", show=False, id="links.up"),
        Binding("g", "first", "First", show=False, id="links.first"),
        Binding("G", "last", "Last", show=False, id="links.last"),
        Binding("enter", "select", "Go to link", id="links.follow"),
    ]


class FieldList(PanelList):
    """The record's fields, one option each: the highlighted one is what ``y`` copies."""

    fields: tuple[tuple[str, str], ...] = ()

    def show_fields(self, fields: list[tuple[str, str]]) -> None:
        self.fields = tuple(fields)
        self.clear_options()
        width = min(max((len(label) for label, _ in fields), default=0), 18)
        options = []
        for label, value in fields:
            row = Table.grid(padding=(0, 1), expand=True)
            row.add_column(style="bold dim", no_wrap=True, width=width)
            row.add_column(ratio=1, overflow="fold")
            row.add_row(Text(line(label)), Text(safe(value)))
            options.append(Option(row))
        self.add_options(options)
        self.display = bool(fields)
        if fields:
            self.highlighted = 0

    @property
    def selected(self) -> tuple[str, str] | None:
        """The highlighted field: (label, value)."""
        index = self.highlighted
        return self.fields[index] if index is not None and index < len(self.fields) else None


class EvidenceList(PanelList):
    """The record's evidence spans: Enter (or ``o``) opens the highlighted one in its source;
    ``y`` copies it with its citation."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open in source", id="evidence.open"),
    ]


class DetailPanel(VerticalScroll, can_focus=True):
    """Shows a :class:`~dossier.queries.RecordDetail`; for a source, its whole text with the cited
    spans marked."""

    ALLOW_MAXIMIZE = True

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.detail: RecordDetail | None = None
        self.source: SourceText | None = None
        self.span: tuple[int, int] | None = None
        """The cited span of the source shown highlighted (``o`` from a record's evidence)."""
        self._built = False
        self._message = ""

    def compose(self) -> ComposeResult:
        return ()  # the parts are mounted when the panel is first shown: see _build

    def _build(self) -> bool:
        """Mount the panel's parts, the first time it is shown or filled. Each of the app's eight
        panes has a panel, and one is seen at a time: mounting and styling the parts of all
        eight was a third of the work before the first screen. False when the panel itself is
        not mounted yet (it may be drawn before): it is built after the next refresh."""
        if self._built:
            return True
        if not self.is_attached:  # the app is quitting, or the panel was removed
            return False
        if not self.is_mounted:
            self.call_after_refresh(self._build)
            return False
        self._built = True
        self.mount(
            Static(id="detail-head", classes="detail-head"),
            FieldList(id="detail-fields"),
            Static(id="detail-annotation"),
            Static(id="detail-text"),
            Static(
                "Cited spans — Enter goes to the record", id="cited-title", classes="detail-section"
            ),
            LinkList(id="detail-cited"),
            Static(id="detail-notes"),
            Static("Links", id="links-title", classes="detail-section"),
            LinkList(id="detail-links"),
            Static(
                "Evidence — the source's own words", id="evidence-title", classes="detail-section"
            ),
            EvidenceList(id="detail-evidence"),
        )
        self.clear(self._message)
        return True

    def render_lines(self, crop: Region) -> list[Strip]:
        if not self._built:  # first drawn
            self.call_later(self._build)
        return super().render_lines(crop)

    def clear(self, message: str = "") -> None:
        self.detail = None
        self.source = None
        self.span = None
        if not self._built:
            self._message = message  # shown once built
            return
        self.query_one("#detail-head", Static).update(Text(message, style="italic"))
        for wid in ("#detail-notes", "#detail-text"):
            self.query_one(wid, Static).update("")
        self.query_one(FieldList).show_fields([])
        for wid in ("#detail-annotation", "#links-title", "#evidence-title", "#cited-title"):
            self.query_one(wid).display = False
        for lst in self.query(PanelList):
            lst.clear_options()
            lst.display = False

    def show_orphan(self, record: str, annotation: str | None) -> None:
        """A pinned or annotated record that the dossier no longer has."""
        if not self._build():
            if self.is_attached:
                self.call_after_refresh(self.show_orphan, record, annotation)
            return
        self.clear()
        head = Text()
        head.append("ORPHANED", style="bold reverse")
        head.append(f"  ·  {line(record)}\n", style="dim")
        head.append(
            "This record is no longer in the dossier. Your pin and annotation are kept. "
            f"Re-attach them with `dossier pins reattach {line(record)} NEW-ID`, or let them go "
            f"with `dossier pins drop {line(record)}`."
        )
        self.query_one("#detail-head", Static).update(head)
        self._show_annotation(annotation)

    def _show_annotation(self, annotation: str | None) -> None:
        note = self.query_one("#detail-annotation", Static)
        note.display = bool(annotation)
        if annotation:
            out = Text()
            out.append(" YOUR NOTE ", style="bold reverse")
            out.append(" private, the analyst's own — not from the source\n", style="italic")
            out.append(safe(annotation))
            note.update(out)

    def show(
        self,
        detail: RecordDetail,
        source: SourceText | None = None,
        annotation: str | None = None,
        span: tuple[int, int] | None = None,
    ) -> None:
        """``span``: for a source, the cited span to show highlighted and scrolled to."""
        if not self._build():
            if self.is_attached:
                self.call_after_refresh(self.show, detail, source, annotation, span)
            return
        self.detail = detail
        head = Text()
        head.append(line(KIND_LABEL.get(detail.kind, detail.kind)).upper(), style="bold")
        if detail.kind in ("person", "organization"):
            head.append("\n")  # their description is a field just below
        else:
            head.append(f"  ·  {line(detail.subtitle)}\n", style="dim")
        head.append(line(detail.title), style="bold")
        head.append(f"\nid {line(detail.id)}", style="dim")
        self.query_one("#detail-head", Static).update(head)

        self.query_one(FieldList).show_fields([(f.label, f.value) for f in detail.fields])

        self.query_one("#detail-notes", Static).update(self._notes(detail))

        links = self.query_one("#detail-links", LinkList)
        links.clear_options()
        options: list[Option] = []
        seen: set[str] = set()
        for group in detail.links:
            options.append(Option(Text(line(group.label), style="bold dim"), disabled=True))
            for link in group.links:
                label = Text("  ")
                label.append(line(link.title))
                kind = line(KIND_LABEL.get(link.kind, link.kind)).lower()
                label.append(f"  {kind}", style="dim")
                # A record may be linked twice (a lawyer's claim and its participant): option
                # ids are unique, the record is what comes before "#" (ids are slugs).
                oid = link.record if link.record not in seen else f"{link.record}#{len(seen)}"
                seen.add(link.record)
                options.append(Option(label, id=oid))
            if group.more:
                options.append(
                    Option(Text(f"  … and {group.more:,} more", style="dim"), disabled=True)
                )
        links.add_options(options)
        has_links = any(not o.disabled for o in options)
        links.display = has_links
        self.query_one("#links-title").display = has_links
        if has_links:
            links.highlighted = next(i for i, o in enumerate(options) if not o.disabled)

        evidence = self.query_one(EvidenceList)
        evidence.clear_options()
        evidence.add_options(self._evidence(detail))
        evidence.display = bool(detail.evidence)
        if detail.evidence:
            evidence.highlighted = 0
        self.query_one("#evidence-title").display = bool(detail.evidence)
        self.source = source
        self.span = span if source is not None else None
        self.query_one("#detail-text", Static).update(self._source(source, span) if source else "")
        self.query_one("#detail-text").display = source is not None
        self._show_cited(source, span)
        self.query_one("#detail-notes").display = bool(detail.notes)
        self._show_annotation(annotation)
        self.scroll_home(animate=False)
        if source is not None and span is not None:
            self.call_after_refresh(self._scroll_to_span, source, span)

    @staticmethod
    def _notes(detail: RecordDetail) -> RenderableType:
        if not detail.notes:
            return ""
        out = Text()
        out.append("Notes\n", style="bold")
        for note in detail.notes:
            if note.editorial:
                out.append(" EDITORIAL ", style="bold reverse")
                out.append(" the analyst's note, not from the source: ", style="italic")
                out.append(safe(note.text))
                if note.basis:
                    out.append(f" (Basis: {safe(note.basis)})", style="dim")
            else:
                out.append(" DISCREPANCY ", style="bold reverse")
                out.append(" in the source: ", style="italic")
                out.append(safe(note.text))
            out.append("\n")
        return out

    @staticmethod
    def _evidence(detail: RecordDetail) -> list[Option]:
        options = []
        for ev in detail.evidence:
            # The sentence around the span, as the source prints it (its own quote marks
            # included): the cited words stand out, the context is dimmed.
            quote = Text("▌ ", style="dim")
            quote.append(safe(ev.before), style="dim")
            quote.append(safe(ev.exact), style=EVIDENCE_STYLE)
            quote.append(safe(ev.after.rstrip("\n")), style="dim")
            where = Padding(
                Text(
                    f"— {line(ev.source_title)}, line {ev.line}, characters {ev.start}–{ev.end}",
                    style="dim",
                ),
                (0, 0, 0, 3),  # a wrapped line stays under the dash
            )
            options.append(Option(Group(quote, where)))
        return options

    def _show_cited(self, source: SourceText | None, span: tuple[int, int] | None) -> None:
        """For a source: each cited span, then the records that cite it (Enter goes to one)."""
        cited = self.query_one("#detail-cited", LinkList)
        cited.clear_options()
        options: list[Option] = []
        at: int | None = None
        if source is not None:
            text = source.text
            last: tuple[int, int] | None = None
            for n, s in enumerate(source.spans):
                if (s.start, s.end) != last:
                    last = (s.start, s.end)
                    words = clip(line(text[s.start : s.end]), 70)
                    head = Text(f"{s.start}–{s.end} ", style="bold dim")
                    head.append(f"“{words}”", style="dim")
                    options.append(Option(head, disabled=True))
                    if span == last:
                        at = len(options)
                label = Text("  ")
                label.append(line(s.title or s.record))
                label.append(f"  {line(KIND_LABEL.get(s.kind, s.kind)).lower()}", style="dim")
                options.append(Option(label, id=f"{s.record}#{n}"))
        cited.add_options(options)
        cited.display = bool(options)
        self.query_one("#cited-title").display = bool(options)
        if options:
            cited.highlighted = (
                at if at is not None else next(i for i, o in enumerate(options) if not o.disabled)
            )

    def _scroll_to_span(self, source: SourceText, span: tuple[int, int], tries: int = 20) -> None:
        """Scroll the source's text so that ``span`` is near the top of the panel, once the text
        is laid out (a pane shown for the first time takes a few refreshes)."""
        if self.source is not source or not self.is_attached:
            return  # another record is shown now
        text = self.query_one("#detail-text", Static)
        width = text.content_region.width
        if width <= 0 or text.size.height <= 1:
            if tries:
                self.call_after_refresh(self._scroll_to_span, source, span, tries - 1)
            return
        before = Text(safe(source.text[: span[0]]))
        rows = len(before.wrap(self.app.console, width)) if span[0] else 1
        y = max(text.virtual_region.y + 1 + max(rows - 1, 0) - 2, 0)  # + the heading line
        if y > self.max_scroll_y and tries:
            self.call_after_refresh(self._scroll_to_span, source, span, tries - 1)
            return
        self.scroll_to(y=y, animate=False, immediate=True)

    @staticmethod
    def _source(source: SourceText, span: tuple[int, int] | None = None) -> RenderableType:
        head = Text()
        head.append("Text of the source", style="bold")
        head.append(
            f" — {len(source.spans):,} cited spans underlined"
            + (f" (first {len(source.spans):,} shown)" if source.more_spans else ""),
            style="dim",
        )
        body = Text(safe(source.text.rstrip("\n")))
        for cited in source.spans:
            body.stylize(SPAN_STYLE, cited.start, cited.end)
        if span is not None:
            body.stylize(EVIDENCE_STYLE, *span)
        return Group(head, body)
