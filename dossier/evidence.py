"""Find a cited span in a source, after the W3C Web Annotation TextQuote and TextPosition selectors.

A citation is the exact text (``exact``), optionally with words just before (``prefix``) or after
(``suffix``) it to choose between several occurrences. The result is a half-open range of code points
``[start, end)`` and the ~32 characters either side, stored so that a reader can find the span again
even in a copy of the source with other offsets.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

CONTEXT = 32


class SpanError(ValueError):
    """A citation that does not point at exactly one place; the message says what was found."""


@dataclass(frozen=True, slots=True)
class Span:
    """A cited span of a source: where it is and its exact words."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def _occurrences(text: str, exact: str) -> list[int]:
    found: list[int] = []
    at = text.find(exact)
    while at != -1:
        found.append(at)
        at = text.find(exact, at + 1)
    return found


GRAM = 8
"""Characters of the key a :class:`SpanFinder` indexes each wanted span under."""
INDEX_FROM = 64
"""Spans wanted in one source from which it is indexed, rather than searched once per span (a
search is one pass over the source in C; the index is one pass in Python, ~40× slower a character,
then a dictionary lookup per span)."""


class SpanFinder:
    """Finds many spans in the same sources in time near-linear in the sources. A source from
    which many spans are wanted is read once, recording where each wanted span's first
    :data:`GRAM` characters occur; the places that share a key are then read once per length of
    the spans under that key, which finds every occurrence of every wanted span (overlaps
    included) by dictionary lookups. (A ``find`` per span was quadratic: 100k spans in one
    2.9 MB source took 241 s.) Spans shorter than the key, spans not wanted up front and sources
    few spans are wanted from are searched as before."""

    def __init__(self, texts: Mapping[str, str], wanted: Iterable[tuple[str, str]]) -> None:
        """``wanted``: (source id, text) of every span and name that will be looked up."""
        self.texts = texts
        spans: dict[str, set[str]] = {}
        for sid, exact in wanted:
            if sid in texts:
                spans.setdefault(sid, set()).add(exact)
        self._found: dict[str, dict[str, list[int]]] = {}
        for sid, exacts in spans.items():
            if len(exacts) >= INDEX_FROM:
                self._found[sid] = _find_all(texts[sid], {e for e in exacts if len(e) >= GRAM})

    def occurrences(self, sid: str, exact: str) -> list[int]:
        found = self._found.get(sid)
        if found is not None and exact in found:
            return found[exact]
        return _occurrences(self.texts[sid], exact)

    def locate(
        self, sid: str, exact: str, prefix: str | None = None, suffix: str | None = None
    ) -> Span:
        text = self.texts[sid]
        if prefix or suffix:  # the span with its context: found once, however often it occurs
            before = prefix or ""
            places = self.occurrences(sid, before + exact + (suffix or ""))
            if len(places) == 1 and exact:
                return locate(text, exact, hits=[places[0] + len(before)])
        return locate(text, exact, prefix, suffix, hits=self.occurrences(sid, exact))

    def printed(self, words: str) -> bool:
        """Whether ``words`` occur in any source."""
        return any(self.occurrences(sid, words) for sid in self.texts)


def _find_all(text: str, exacts: set[str]) -> dict[str, list[int]]:
    """Every offset of each of ``exacts`` (all at least :data:`GRAM` long) in ``text``."""
    by_gram: dict[str, set[str]] = {}
    for exact in exacts:
        by_gram.setdefault(exact[:GRAM], set()).add(exact)
    starts: dict[str, list[int]] = {}
    first = {gram[0] for gram in by_gram}
    for at in range(len(text) - GRAM + 1):
        if text[at] in first:
            gram = text[at : at + GRAM]
            if gram in by_gram:
                starts.setdefault(gram, []).append(at)
    found: dict[str, list[int]] = {exact: [] for exact in exacts}
    for gram, places in starts.items():
        wanted = by_gram[gram]
        for length in sorted({len(e) for e in wanted}):
            for at in places:
                words = text[at : at + length]
                if words in wanted:
                    found[words].append(at)
    return found


