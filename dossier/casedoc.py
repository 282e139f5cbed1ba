"""The case-file reference, generated from the kinds registry (``dossier schema``).

Every kind registered in :mod:`dossier.kinds` is listed with its ``[[table]]``, and every field of
its record class with its type, whether it is required, the values it allows and what it is (the
field's docstring in :mod:`dossier.casefile`, or the kind's own module). Tables inside records
(a charge's history steps, a disputed value, a date, an evidence item) are listed after the kinds.
A kind or field added to the registry appears here with nothing else to edit. The README holds a
copy of the Markdown form between two markers; ``python -m dossier.casedoc README.md`` rewrites it
and ``tests/test_authoring.py`` checks that it is up to date. Nothing here imports Textual.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import sys
import textwrap
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier import casefile, deferred, kinds
from dossier.dates import PartialDate

START = "<!-- dossier schema --format md: start -->"
END = "<!-- dossier schema --format md: end -->"

_HELP = {
    "id": "A stable slug, unique across the file (lower-case words joined by -).",
    "evidence": "Exact spans of a source that state this record (see the evidence item below).",
    "source": "The source of this record's evidence when not the case's default_source.",
    "title": "Its title.",
    "name": "The name as the source prints it.",
    "file": "The text file in seeds/, relative to the project.",
    "published": "Publication date, as far as the source states it.",
    "language": "The text's language (ISO 639-1: en, es).",
    "sha256": "SHA-256 of the file's bytes, checked on every build.",
    "publisher": "Only when the text states it.",
    "url": "Where the text was read.",
    "description": "A short description.",
    "offence": "The offence charged, as the source words it.",
    "alleges": "What the charge alleges.",
    "plea": "The defendant's plea.",
    "history": "The charge's status over time, in order (see the history item below).",
    "holder": "Who holds the post.",
    "organization": "The organisation of the post.",
    "status": "Status.",
    "start": "From when.",
    "end": "Until when.",
    "defendant": "The person charged or sentenced.",
    "kind": "Which kind.",
    "by": "Who requested, imposed or acted.",
    "charge": "The charge it is for.",
    "date": "When it happened.",
    "type": "Which type.",
    "person": "The person it is about.",
    "state": "The state.",
    "embassy": "The embassy.",
    "actor": "The state acting.",
    "counterpart": "The state it acts against.",
    "participants": "Who took part.",
    "context": "Where or when it was said, in words.",
    "basis": "For an editorial note: where the analyst's knowledge comes from.",
    "aliases": "Other spellings the sources print (each must occur in a source).",
    "field": "The field whose value is disputed.",
    "value": "The other value stated.",
}


@dataclass(frozen=True, slots=True)
class FieldDoc:
    name: str
    type: str
    required: str
    values: tuple[str, ...]
    help: str


@dataclass(frozen=True, slots=True)
class TableDoc:
    heading: str
    intro: str
    fields: tuple[FieldDoc, ...]


_DOCS: dict[type[Any], dict[str, str]] = {}


def _docstrings(cls: type[Any]) -> dict[str, str]:
    """Attribute docstrings (a string just after a field) of a class and its bases."""
    if cls in _DOCS:
        return _DOCS[cls]
    out: dict[str, str] = _DOCS.setdefault(cls, {})
    for klass in reversed(cls.__mro__):
        if klass is object:
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError, SyntaxError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for stmt, after in zip(body, [*body[1:], None], strict=True):
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                out[stmt.target.id] = " ".join(after.value.value.split())
    return out


def _class_doc(cls: type[Any]) -> str:
    doc = cls.__doc__ or ""
    if doc.startswith(cls.__name__ + "("):  # the dataclass's generated signature
        return ""
    return " ".join(doc.split())


def _type_name(hint: Any, f: dataclasses.Field[Any]) -> str:
    hint, _ = kinds._strip_optional(hint)
    refs = f.metadata.get("ref")
    if f.metadata.get("pairs"):
        return 'table of field = "rule"'
    if f.metadata.get("choices"):
        return "one of the values"
    if f.name == "source" and hint is str:
        return "id (source)"
    if refs is not None:
        target = " or ".join(refs) if refs else "any record"
        return f"list of ids ({target})" if typing.get_origin(hint) is tuple else f"id ({target})"
    if hint is PartialDate:
        return "date"
    if hint is str:
        return "text"
    if hint is bool:
        return "true/false"
    if hint is int:
        return "integer"
    if hint is float:
        return "number"
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        if item is str:
            return "list of text"
        if item is casefile.Evidence:
            return "list of evidence items"
        if deferred.is_dataclass(item):
            return f"list of {f.name} items"
    return getattr(hint, "__name__", str(hint))


def _required(f: dataclasses.Field[Any]) -> str:
    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
        return "required"
    if f.default in (None, (), False) or f.default is dataclasses.MISSING:
        return "optional"
    return f"optional (default {f.default!r})".replace("'", '"')


def fields_of(cls: type[Any], skip: frozenset[str] = frozenset()) -> tuple[FieldDoc, ...]:
    """The documented fields of a record (or item) class, in declaration order."""
    hints = typing.get_type_hints(cls)
    docs = _docstrings(cls)
    out = []
    for f in deferred.fields(cls):
        if f.name in skip:
            continue
        help_text = f.metadata.get("doc") or docs.get(f.name) or _HELP.get(f.name, "")
        out.append(
            FieldDoc(
                f.name,
                _type_name(hints[f.name], f),
                _required(f),
                tuple(f.metadata.get("choices", ())),
                help_text,
            )
        )
    return tuple(out)


_BASE = frozenset(f.name for f in deferred.fields(casefile.Record))


def _items(cls: type[Any]) -> dict[str, type[Any]]:
    """Field name → the dataclass of its list items (history → StatusStep), evidence aside."""
    hints = typing.get_type_hints(cls)
    out = {}
    for f in deferred.fields(cls):
        hint, _ = kinds._strip_optional(hints[f.name])
        if typing.get_origin(hint) is tuple:
            item = typing.get_args(hint)[0]
            if (
                isinstance(item, type)
                and deferred.is_dataclass(item)
                and item is not casefile.Evidence
            ):
                out[f.name] = item
    return out


def tables() -> list[TableDoc]:
    """The reference, table by table: the top, every kind in registry order, the items."""
    out = [
        TableDoc(
            "[case]",
            "The case itself, once at the top (after format = 1).",
            (
                FieldDoc("id", "text", "required", (), _HELP["id"]),
                FieldDoc("title", "text", "required", (), "The case's title."),
                FieldDoc(
                    "summary",
                    "text, or [[case.summary]] tables",
                    "required",
                    (),
                    "What the case is: a paragraph, or dated statements, each a [[case.summary]]"
                    " table with text, evidence (and source), shown as of a date.",
                ),
                FieldDoc(
                    "default_source",
                    "id (source)",
                    "optional",
                    (),
                    "The source of every span that names none.",
                ),
            ),
        ),
        TableDoc(
            "Fields every record takes",
            "Besides its own fields, below. A source and a note do not take the fields saying "
            "who says so (according_to … disputed).",
            fields_of(casefile.Record),
        ),
    ]
    items: dict[str, type[Any]] = {}
    for spec in kinds.specs():
        cls = spec.record
        intro = f"{spec.label}: one table per record. {_class_doc(cls)}".strip()
        if spec.pane != "overview":
            intro += f" Shown in the {spec.pane.capitalize()} pane."
        else:
            intro += " Shown on the Overview's timeline."
        out.append(TableDoc(f"[[{cls.TABLE}]]", intro, fields_of(cls, _BASE)))
        for name, item in _items(cls).items():
            items.setdefault(name, item)
    for name, item in _items(casefile.Record).items():
        items.setdefault(name, item)
    for name, item in items.items():
        out.append(
            TableDoc(
                f"{name} items",
                f"Each item of a record's {name} = [ … ]: an inline table. {_class_doc(item)}",
                fields_of(item),
            )
        )
    out.append(
        TableDoc(
            "evidence items",
            'A string of the source\'s exact words, or an inline table (dossier cite "words" '
            "prints one).",
            fields_of(casefile.Evidence),
        )
    )
    out.append(
        TableDoc(
            "dates",
            'An ISO partial date ("2022", "2022-12", "2025-11-03"), or an inline table saying '
            "how the source's words were read.",
            (
                FieldDoc("value", "text", "required", (), "YYYY, YYYY-MM or YYYY-MM-DD."),
                FieldDoc(
                    "text", "text", "optional", (), "The source's words (inside a cited span)."
                ),
                FieldDoc(
                    "rule", "text", "optional", (), "How they were read against the publication."
                ),
                FieldDoc("approx", "true/false", "optional", (), "Approximate (about)."),
            ),
        )
    )
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown() -> str:
    """The reference as Markdown: one table of fields per kind."""
    lines = [
        "Generated from the kinds registry by `uv run dossier schema --format md`.",
        "",
    ]
    for table in tables():
        lines += [f"#### `{table.heading}`" if "[" in table.heading else f"#### {table.heading}"]
        lines += ["", table.intro, "", "| field | type | required | values | what it is |"]
        lines += ["|---|---|---|---|---|"]
        for f in table.fields:
            values = ", ".join(f"`{v}`" for v in f.values)
            lines.append(
                f"| `{f.name}` | {_cell(f.type)} | {f.required} | {_cell(values)} | "
                f"{_cell(f.help.replace('``', '`'))} |"
            )
        lines.append("")
    return "\n".join(lines)


def text() -> str:
    """The reference as plain text, for a terminal."""
    lines: list[str] = []
    for table in tables():
        lines += [
            table.heading,
            *textwrap.wrap(table.intro, 78, initial_indent="  ", subsequent_indent="  "),
        ]
        for f in table.fields:
            lines.append(f"  {f.name} ({f.type}, {f.required})")
            for words in (f"one of: {', '.join(f.values)}" if f.values else "", f.help):
                if words:
                    lines += textwrap.wrap(
                        words.replace("``", "`"),
                        78,
                        initial_indent="      ",
                        subsequent_indent="      ",
                        break_on_hyphens=False,
                    )
        lines.append("")
    return "\n".join(lines)


def readme_section(readme: str) -> str | None:
    """The copy the README holds between the markers, or None without them."""
    start, end = readme.find(START), readme.find(END)
    if start < 0 or end < start:
        return None
    return readme[start + len(START) : end].strip("\n")


def with_reference(readme: str) -> str:
    """The README with its copy of the reference replaced by the current one."""
    start, end = readme.find(START), readme.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the README has no {START} … {END} markers")
    return readme[: start + len(START)] + "\n" + markdown().strip("\n") + "\n" + readme[end:]


def main(argv: list[str]) -> int:
    """``python -m dossier.casedoc README.md``: rewrite the README's copy."""
    if len(argv) != 1:
        print("usage: python -m dossier.casedoc README.md", file=sys.stderr)
        return 2
    path = Path(argv[0])
    path.write_text(with_reference(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
