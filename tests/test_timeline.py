"""The timeline's data (lanes, spans, marks) and its two pictures for the brief (SVG, Mermaid)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dossier import timeline as tl
from dossier.brief import brief_html, brief_markdown
from dossier.queries import Reader
from dossier.timeline import TimelineItem
from tests.timeline_case import build_case

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def ruiz_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_case(tmp_path_factory.mktemp("ruiz"))


@pytest.fixture(scope="module")
def ruiz(ruiz_db: Path) -> tl.Timeline:
    reader = Reader(ruiz_db)
    try:
        return tl.build(reader.timeline_items(), reader.meta.get("as_of"))
    finally:
        reader.close()


def lane(timeline: tl.Timeline, name: str) -> tl.Lane:
    return next(lane for lane in timeline.lanes if lane.name == name)


def day(text: str) -> int:
    return tl.extent(text)[0]


# ---------------------------------------------------------------------------------------------------
# The data


def test_lanes_spans_and_marks_of_a_case_with_a_verdict(ruiz: tl.Timeline) -> None:
    assert [lane.name for lane in ruiz.lanes] == [
        "The case",
        "Ana Ruiz",
        "Luis [bold]Mora: #1; 100%",
    ]
    ruiz_lane = lane(ruiz, "Ana Ruiz")
    spans = {s.item.label: s for s in ruiz_lane.spans}
    # The trial runs from its month to the verdict's day; detention, with no end, to the as-of date.
    trial = spans["on trial"]
    assert (trial.start, trial.start_sure) == (day("2021-05-01"), day("2021-05-31"))
    assert trial.end == day("2024-03-14") and not trial.open
    detention = spans["preventive detention"]
    assert detention.open and detention.end == ruiz.as_of == day("2024-03-20")
    # A year-precise term covers its whole first and last years.
    term = spans["Minister"]
    assert (term.start, term.start_sure) == (day("2016-01-01"), day("2016-12-31"))
    assert (term.end_sure, term.end) == (day("2018-01-01"), day("2018-12-31"))
    # Spans that overlap in time are stacked; the verdict and sentence are marks on its day.
    assert ruiz_lane.span_rows == 2 and trial.row != detention.row
    assert {m.item.label for m in ruiz_lane.marks} >= {"convicted", "12 years imposed", "arrested"}
    # The embassy stay ends with the safe conduct.
    stay = lane(ruiz, "Luis [bold]Mora: #1; 100%").spans[0]
    assert (tl.day_text(stay.start), tl.day_text(stay.end)) == ("2023-02-02", "2023-05-09")


def test_a_date_after_the_as_of_date_is_projected_and_an_undated_event_is_not_placed(
    ruiz: tl.Timeline,
) -> None:
    case = lane(ruiz, "The case")
    hearing = next(m for m in case.marks if m.item.record == "appeal-hearing")
    assert hearing.projected and not hearing.precise
    assert (hearing.first, hearing.last) == (day("2026-06-01"), day("2026-06-30"))
    assert all(not m.projected for lane in ruiz.lanes for m in lane.marks if m is not hearing)
    assert [i.record for i in ruiz.undated] == ["lawyer-file"]
    assert all(st.item.record != "lawyer-file" for st in ruiz.stops)
    # Moving between marks goes in time order.
    starts = [st.start for st in ruiz.stops]
    assert starts == sorted(starts)


def test_an_empty_timeline() -> None:
    empty = tl.build([], None)
    assert empty.empty and empty.lanes == () and empty.undated == ()
    only_undated = tl.build([TimelineItem("x", "event", "x", "x", "", "", None)], "2024")
    assert only_undated.empty and len(only_undated.undated) == 1
    assert tl.brief_blocks(only_undated)[-1] == "No dated events to chart."


# ---------------------------------------------------------------------------------------------------
# SVG


def test_svg_is_valid_xml_with_no_script_and_data_as_text(ruiz: tl.Timeline) -> None:
    svg = tl.render_svg(ruiz)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    tags = {el.tag.removeprefix(SVG_NS) for el in root.iter()}
    assert not tags & {"script", "foreignObject", "image", "a", "use"}
    assert "href=" not in svg.replace('fill="url(#tl-hatch)"', "")
    texts = [el.text for el in root.iter(f"{SVG_NS}text")]
    # clipped to the label column at a whole word, as plain text
    assert "Luis [bold]Mora: #1…" in texts
    titles = [el.text or "" for el in root.iter(f"{SVG_NS}title")]
    assert any("Ana Ruiz: 12 years sentence imposed by a court" in t for t in titles)


def test_svg_survives_hostile_names() -> None:
    hostile = "</svg><script>alert(1)</script> & \x00\x1b[31m \ud800"
    item = TimelineItem("r", "event", hostile, hostile, "p", hostile, "2024-01-02")
    svg = tl.render_svg(tl.build([item], "2024-02"))
    root = ET.fromstring(svg)
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    assert "\x1b" not in svg and "\x00" not in svg


def test_html_brief_carries_the_svg_inline(ruiz_db: Path) -> None:
    page = brief_html(Reader(ruiz_db))
    assert page.count("<svg ") == 1 and '<figure class="timeline">' in page
    svg = page[page.index("<svg ") : page.index("</svg>") + 6]
    ET.fromstring(svg)
    assert "\x02" not in page and "<script" not in page
    try:
        import html5lib  # type: ignore[import-untyped]
    except ImportError:  # not a dependency: checked where it is installed
        return
    html5lib.HTMLParser(strict=True).parse(page)


# ---------------------------------------------------------------------------------------------------
# Mermaid


def test_mermaid_names_cannot_break_the_chart() -> None:
    for name in ("a: b", "x; y", "#1", "100%%", "<b>", "section x", "title y", "```", "a\nb"):
        safe = tl.mermaid_text(name)
        assert not set(safe) & set(":;#%<>`\n"), (name, safe)
        assert not safe.lower().startswith(("section", "title"))
    item = TimelineItem("r", "event", "ends: here; #x %% c", "t", "p", "Mora: #1", "2024-01-02")
    text = tl.render_mermaid(tl.build([item], "2024-02"))
    tasks = [line for line in text.splitlines() if line.startswith("    ") and " :" in line]
    assert len(tasks) == 1 and tasks[0].count(":") == 1


def test_markdown_brief_has_a_mermaid_gantt(ruiz_db: Path) -> None:
    text = brief_markdown(Reader(ruiz_db))
    block = text.split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    assert block.startswith("gantt\n")
    assert "    section Luis [bold]Mora∶ ＃1， 100％" in block
    assert "    preventive detention (ongoing) :active," in block
    assert "(projected)" in block
    assert "1 item with no date stated is not placed" in text


def mmdc() -> tuple[str, str] | None:
    """The mermaid-cli and a Chromium to drive it, or None."""
    cache = Path(os.environ.get("DOSSIER_MERMAID_DIR", Path.home() / ".cache" / "dossier-mermaid"))
    found = shutil.which("mmdc") or str(cache / "node_modules" / ".bin" / "mmdc")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not Path(found).exists() or not chromium or not shutil.which("node"):
        return None
    return found, chromium


@pytest.mark.parametrize("case", ["ruiz", "bundled"])
def test_the_mermaid_block_renders(
    case: str, ruiz_db: Path, bundled_db: Path, tmp_path: Path
) -> None:
    tools = mmdc()
    if tools is None:
        pytest.skip(
            "needs node, Chromium and @mermaid-js/mermaid-cli in ~/.cache/dossier-mermaid "
            "(.ci/run installs them)"
        )
    exe, chromium = tools
    text = brief_markdown(Reader(ruiz_db if case == "ruiz" else bundled_db))
    block = text.split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    (tmp_path / "t.mmd").write_text(block, encoding="utf-8")
    (tmp_path / "p.json").write_text(
        json.dumps({"executablePath": chromium, "args": ["--no-sandbox"]}), encoding="utf-8"
    )
    done = subprocess.run(
        [exe, "-q", "-i", "t.mmd", "-o", "t.svg", "-p", "p.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    svg = (tmp_path / "t.svg").read_text(encoding="utf-8")
    assert "Syntax error" not in svg
    root = ET.fromstring(svg)
    texts = " ".join("".join(el.itertext()) for el in root.iter() if el.tag.endswith("text"))
    assert "on trial" in texts


def test_a_big_timeline_is_cut_to_its_latest_items_in_the_brief() -> None:
    items = [
        TimelineItem(
            f"r{i}", "event", f"e{i}", f"E{i}", f"p{i % 7}", f"P{i % 7}", f"{2000 + i % 25}"
        )
        for i in range(3000)
    ]
    big = tl.build(items, "2024")
    blocks = tl.brief_blocks(big)
    assert "The chart shows the latest 200 of 3,000." in blocks[1]
    assert blocks[-1].count(" :done, t") + blocks[-1].count(" :t") == 200
    html_blocks = tl.brief_blocks(big, html=True)
    assert "latest 2,000 of 3,000" in html_blocks[1] and html_blocks[-1] == tl.HTML_PLACEHOLDER
    page = tl.insert_svg(f"<p>{tl.HTML_PLACEHOLDER}</p>", big)
    assert page.count('<g class="mark">') == 2000
    ET.fromstring(page[page.index("<svg") : page.index("</svg>") + 6])
