"""Writing a case: adding a source (``dossier source add``), finding the words to cite
(``dossier cite``), and the helpers the checker's messages use to say where a missing span is.

Adding a source copies the file byte-for-byte into the project's ``seeds/`` folder and appends a
``[[sources]]`` record with its sha256 to the case file — appended as text, so that every byte of
the file before it stays as it was, and written atomically. Every bad input (a missing, binary,
non-UTF-8 or too large file, a file or id already in the case, a bad date) is one
:class:`~dossier.errors.DossierError` raised before anything is written.

Citing finds words in every source as the checker's hint compares them — case, accents, quote
marks and runs of whitespace do not matter — and prints the evidence entry that the build will find
exactly once: the source's own words, with the shortest ``prefix`` or ``suffix`` (rounded out to
whole words) that picks the one occurrence meant. Nothing here imports Textual.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

from dossier import sources
from dossier.dates import DateError, parse_iso
from dossier.deferred import dataclass
from dossier.errors import CaseFileError, DossierError, shown

# ---------------------------------------------------------------------------------------------------
# Folding words as the checker's hint does (evidence._fold), keeping where each character came from.

_QUOTES = {"’": "'", "‘": "'", "“": '"', "”": '"'}


def _fold_char(c: str) -> str:
    if c in _QUOTES:
        return _QUOTES[c]
    decomposed = unicodedata.normalize("NFKD", c)
    return "".join(d for d in decomposed if not unicodedata.combining(d)).casefold()


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` lower-cased, without accents, with straight quotes and single spaces, and for
    each of its characters the offset in ``text`` it came from."""
    out: list[str] = []
    where: list[int] = []
    space = False
    for i, c in enumerate(text):
        if c.isspace():
            if not space:
                out.append(" ")
                where.append(i)
            space = True
            continue
        space = False
        for d in _fold_char(c):
            out.append(d)
            where.append(i)
    return "".join(out), where


def _folded_words(words: str) -> str:
    return fold(words)[0].strip()


# ---------------------------------------------------------------------------------------------------
# The sources of a case file, read without checking the rest of it.


@dataclass(frozen=True)
class CaseText:
    """A case file as text and TOML, and the project it belongs to."""

    path: Path
    text: str
    data: dict[str, Any]
    root: Path

    @property
    def default_source(self) -> str | None:
        case = self.data.get("case")
        value = case.get("default_source") if isinstance(case, dict) else None
        return value if isinstance(value, str) else None

    def sources(self) -> list[dict[str, Any]]:
        rows = self.data.get("sources", [])
        return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []

    def ids(self) -> set[str]:
        """Every record id of the file (ids are unique across kinds)."""
        out: set[str] = set()
        for value in self.data.values():
            if isinstance(value, list):
                out.update(r["id"] for r in value if isinstance(r, dict) and "id" in r)
        return {i for i in out if isinstance(i, str)}

    def header_line(self, table: str, index: int) -> int:
        """The line of the ``index``-th ``[[table]]`` header (1 when it cannot be told)."""
        pattern = re.compile(rf"^[ \t]*\[\[[ \t]*{re.escape(table)}[ \t]*\]\]", re.MULTILINE)
        for i, match in enumerate(pattern.finditer(self.text)):
            if i == index:
                return self.text.count("\n", 0, match.start()) + 1
        return 1


def read_case(path: Path) -> CaseText:
    """The case file at ``path``, parsed as TOML only (its records are not checked: citing and
    adding a source work on a case that does not check yet)."""
    from dossier import casefile

    name = shown(path)
    _, text = casefile._read_case_file(path, name)  # the checker's own reading, its messages
    data = casefile._parse_toml(text, name)
    return CaseText(path, text, data, path.resolve().parent.parent)


