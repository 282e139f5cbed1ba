"""Inputs no one thought of: spans anywhere in any text, and any string offered as a date."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier import casefile
from dossier.dates import DateError, PartialDate, display_iso
from dossier.errors import CaseFileError
from dossier.evidence import SpanError, locate
from tests.conftest import SMALL_CASE, SMALL_ROOT


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


CASE_TEXT = SMALL_CASE.read_text(encoding="utf-8")
CASE_LINES = CASE_TEXT.splitlines(keepends=True)


@given(data=st.data())
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_edit_of_the_case_file_loads_or_fails_with_one_line(
    data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Delete, duplicate or scribble on lines of a real case file: `load` either succeeds or
    raises CaseFileError naming file:line — never another exception."""
    lines = list(CASE_LINES)
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["delete", "duplicate", "scribble", "truncate"]))
        if action == "delete":
            del lines[at]
        elif action == "duplicate":
            lines.insert(at, lines[at])
        elif action == "scribble":
            junk = data.draw(st.text(min_size=1, max_size=12))
            cut = data.draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + junk + lines[at][cut:]
        else:
            lines[at] = lines[at][: data.draw(st.integers(0, len(lines[at])))] + "\n"
    root = tmp_path_factory.mktemp("fuzz")
    (root / "data").mkdir()
    (root / "seeds").symlink_to(SMALL_ROOT / "seeds")
    case = root / "data" / "case.toml"
    case.write_text("".join(lines), encoding="utf-8", errors="surrogatepass")
    try:
        casefile.load(case)
    except CaseFileError as exc:
        assert "\n" not in exc.message
        assert exc.message.startswith(str(case)) or exc.message.startswith("data/")


@pytest.mark.parametrize(
    ("value", "precision", "approx", "cell"),
    [
        ("2022", "year", False, "2022"),
        ("2022-12", "month", False, "Dec 2022"),
        ("2025-11-03", "day", False, "3 Nov 2025"),
        ("2025-11-03", "day", True, "c. 3 Nov 2025"),
    ],
)
def test_a_table_cell_shows_a_date_short(
    value: str, precision: str, approx: bool, cell: str
) -> None:
    assert PartialDate.parse(value, approx=approx).short() == cell
    assert len(cell) <= 13  # the date columns' width


@given(st.binary(max_size=3000), st.integers(min_value=0, max_value=3000))
def test_sha256_hex_is_sha256_on_either_side_of_its_limit(data: bytes, limit: int) -> None:
    # The staleness check hashes small files without hashlib, longer ones with it: the same
    # digest either way, or every dossier would be rebuilt on the next start.
    import hashlib

    from dossier import sources

    with pytest.MonkeyPatch.context() as m:
        m.setattr(sources, "SMALL_HASH_BYTES", limit)
        assert sources.sha256_hex(data) == hashlib.sha256(data).hexdigest()


def test_month_names_are_english_whatever_the_locale() -> None:
    assert display_iso("2025-11-03", "day") == "3 November 2025"
    assert display_iso("2025-02", "month", short=True) == "Feb 2025"
    assert display_iso("2022-12", "month") == "December 2022"


def test_days_in_month_is_the_calendars() -> None:
    import calendar

    from dossier.dates import days_in_month

    assert all(
        days_in_month(y, m) == calendar.monthrange(y, m)[1]
        for y in range(1, 3001)
        for m in range(1, 13)
    )
