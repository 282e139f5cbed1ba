"""The cache of Textual's parsed stylesheets: the app looks the same parsed or from the cache,
a theme's variables are part of what is kept, and a damaged file is parsed again."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.css.stylesheet import Stylesheet

from dossier.ui import csscache
from dossier.ui.app import DossierApp
from dossier.ui.csscache import CssCache
from tests.conftest import settle


def use(cache: CssCache, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        Stylesheet, "_parse_rules", csscache.through(cache, Stylesheet._parse_rules)
    )


async def screen_of(db: Path, theme: str = "textual-dark") -> str:
    app = DossierApp(db)
    app.theme = theme
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        return app.export_screenshot()


async def test_the_app_looks_the_same_parsed_or_from_the_cache(
    small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = await screen_of(small_db)
    path = tmp_path / "css.pickle"
    with monkeypatch.context() as m:
        first = CssCache(path)
        use(first, m)
        cold = await screen_of(small_db)
        assert first.added > 5 and first.reused == 0
        first.save()
    with monkeypatch.context() as m:
        second = CssCache(path)
        use(second, m)
        warm = await screen_of(small_db)
        assert second.reused > 5 and second.added == 0
    assert plain == cold == warm


async def test_another_theme_is_parsed_with_its_own_colours(
    small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "css.pickle"
    with monkeypatch.context() as m:
        dark = CssCache(path)
        use(dark, m)
        await screen_of(small_db, "textual-dark")
        dark.save()
    plain_light = await screen_of(small_db, "textual-light")
    with monkeypatch.context() as m:
        light = CssCache(path)
        use(light, m)
        cached_light = await screen_of(small_db, "textual-light")
        assert light.added > 0  # the light theme's variables: not the dark one's rules
    assert cached_light == plain_light


def test_the_same_rules_come_back(tmp_path: Path) -> None:
    css = "Static { color: $text; background: $panel; } #a > .b:focus { text-style: bold; }"
    variables = {"text": "white", "panel": "#123456"}
    first = CssCache(tmp_path / "css.pickle")
    sheet = Stylesheet(variables=variables)
    parse = csscache.through(first, Stylesheet._parse_rules)
    rules = parse(sheet, css, ("", "test"))
    first.save()
    second = CssCache(tmp_path / "css.pickle")
    again = csscache.through(second, Stylesheet._parse_rules)(
        Stylesheet(variables=variables), css, ("", "test")
    )
    assert second.reused == 1
    assert [r.css for r in again] == [r.css for r in rules]
    assert "#123456" in "".join(r.css for r in again)


def test_a_damaged_entry_is_parsed_again(tmp_path: Path) -> None:
    css = "Static { color: red; }"
    first = CssCache(tmp_path / "css.pickle")
    csscache.through(first, Stylesheet._parse_rules)(Stylesheet(), css, ("", "test"))
    first.entries = dict.fromkeys(first.entries, b"not a pickle")
    first.save()
    second = CssCache(tmp_path / "css.pickle")
    rules = csscache.through(second, Stylesheet._parse_rules)(Stylesheet(), css, ("", "test"))
    assert second.reused == 0 and second.added == 1
    assert "red" in rules[0].css or "#FF0000" in rules[0].css.upper()


def test_bad_css_is_reported_from_the_cache_as_when_parsed(tmp_path: Path) -> None:
    from textual.css.stylesheet import StylesheetParseError

    def errors(cache: CssCache) -> str:
        sheet = Stylesheet()
        sheet.add_source("Static { colour: red; }", read_from=("x.tcss", ""))
        with pytest.MonkeyPatch.context() as m:
            use(cache, m)
            with pytest.raises(StylesheetParseError) as raised:
                sheet.parse()
        import io

        from rich.console import Console

        out = io.StringIO()
        Console(file=out, width=100, color_system=None).print(raised.value.errors)
        return out.getvalue()

    first = CssCache(tmp_path / "css.pickle")
    parsed = errors(first)
    first.save()
    second = CssCache(tmp_path / "css.pickle")
    assert "colour" in parsed
    assert errors(second) == parsed and second.reused == 1