def source_texts(case: CaseText, only: str | None = None) -> dict[str, str]:
    """Source id → text of every source of the case (or of ``only``), read as the build reads
    them (confined to ``seeds/``, bounded); one line naming the source when one cannot be."""
    name = shown(case.path)
    rows = case.sources()
    ids = [r.get("id") for r in rows]
    if only is not None and only not in ids:  # a unique beginning of an id will do
        starting = [i for i in ids if isinstance(i, str) and i.startswith(only)]
        only = starting[0] if len(starting) == 1 else only
    if only is not None and only not in ids:
        named = [i for i in ids if isinstance(i, str)]
        near = [i for i in named if i.startswith(only)][:1] or difflib.get_close_matches(
            only, named, n=1
        )
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        known = ", ".join(i for i in ids if isinstance(i, str)) or "none"
        raise DossierError(f"{name}: no source {only!r}{hint}; its sources: {known}")
    texts: dict[str, str] = {}
    for index, row in enumerate(rows):
        sid, file = row.get("id"), row.get("file")
        if not isinstance(sid, str) or not isinstance(file, str) or (only and sid != only):
            continue
        where = f"{name}:{case.header_line('sources', index)}: [[sources]] {sid!r}"
        try:
            content = sources.read_source(case.root, file)
        except sources.ReadError as exc:
            raise CaseFileError(f"{where}: {exc.message}") from None
        try:
            texts[sid] = content.decode("utf-8")
        except UnicodeDecodeError:
            raise CaseFileError(f"{where}: source file {file} is not UTF-8 text") from None
    if not texts:
        raise DossierError(f"{name}: the case has no source to cite (dossier source add FILE)")
    return texts


# ---------------------------------------------------------------------------------------------------
# Citing.


def _count(text: str, words: str) -> int:
    n, at = 0, text.find(words)
    while at != -1:
        n += 1
        if n > 1:
            return n
        at = text.find(words, at + 1)
    return n


def _round_suffix(text: str, end: int, n: int) -> int:
    """``n`` characters after ``end``, grown to hold a word and to end where a word ends."""
    while end + n < len(text) and (
        not any(c.isalnum() for c in text[end : end + n])
        or (text[end + n - 1].isalnum() and text[end + n].isalnum())
    ):
        n += 1
    return n


def _round_prefix(text: str, start: int, n: int) -> int:
    """``n`` characters before ``start``, grown to hold a word and to start where one starts."""
    while start - n > 0 and (
        not any(c.isalnum() for c in text[start - n : start])
        or (text[start - n].isalnum() and text[start - n - 1].isalnum())
    ):
        n += 1
    return n


def unique_context(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """The shortest ``prefix`` or ``suffix`` (whole words) that makes ``text[start:end]`` occur
    once in ``text`` as the build looks for it; (None, None) when it occurs once already."""
    exact = text[start:end]
    if _count(text, exact) <= 1:
        return None, None
    longest = max(start, len(text) - end)
    for n in range(1, longest + 1):
        options: list[tuple[int, str | None, str | None]] = []
        if end + n <= len(text):
            s = _round_suffix(text, end, n)
            suffix = text[end : end + s]
            if _count(text, exact + suffix) == 1:
                options.append((s, None, suffix))
        if start - n >= 0:
            p = _round_prefix(text, start, n)
            prefix = text[start - p : start]
            if _count(text, prefix + exact) == 1:
                options.append((p, prefix, None))
        if options:
            _, prefix_found, suffix_found = min(options, key=lambda o: (o[0], o[1] is not None))
            return prefix_found, suffix_found
        p, s = min(n, start), min(n, len(text) - end)
        both = text[start - p : start], text[end : end + s]
        if _count(text, both[0] + exact + both[1]) == 1:
            return both
    return text[:start] or None, text[end:] or None  # pragma: no cover - the whole text is unique


_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b"}


def toml_string(value: str) -> str:
    """A TOML basic string of ``value``; every character a terminal could act on is escaped, so
    the line is safe to print and pastes back as the same words."""
    from dossier.safetext import line

    out = []
    for c in value:
        if c in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[c])
        elif line(c) != c or c in "\u2028\u2029":
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


@dataclass(frozen=True)
class Citation:
    """Words found in a source: where, the source's exact words, and the context that picks
    this occurrence."""

    source: str
    line: int
    start: int
    end: int
    exact: str
    prefix: str | None
    suffix: str | None

    def entry(self) -> str:
        """The evidence item to paste into a record's ``evidence = [ … ]``."""
        parts = [f"quote = {toml_string(self.exact)}", f"source = {toml_string(self.source)}"]
        if self.prefix:
            parts.append(f"prefix = {toml_string(self.prefix)}")
        if self.suffix:
            parts.append(f"suffix = {toml_string(self.suffix)}")
        return "{ " + ", ".join(parts) + " }"


