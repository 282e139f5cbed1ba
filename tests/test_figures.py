"""The Overview's key figures, laid out by hand, look exactly as the rich Table grid made them."""

from __future__ import annotations

import pytest
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from dossier.ui.widgets.figures import FigureRows

ROWS: list[tuple[str, str | None]] = [
    ("Betsy Chávez", None),
    ("  charges", "Rebellion (status not stated)"),
    ("  sentence requested", "22 years by Prosecutor's Office of Lima no. 15, " * 4),
    ("Emily Adrián Cahuana Ugarte de los Santos", None),
    ("  a label far wider than the column allows", "short"),
    ("  custody", "arrested since February 2019 — a value with a verylongwordthatmustbefolded" * 2),
]


def _text_rows() -> list[tuple[Text, Text | None]]:
    return [
        (
            Text(label, style="bold" if value is None else "dim"),
            None if value is None else Text(value),
        )
        for label, value in ROWS
    ]


def _grid() -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(no_wrap=True, max_width=22)
    grid.add_column(ratio=1)
    for label, value in _text_rows():
        grid.add_row(label, value if value is not None else "")
    return grid


def _drawn(renderable: RenderableType, width: int) -> str:
    console = Console(width=width, force_terminal=True, color_system="truecolor")
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


@pytest.mark.parametrize("width", [50, 58, 78, 96, 118, 160])
def test_the_same_lines_and_styles_as_a_table_grid(width: int) -> None:
    assert _drawn(FigureRows(_text_rows()), width) == _drawn(_grid(), width)


def test_no_rows_draw_nothing() -> None:
    assert _drawn(FigureRows([]), 80) == ""