def line_of(text: str, offset: int) -> int:
    """1-based line number of a code-point offset."""
    return text.count("\n", 0, offset) + 1


def _fold(s: str) -> str:
    """Lower case, no accents, straight quotes, single spaces: to say *how* a near miss differs."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", s).casefold()


def closest_passage(text: str, exact: str) -> str:
    """The passage of ``text`` most like ``exact``, as long as ``exact``, for an error message."""
    if not text:
        return ""
    width = max(len(exact), 1)
    step = max(width // 4, 1)
    import difflib  # for an error message only

    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(exact)
    last = max(len(text) - width, 0)

    def best_in(starts: range, best_at: int, best_ratio: float) -> tuple[int, float]:
        for at in starts:
            matcher.set_seq1(text[at : at + width])
            if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best_at, best_ratio = at, ratio
        return best_at, best_ratio

    if len(text) <= SCAN_ALL:
        # A coarse pass over windows a quarter-width apart, then every offset around the best one.
        at, ratio = best_in(range(0, last + 1, step), 0, -1.0)
    else:  # a long source: only around the places that print a word of the span
        at, ratio = 0, -1.0
        for start in _word_places(text, exact):
            lo = min(max(start - step, 0), last)
            at, ratio = best_in(range(lo, min(start + step, last) + 1), at, ratio)
        if ratio <= 0:
            return ""
    at, _ = best_in(range(max(at - step, 0), min(at + step, last) + 1), at, ratio)
    return text[at : at + width]


SCAN_ALL = 1 << 20
"""Sources up to this many characters are scanned whole for the closest passage to a span that is
not in them; longer ones only where a word of the span occurs (a scan of 200 MB took minutes)."""
PLACES = 200
"""Occurrences of each word looked around, at most."""


def _word_places(text: str, exact: str) -> Iterable[int]:
    """Where the span would start if one of its three longest words were where ``text`` prints
    it (at most :data:`PLACES` places a word)."""
    words = sorted(set(re.findall(r"\w{3,}", exact)), key=len, reverse=True)[:3]
    for word in words:
        offset = exact.find(word)
        at = text.find(word)
        for _ in range(PLACES):
            if at < 0:
                break
            yield at - offset
            at = text.find(word, at + 1)


def locate(
    text: str,
    exact: str,
    prefix: str | None = None,
    suffix: str | None = None,
    *,
    hits: list[int] | None = None,
) -> Span:
    """Return the one span of ``text`` that is ``exact`` (after ``prefix``, before ``suffix``);
    ``hits``: every offset of ``exact`` in ``text``, when known already (:class:`SpanFinder`).

    Raises :class:`SpanError` when the text is absent, or present more than once with nothing to
    decide between the occurrences.
    """
    if not exact:
        raise SpanError("the cited text is empty")
    every = _occurrences(text, exact) if hits is None else hits
    hits = every
    if prefix:
        hits = [h for h in hits if h >= len(prefix) and text.startswith(prefix, h - len(prefix))]
    if suffix:
        hits = [h for h in hits if text.startswith(suffix, h + len(exact))]
    if not hits:
        if every:
            raise SpanError(
                f'"{exact}" is in the source but never after/before the given prefix/suffix'
            )
        # Compared folded (a copy of the source): only where the words could be, in a long one.
        folded = _fold(text) if len(text) <= SCAN_ALL else ""
        if folded and _fold(exact) in folded:
            hint = " (it differs only in case, accents, quote marks or spacing)"
        else:
            hint = ""
        near = closest_passage(text, exact)
        raise SpanError(f'"{exact}" is not in the source{hint}; closest passage: "{near}"')
    if len(hits) > 1:
        lines = ", ".join(str(line_of(text, h)) for h in hits[:6])
        raise SpanError(
            f'"{exact}" occurs {len(hits)} times in the source (lines {lines}); '
            "add a prefix or suffix to choose one"
        )
    start = hits[0]
    end = start + len(exact)
    return Span(
        start=start,
        end=end,
        exact=exact,
        prefix=text[max(start - CONTEXT, 0) : start],
        suffix=text[end : end + CONTEXT],
    )