@dataclass(frozen=True)
class Near:
    """The passage of a source most like words that are not in it."""

    source: str
    line: int
    passage: str
    ratio: float


MAX_CITED = 20
"""Occurrences listed per source at most."""


def find_words(texts: Mapping[str, str], words: str) -> list[Citation]:
    """Every occurrence of ``words`` in every source, compared folded (case, accents, quote
    marks and spacing aside), each with the context that makes it unique."""
    needle = _folded_words(words)
    if not needle:
        raise DossierError("cite: give the words to find")
    found: list[Citation] = []
    for sid, text in texts.items():
        folded, where = fold(text)
        at = folded.find(needle)
        n = 0
        while at != -1 and n < MAX_CITED:
            start = where[at]
            end = where[at + len(needle) - 1] + 1
            while end < len(text) and not _fold_char(text[end]) and not text[end].isspace():
                end += 1  # combining marks of the last letter
            prefix, suffix = unique_context(text, start, end)
            line = text.count("\n", 0, start) + 1
            found.append(Citation(sid, line, start, end, text[start:end], prefix, suffix))
            n += 1
            at = folded.find(needle, at + 1)
    return found


def nearest(texts: Mapping[str, str], words: str) -> list[Near]:
    """The passage of each source most like ``words``, best first."""
    from dossier.evidence import closest_passage

    out = []
    for sid, text in texts.items():
        passage = closest_passage(text, words)
        if not passage:
            continue
        ratio = difflib.SequenceMatcher(None, _folded_words(passage), _folded_words(words)).ratio()
        at = text.find(passage)
        line = text.count("\n", 0, at + len(passage) - len(passage.lstrip())) + 1
        out.append(Near(sid, line, " ".join(passage.split()), ratio))
    return sorted(out, key=lambda n: -n.ratio)


class _Finder(Protocol):
    texts: Mapping[str, str]

    def occurrences(self, sid: str, exact: str) -> list[int]: ...


def elsewhere(finder: _Finder, sid: str, words: str, message: str) -> str:
    """The checker's message for words not in the source a span names (``message``), told where
    else they are: verbatim in another source (the ``source =`` forgotten), or the closest
    passage of every source when another's is closer than the named one's."""
    others = [o for o in finder.texts if o != sid and finder.occurrences(o, words)]
    if others:
        names = ", ".join(repr(o) for o in others)
        return (
            f'evidence in {sid!r}: "{words}" is not in that source; found verbatim in source '
            f'{names}: add source = "{others[0]}"'
        )
    ranked = nearest(finder.texts, words)
    if ranked and ranked[0].source != sid:
        best = ranked[0]
        return f'{message}; closer in source {best.source!r} (line {best.line}): "{best.passage}"'
    return message


# ---------------------------------------------------------------------------------------------------
# Where the items of an array value start, for an error naming a history step's own line.


def array_item_lines(text: str, key_line: int) -> list[int]:
    """The line of each item of the array that is the value of the key on line ``key_line``
    (``history = [`` …): strings, comments and nested values are skipped over."""
    lines = text.split("\n")
    if key_line < 1 or key_line > len(lines):
        return []
    offset = sum(len(row) + 1 for row in lines[: key_line - 1])
    at = text.find("=", offset)
    if at < 0:
        return []
    line = key_line
    depth = 0
    expecting = False
    found: list[int] = []
    i = at + 1
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
            continue
        if depth == 0:
            if c == "[":
                depth, expecting = 1, True
            elif not c.isspace():
                return []  # not an array
            i += 1
            continue
        if c == "#":
            nl = text.find("\n", i)
            i = n if nl < 0 else nl
            continue
        if c.isspace():
            i += 1
            continue
        if depth == 1 and c == ",":
            expecting = True
            i += 1
            continue
        if c in "]}":
            depth -= 1
            if depth == 0:
                return found
            i += 1
            continue
        if depth == 1 and expecting:
            found.append(line)
            expecting = False
        if c in "[{":
            depth += 1
            i += 1
            continue
        if c in "\"'":
            end = _string_end(text, i)
            line += text.count("\n", i, end)
            i = end
            continue
        i += 1
    return found


