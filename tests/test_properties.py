"""Inputs no one thought of: spans anywhere in any text, and any string offered as a date."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier.dates import DateError, PartialDate, display_iso
from dossier.evidence import SpanError, locate


@given(st.text(min_size=1, max_size=300), st.data())
@settings(max_examples=300)
def test_locate_finds_any_span_given_enough_context(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    exact = text[start:end]
    span = locate(text, exact, prefix=text[:start], suffix=text[end:])
    assert (span.start, span.end) == (start, end)
    assert text[span.start : span.end] == exact


@given(st.text(max_size=200), st.text(max_size=30))
def test_locate_either_finds_exactly_or_explains(text: str, exact: str) -> None:
    try:
        span = locate(text, exact)
    except SpanError as exc:
        assert str(exc).startswith(("the cited text is empty", f'"{exact}"'))
        assert not exact or text.count(exact) != 1
    else:
        assert text.count(exact) == 1
        assert text[span.start : span.end] == exact


@given(st.text(max_size=20))
def test_any_string_is_a_date_or_a_date_error(value: str) -> None:
    try:
        date = PartialDate.parse(value)
    except DateError as exc:
        assert repr(value) in str(exc)
    else:
        assert date.display()
        assert date.precision in ("year", "month", "day")


@pytest.mark.parametrize(
    ("value", "shown"),
    [("2022", "2022"), ("2022-12", "December 2022"), ("2025-11-03", "3 November 2025")],
)
def test_dates_are_shown_at_their_precision(value: str, shown: str) -> None:
    date = PartialDate.parse(value)
    assert date.display() == shown
    assert display_iso(date.value, date.precision) == shown


def test_approximate_dates_say_so() -> None:
    assert PartialDate.parse("2025-11-03", approx=True).display() == "about 3 November 2025"