def _string_end(text: str, at: int) -> int:
    """The offset just after the TOML string starting at ``at``."""
    quote = text[at]
    if text.startswith(quote * 3, at):
        close = text.find(quote * 3, at + 3)
        if close < 0:
            return len(text)
        close += 3
        while close < len(text) and text[close] == quote:  # """a"""" ends after its last quote
            close += 1
        return close
    i = at + 1
    while i < len(text) and text[i] not in (quote, "\n"):
        i += 2 if quote == '"' and text[i] == "\\" else 1
    return i + 1


# ---------------------------------------------------------------------------------------------------
# Adding a source.


@dataclass(frozen=True)
class Added:
    """What ``source add`` wrote."""

    id: str
    seed: Path
    case: Path
    line: int
    size: int
    sha256: str
    evidence: str


_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
"""Control characters a text article does not hold (tab, line ends and form feed aside)."""
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
UNKNOWN = "unknown"
"""``--published unknown``: the source states no date (the record then has no ``published``)."""


def slug(text: str, limit: int = 60) -> str:
    """``Peru severs ties with Mexico!`` → ``peru-severs-ties-with-mexico``, cut at a word."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).lower()
    words = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    if len(words) > limit:
        words = words[:limit].rsplit("-", 1)[0] if "-" in words[:limit] else words[:limit]
    return words


def _date_option(name: str, value: str | None, *, unknown: bool = False) -> str | None:
    if value is None or (unknown and value == UNKNOWN):
        return None
    try:
        return parse_iso(value)[0]
    except DateError as exc:
        also = f" or {UNKNOWN!r}" if unknown else ""
        raise DossierError(f"{name}: {exc}{also}") from None


def _read_new_source(file: Path) -> bytes:
    name = shown(file)
    try:
        content = sources.read_regular(file, sources.MAX_SOURCE_BYTES, name)
    except sources.ReadError as exc:
        raise DossierError(exc.message) from None
    if not content.strip():
        raise DossierError(f"{name}: is empty; a source is the article's text")
    if b"\x00" in content:
        raise DossierError(f"{name}: is a binary file (it holds NUL bytes), not text")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise DossierError(
            f"{name}:{line}: is not UTF-8 text (byte {exc.start}); save it as UTF-8 first"
        ) from None
    control = _CONTROL.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        raise DossierError(
            f"{name}:{line}: holds a control character (U+{ord(control.group()):04X}); "
            "is it a text file?"
        )
    return content


def _source_evidence(text: str, title: str) -> tuple[list[str], bool]:
    """The source record's evidence: its title when the text prints it (the title is then the
    source's own), else the words of its first line (the title is editorial)."""
    if title in text:
        start = text.find(title)
        prefix, suffix = unique_context(text, start, start + len(title))
        return [_entry(title, prefix, suffix)], False
    first = next((row.strip() for row in text.splitlines() if row.strip()), "")
    if len(first) > 80:
        first = first[:80].rsplit(" ", 1)[0] or first[:80]
    start = text.find(first)
    prefix, suffix = unique_context(text, start, start + len(first))
    return [_entry(first, prefix, suffix)], True


def _entry(quote: str, prefix: str | None, suffix: str | None) -> str:
    if not prefix and not suffix:
        return toml_string(quote)
    parts = [f"quote = {toml_string(quote)}"]
    if prefix:
        parts.append(f"prefix = {toml_string(prefix)}")
    if suffix:
        parts.append(f"suffix = {toml_string(suffix)}")
    return "{ " + ", ".join(parts) + " }"


def add_source(
    case_path: Path,
    file: Path,
    *,
    title: str,
    published: str,
    retrieved: str | None = None,
    url: str | None = None,
    language: str = "en",
    publisher: str | None = None,
    source_id: str | None = None,
) -> Added:
    """Copy ``file`` into the project's ``seeds/`` and append its ``[[sources]]`` record to the
    case file. Everything is checked first; then the seed is written, then the case file is
    replaced atomically (the seed is removed again if that fails)."""
    from dossier import files

    content = _read_new_source(file)
    title = " ".join(title.split())
    if not title:
        raise DossierError("--title: give the source's title")
    published_iso = _date_option("--published", published, unknown=True)
    retrieved_iso = _date_option("--retrieved", retrieved)
    if published_iso is None and retrieved_iso is None:
        raise DossierError("--published unknown: give --retrieved, the date you saved the text")
    if not _LANGUAGE.match(language):
        raise DossierError(f"--language: {language!r} is not a language code such as en or es")
    if url is not None and (not url.strip() or any(c.isspace() for c in url.strip())):
        raise DossierError(f"--url: {url!r} is not a URL")
    if publisher is not None and not publisher.strip():
        raise DossierError("--publisher: give the publisher's name, or leave the option out")
    case = read_case(case_path)
    case_name = shown(case_path)
    sha = hashlib.sha256(content).hexdigest()
    for index, row in enumerate(case.sources()):
        if row.get("sha256") == sha:
            line = case.header_line("sources", index)
            raise DossierError(
                f"{shown(file)}: already added, as source {row.get('id')!r} "
                f"({case_name}:{line}, same sha256)"
            )
    dated = published_iso or retrieved_iso or ""
    rid = source_id if source_id is not None else f"{slug(title, 48) or 'source'}-{dated}"
    from dossier.casefile import SLUG

    if not SLUG.match(rid):
        raise DossierError(f"--id: {rid!r} is not a slug (lower-case words joined by -)")
    if rid in case.ids():
        raise DossierError(f"--id: {rid!r} is already an id in {case_name}; give another --id")
    seeds = case.root / sources.SEEDS
    seed = seeds / f"{dated}_{slug(title) or 'source'}.txt"
    if seed.exists() or seed.is_symlink():
        raise DossierError(f"{shown(seed)}: already exists; give another --title or move that file")
    text = content.decode("utf-8")
    evidence, editorial = _source_evidence(text, title)
    record = [
        "",
        "[[sources]]",
        f"id = {toml_string(rid)}",
        f"file = {toml_string(f'{sources.SEEDS}/{seed.name}')}",
        f"title = {toml_string(title)}",
    ]
    if editorial:
        record.append("title_editorial = true  # the text does not print this title")
    if published_iso is not None:
        record.append(f"published = {toml_string(published_iso)}")
    else:
        record.append("# published: not stated by the source")
    if retrieved_iso is not None:
        record.append(f"retrieved = {toml_string(retrieved_iso)}")
    record.append(f"language = {toml_string(language)}")
    if publisher is not None:
        record.append(f"publisher = {toml_string(publisher.strip())}")
    if url is not None:
        record.append(f"url = {toml_string(url.strip())}")
    record.append(f"sha256 = {toml_string(sha)}")
    record.append(f"evidence = [{', '.join(evidence)}]  # words of the source that show what it is")
    eol = "\r\n" if "\r\n" in case.text else "\n"
    before = case.text if case.text.endswith("\n") or not case.text else case.text + eol
    after = before + eol.join(record) + eol
    try:
        tomllib.loads(after)
    except tomllib.TOMLDecodeError as exc:  # pragma: no cover - every value above is escaped
        raise DossierError(f"{case_name}: the record would not be valid TOML ({exc})") from None
    line = before.count("\n") + 2
    if not seeds.is_dir():
        if seeds.exists():
            raise DossierError(f"{shown(seeds)}: is not a folder")
        seeds.mkdir()
    files.write_atomic(seed, content)
    try:
        files.write_atomic(case_path, after, force=True)
    except BaseException:
        seed.unlink(missing_ok=True)
        raise
    return Added(rid, seed, case_path, line, len(content), sha, evidence[0])


def cited_spans(citations: Iterable[Citation]) -> dict[str, list[Citation]]:
    out: dict[str, list[Citation]] = {}
    for c in citations:
        out.setdefault(c.source, []).append(c)
    return out
