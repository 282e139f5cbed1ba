"""Benchmarks of dossier against their baselines: start-up, search, panes, memory, build, export.

    uv run python benchmarks/run.py                  # everything, at a million quotes (~30 min)
    uv run python benchmarks/run.py --quick          # a tiny size, a minute: the tests run this
    uv run python benchmarks/run.py --only search,panes --work /tmp/bench

Each figure is the median of several runs, each measured side by side with its baseline in the
same run (alternating, in the same conditions), and is printed as a table and written to
``benchmarks/results.md`` (``--out``) with a description of the machine. Every measurement runs
in a process of its own (``probe.py``). Synthetic dossiers come from ``generate.py`` (seeded: the
same sizes give the same dossiers) and are kept in ``--work`` under a name that changes whenever
the generator or the build code does. Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROBE = HERE / "probe.py"
DEFAULT_WORK = HERE / "work"
DEFAULT_OUT = HERE / "results.md"

QUERIES = (
    "de",
    "la",
    "cha*",
    "chavez",
    "zarigüeya",
    "castillo",
    "ca",
    '"de la"',
    '"la de"',
    "presidente de la",
    "chavez -castillo",
    "asilo OR asylum",
    'speaker:"de zela" asilo',
)
"""Rare and very common words, prefixes (``cha*``; ``ca`` is a word being typed), phrases of very
common words that are frequent together (``"de la"``) and rarely together (``"la de"``), an
exclusion, an OR, a speaker filter; ``zarigüeya`` is in 7 quotes."""

CODE = (
    "benchmarks/generate.py",
    "dossier/build.py",
    "dossier/casefile.py",
    "dossier/evidence.py",
    "dossier/models.py",
    "dossier/schema.py",
)
"""What a generated dossier depends on: a change to any of these builds it again."""


@dataclass
class Settings:
    quick: bool
    work: Path
    out: Path
    runs: int
    reps: int
    big: int
    small: int
    build_sizes: tuple[int, ...]
    export_sizes: tuple[int, ...]
    vd: str | None
    only: set[str]
    typed: bool


@dataclass
class Figure:
    name: str
    size: str
    value: float
    unit: str
    baseline: float | None
    baseline_label: str
    goal: str
    met: bool | None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or not self.baseline:
            return None
        return self.value / self.baseline


@dataclass
class Report:
    settings: Settings
    figures: list[Figure] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    datasets: dict[int, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------------
# Helpers


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (nearest rank): with fewer than 20 values, the largest."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:,.1f} ms"


def shown(value: float, unit: str) -> str:
    if unit == "s":
        return ms(value) if value < 1 else f"{value:,.2f} s"
    if unit == "MiB":
        return f"{value:,.0f} MiB"
    return f"{value:,.2f} {unit}"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def probe(*args: str | Path, timeout: float = 3600, env: dict[str, str] | None = None) -> Any:
    """Run ``probe.py ARGS`` with a fresh report file; its JSON report."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        report = Path(fh.name)
    try:
        subprocess.run(
            [sys.executable, str(PROBE), str(args[0]), str(report), *map(str, args[1:])],
            check=True,
            timeout=timeout,
            cwd=ROOT,
            env=process_env(env),
            stdout=subprocess.DEVNULL,
        )
        return json.loads(report.read_text())
    finally:
        report.unlink(missing_ok=True)


HEADLESS_ENV = {
    "TEXTUAL_DRIVER": "textual.drivers.headless_driver:HeadlessDriver",
    "COLUMNS": "120",
    "LINES": "40",
}

PYCACHE = Path(tempfile.gettempdir()) / "dossier-bench-pycache"


def process_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every measured process: bytecode is cached (in a folder of its own,
    outside the source tree), as it is for an installed program; without it every start would
    compile Textual from source. ``PYTHONDONTWRITEBYTECODE`` is dropped for that reason."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return {**env, **(extra or {})}


def timed_process(
    command: list[str],
    env: dict[str, str] | None = None,
    *,
    cwd: Path = ROOT,
    check: bool = True,
    limit: float = 600,
) -> float:
    """Wall time of a whole process, from before it is started to its exit.

    The wait blocks in ``waitpid``: ``subprocess.run(..., timeout=...)`` polls instead, sleeping
    up to 50 ms between looks, which rounded every figure here up to the next 50 ms step. A timer
    kills the process after ``limit`` seconds instead."""
    import threading

    t0 = time.monotonic()
    process = subprocess.Popen(
        command, cwd=cwd, env=process_env(env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    timer = threading.Timer(limit, process.kill)
    timer.start()
    try:
        code = process.wait()
    finally:
        timer.cancel()
    wall = time.monotonic() - t0
    if check and code != 0:
        raise subprocess.CalledProcessError(code, command)
    return wall


@dataclass
class Start:
    painted: float
    """Seconds from before the process started to its first frame with rows (or the label)."""
    exit: float
    """Seconds to the process's exit."""
    cpu: float
    """CPU seconds (user + system) of the whole process: less sensitive than wall time to
    other work on the machine, so it says better which of two programs does more."""
    heavy: list[str]


def start_probe(kind: str, *args: str | Path) -> Start:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        report = Path(fh.name)
    try:
        t0 = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, str(PROBE), kind, str(report), *map(str, args)],
            cwd=ROOT,
            env=process_env(HEADLESS_ENV),
            stdout=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(process.pid, 0)
        t1 = time.monotonic()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise subprocess.CalledProcessError(process.returncode, process.args)
        data = json.loads(report.read_text())
        return Start(
            data["painted"] - t0, t1 - t0, usage.ru_utime + usage.ru_stime, data.get("heavy", [])
        )
    finally:
        report.unlink(missing_ok=True)


def entry_point() -> str:
    """The ``dossier`` console script's ``module:function``, as pyproject.toml declares it."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return str(project["scripts"]["dossier"])


def code_key() -> str:
    digest = hashlib.sha256()
    for name in CODE:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:10]


def dossier_for(settings: Settings, quotes: int, report: Report) -> Path:
    """The synthetic dossier of ``quotes`` quotes, generated and built if not yet in ``work``."""
    settings.work.mkdir(parents=True, exist_ok=True)
    path = settings.work / f"synthetic-{quotes}-{code_key()}.db"
    if not path.exists():
        say(f"generating and building a dossier of {quotes:,} quotes → {path}")
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                "--quotes",
                str(quotes),
                "--out",
                str(path),
            ],
            check=True,
            cwd=ROOT,
        )
        say(f"  done in {time.perf_counter() - t0:,.1f} s")
    if quotes not in report.datasets:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        counts = dict(conn.execute("SELECT kind, count(*) FROM record GROUP BY kind").fetchall())
        conn.close()
        total = sum(counts.values())
        report.datasets[quotes] = (
            f"{total:,} records ({counts.get('quote', 0):,} quotes, "
            f"{counts.get('person', 0):,} people, {counts.get('source', 0):,} sources), "
            f"{path.stat().st_size / 2**20:,.0f} MiB"
        )
    return path


# ---------------------------------------------------------------------------------------------------
# The measurements


def bench_startup(settings: Settings, report: Report) -> None:
    db = dossier_for(settings, settings.big, report)
    base: list[Start] = []
    skeleton: list[Start] = []
    mine: list[Start] = []
    start_probe("start-baseline")  # warm-up, not counted: fills the bytecode cache
    start_probe("start-skeleton")
    start_probe("start-dossier", db, entry_point())
    for i in range(settings.runs):
        say(f"start-up {i + 1}/{settings.runs}")
        base.append(start_probe("start-baseline"))
        skeleton.append(start_probe("start-skeleton"))
        mine.append(start_probe("start-dossier", db, entry_point()))
    heavy = sorted({h for m in mine for h in m.heavy})
    value, baseline = median([m.painted for m in mine]), median([b.painted for b in base])
    floor = median([k.painted for k in skeleton])
    report.figures.append(
        Figure(
            "cold start to the first screen with rows (whole process, headless)",
            f"{settings.big:,} quotes",
            value,
            "s",
            baseline,
            "minimal Textual app, one label",
            "≤ 1.5× baseline",
            value <= 1.5 * baseline,
            note=(
                f"the same widgets as the first screen with no data (top line, eight tabs, "
                f"footer): {ms(floor)}, so the dossier is {value / floor:.2f}× that floor; "
                "heavy packages on the path: "
                + (", ".join(heavy) or "none")
                + f"; to the process's exit: {ms(median([m.exit for m in mine]))} vs "
                f"{ms(median([b.exit for b in base]))}; CPU time of the whole process: "
                f"{ms(median([m.cpu for m in mine]))} vs {ms(median([b.cpu for b in base]))} "
                f"(skeleton {ms(median([k.cpu for k in skeleton]))})"
            ),
        )
    )


def bench_session(settings: Settings, report: Report) -> None:
    """The Quotes pane, a jump to its last row, search as you type, and peak memory."""
    only = settings.only
    db = dossier_for(settings, settings.big, report)
    small = dossier_for(settings, settings.small, report) if "memory" in only else None
    queries = json.dumps(list(QUERIES))
    sessions, small_sessions, baselines = [], [], []
    for i in range(settings.runs):
        say(f"session {i + 1}/{settings.runs}")
        baselines.append(probe("session-baseline")["peak_rss_mib"])
        sessions.append(
            probe("session", db, queries, settings.reps, "1" if settings.typed and i == 0 else "0")
        )
        if small is not None:
            small_sessions.append(probe("session", small, queries, 1, "0")["peak_rss_mib"])
    size = f"{settings.big:,} quotes"
    if "panes" in only:
        count = median([s["count_query"] for s in sessions])
        first = median([s["pane_first_rows"] for s in sessions])
        jump = median([s["pane_jump_last"] for s in sessions])
        report.figures.append(
            Figure("Quotes pane: first rows", size, first, "s", count, "count(*) of the same rows",
                   "≤ 300 ms", first <= 0.3)
        )  # fmt: skip
        report.figures.append(
            Figure("Quotes pane: jump to the last row (G)", size, jump, "s", count,
                   "count(*) of the same rows", "≤ 100 ms", jump <= 0.1)
        )  # fmt: skip
    if "search" in only:
        rows = [
            "| query | matches | shown | p50 | p95 | bare FTS5 ranked p50 | ratio |",
            "|---|---:|---|---:|---:|---:|---:|",
        ]
        worst: tuple[float, float, str] = (0.0, 0.0, "")
        all_ok = True
        bare_all: list[float] = []
        for query in QUERIES:
            ui = [t for s in sessions for t in s["search"][query]["ui"]]
            bare = [t for s in sessions for t in s["search"][query]["bare"]]
            bare_all += bare
            info = sessions[0]["search"][query]
            total, capped = info["shown"]
            label = f"{total:,}+ newest first" if capped else f"{total:,} ranked"
            a, b, c = median(ui), p95(ui), median(bare)
            all_ok &= a <= 0.05 and b <= 0.15
            worst = max(worst, (a, b, query))
            rows.append(
                f"| `{query}` | {info['matches']:,} | {label} | {ms(a)} | {ms(b)} | {ms(c)} "
                f"| {a / c if c else float('nan'):.2f}× |"
            )
        keys = [t for s in sessions for q in QUERIES for t in s["search"][q].get("keys", [])]
        if keys:
            rows.append(
                f"\nTyped key by key ({len(keys)} keystrokes, every prefix of every query, each "
                f"awaited): p50 {ms(median(keys))}, p95 {ms(p95(keys))}, max {ms(max(keys))}."
            )
        report.sections.append(
            f"### Search as you type, {size}\n\nFrom setting the query in the search box to the "
            f"frame that shows its results, {len(sessions)} process(es) × {settings.reps} "
            "repetitions per query; the baseline is `SELECT rowid FROM quote_fts WHERE quote_fts "
            "MATCH ? ORDER BY rank LIMIT 50` for the same FTS5 expression, in the same process.\n\n"
            + "\n".join(rows)
        )
        all_ui = [t for s in sessions for q in QUERIES for t in s["search"][q]["ui"]]
        report.figures.append(
            Figure(
                "search as you type: query to results on screen (every query of the mix)",
                size,
                median(all_ui),
                "s",
                median(bare_all),
                "bare FTS5 MATCH … ORDER BY rank LIMIT 50",
                "p50 ≤ 50 ms, p95 ≤ 150 ms per query",
                all_ok,
                note=f"worst query `{worst[2]}`: p50 {ms(worst[0])}, p95 {ms(worst[1])}",
            )
        )
    if "memory" in only:
        peak, base = median([s["peak_rss_mib"] for s in sessions]), median(baselines)
        grow = median(small_sessions) if small_sessions else None
        report.figures.append(
            Figure(
                "peak memory: dossier open, Quotes pane paged to its end, searched",
                size,
                peak,
                "MiB",
                base,
                "minimal Textual app, same harness",
                "≤ 200 MiB, flat in the dossier's size",
                peak <= 200 and (grow is None or peak - grow <= 20),
                note=(
                    f"the same session on {settings.small:,} quotes: {grow:,.0f} MiB"
                    if grow is not None
                    else ""
                ),
            )
        )


FILTER_CASES: tuple[tuple[str, str, int | None], ...] = (
    ("quotes", "zarigüeya", None),
    ("quotes", "chavez", None),
    ("quotes", "castillo de", None),
    ("quotes", "de", None),
    ("quotes", "", 1),
    ("people", "chavez", None),
    ("overview", "castillo", None),
)
"""(pane, filter, column sorted by): a rare word, a common name, two words, the commonest word
(in most quotes), the Quotes pane sorted by speaker; a name in the People pane and the timeline."""


def bench_filter(settings: Settings, report: Report) -> None:
    """Each pane filter (or sort) to its first rows on screen, beside the unfiltered Quotes pane's
    first rows in the same process."""
    db = dossier_for(settings, settings.big, report)
    cases = json.dumps([list(c) for c in FILTER_CASES])
    runs = [probe("filters", db, cases) for _ in range(settings.runs)]
    base = median([r["unfiltered_first_rows"] for r in runs])
    size = f"{settings.big:,} quotes"
    rows = [
        "| pane | filter / sort | rows kept | first rows on screen | ratio to unfiltered | "
        "bare count + first page |",
        "|---|---|---:|---:|---:|---:|",
    ]
    worst = 0.0
    for n, (pane, text, sort) in enumerate(FILTER_CASES):
        ui = median([r["cases"][n]["ui"] for r in runs])
        bare = median([r["cases"][n]["bare"] for r in runs])
        worst = max(worst, ui)
        what = f"`{text}`" if text else f"sorted by column {sort}"
        rows.append(
            f"| {pane} | {what} | {runs[0]['cases'][n]['rows']:,} | {ms(ui)} | "
            f"{ui / base if base else float('nan'):.2f}× | {ms(bare)} |"
        )
    report.sections.append(
        f"### Filter and sort, {size}\n\nFrom setting a pane's filter (or pressing `s`) to the "
        f"frame that shows the first rows of that view, median of {len(runs)} processes; the "
        "baseline is the unfiltered Quotes pane's first rows (key 6) in the same process. 'Bare' "
        "is the same view's count and first page read through the Reader, no UI.\n\n"
        + "\n".join(rows)
    )
    report.figures.append(
        Figure(
            "pane filter or sort: first rows on screen (worst of the mix)",
            size,
            worst,
            "s",
            base,
            "unfiltered Quotes pane, first rows",
            "first rows ≤ 300 ms",
            worst <= 0.3,
        )
    )


def bench_build(settings: Settings, report: Report) -> None:
    rows = [
        "| quotes | records | build median | check | compile | write | bare executemany | ratio "
        "| database |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for quotes in settings.build_sizes:
        say(f"build of {quotes:,} quotes × {settings.runs}")
        data = probe("build", quotes, settings.runs, settings.work)
        builds, bare = data["build"], data["bare"]
        total = median([b["total"] for b in builds])
        base = median(bare)
        parts = {k: median([b[k] for b in builds]) for k in ("check", "compile", "write")}
        rows.append(
            f"| {quotes:,} | {data['records']:,} | {ms(total)} | {ms(parts['check'])} "
            f"| {ms(parts['compile'])} | {ms(parts['write'])} | {ms(base)} | {total / base:.2f}× "
            f"| {data['db_bytes'] / 2**20:,.0f} MiB |"
        )
        report.figures.append(
            Figure(
                "build, provenance checked (locate every span, compile, write, index, check)",
                f"{data['records']:,} records",
                total,
                "s",
                base,
                "bare executemany of the same rows into the same tables",
                "≤ 3× baseline",
                total <= 3 * base,
            )
        )
    report.sections.append(
        "### Build\n\nIn one process per size: the synthetic case is generated once (not timed), "
        "then built and bare-loaded alternately. The bare load creates the same tables, indexes "
        "and FTS5 tables, inserts the same rows (read back from the built file) with one "
        "`executemany` per table in one transaction, and fills the quote index with FTS5's "
        "`rebuild`.\n\n" + "\n".join(rows)
    )


def bench_export(settings: Settings, report: Report) -> None:
    rows = ["| quotes | records | brief | per record | size |", "|---:|---:|---:|---:|---:|"]
    points: list[tuple[int, float]] = []
    for quotes in settings.export_sizes:
        db = dossier_for(settings, quotes, report)
        say(f"export of {quotes:,} quotes × {settings.runs}")
        data = probe("export", db, settings.runs)
        t = median(data["export"])
        points.append((data["records"], t))
        rows.append(
            f"| {quotes:,} | {data['records']:,} | {ms(t)} | {t / data['records'] * 1e6:,.0f} µs "
            f"| {data['bytes'] / 1024:,.0f} KiB |"
        )
    report.sections.append(
        "### Export of the case brief\n\n`brief_markdown` on each dossier, in a process of its own."
        "\n\n" + "\n".join(rows)
    )
    (n0, t0), (n1, t1) = points[0], points[-1]
    per_small, per_big = t0 / n0, t1 / n1
    linear = per_big <= 1.5 * per_small
    report.figures.append(
        Figure(
            "export of a case brief",
            f"{n1:,} records",
            t1,
            "s",
            None,
            "—",
            "linear; 100k records in ≤ 5 s",
            linear and (n1 < 90_000 or t1 <= 5),
            note=f"{per_small * 1e6:,.0f} µs per record at {n0:,}, {per_big * 1e6:,.0f} µs at {n1:,}",
        )
    )


def bench_preview(settings: Settings, report: Report) -> None:
    """``e`` in the app to the brief preview's first screenful, on the bundled case and at 100k
    quotes; and switching to the brief from pins and back (``p``, ``w``, ``p``)."""
    import shutil

    bundled = settings.work / "bundled-preview" / "castillo-chavez.db"
    bundled.parent.mkdir(parents=True, exist_ok=True)
    if not bundled.exists():
        from dossier.build import ensure_built

        shutil.copy(ensure_built(), bundled)  # a copy: its pins are written beside it
    size = 1_000 if settings.quick else 100_000
    cases = [
        ("bundled case", bundled, 0.3),
        (f"{size:,} quotes", dossier_for(settings, size, report), 1.0),
    ]
    rows = [
        "| dossier | `e` to the first screenful | `e` to the whole brief | `p` (pins, first time) "
        "| `w` back | `p` again |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, db, goal in cases:
        runs = [probe("preview", db, timeout=1800) for _ in range(settings.runs)]
        say(f"preview on the {label} × {settings.runs}")
        first = median([r["first"] for r in runs])
        complete = median([r["complete"] for r in runs])
        pins = median([r["to_pins"] for r in runs])
        whole = median([r["to_whole"] for r in runs])
        again = median([r["to_pins_again"] for r in runs])
        rows.append(
            f"| {label} | {ms(first)} | {ms(complete)} | {ms(pins)} | {ms(whole)} | {ms(again)} |"
        )
        # The baseline: the whole brief in the same process, which the preview waited for before
        # it showed anything.
        report.figures.append(
            Figure("brief preview: `e` to the first screenful", label, first, "s", complete,
                   "`e` to the whole brief", f"≤ {ms(goal)}", first <= goal)
        )  # fmt: skip
        switch = max(whole, again)
        report.figures.append(
            Figure("brief preview: switch whole ↔ pins, nothing changed (`w`, then `p`)", label,
                   switch, "s", None, "—", "≤ 300 ms", switch <= 0.3,
                   note=f"`w` {ms(whole)}, `p` again {ms(again)}; `p` the first time {ms(pins)}")
        )  # fmt: skip
    report.sections.append(
        "### Brief preview\n\nIn the app (120×40, headless), from the key to the first frame "
        "that shows the brief (its top: title, summary; the rest follows under it), and to the "
        "frame after the whole brief is there; three records pinned. Medians of "
        f"{settings.runs} processes.\n\n" + "\n".join(rows)
    )


CLI_FORMS = (
    ("search", ["search", "unfriendly act"]),
    ("check", ["check"]),
    ("pins list", ["pins", "list"]),
    ("export", ["export"]),
)


def bench_cli(settings: Settings, report: Report) -> None:
    """Whole processes of the console script on the bundled case, alternated with
    ``python -c "import rich.console"``."""
    module, function = entry_point().split(":")
    script = f"import sys; from {module} import {function} as main; sys.exit(main())"
    base_cmd = [sys.executable, "-c", "import rich.console"]
    for _, args in CLI_FORMS:  # warm-up, not counted: bytecode, and the bundled build
        subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, env=process_env(),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # fmt: skip
    timed_process(base_cmd)
    base: list[float] = []
    mine: dict[str, list[float]] = {name: [] for name, _ in CLI_FORMS}
    for i in range(settings.runs):
        say(f"cli {i + 1}/{settings.runs}")
        for name, args in CLI_FORMS:
            base.append(timed_process(base_cmd))
            mine[name].append(timed_process([sys.executable, "-c", script, *args]))
    baseline = median(base)
    rows = ["| command | median | ratio |", "|---|---:|---:|"]
    for name, args in CLI_FORMS:
        value = median(mine[name])
        rows.append(f"| `dossier {' '.join(args)}` | {ms(value)} | {value / baseline:.2f}× |")
        report.figures.append(
            Figure(f"CLI `dossier {' '.join(args)}`, whole process", "bundled case", value, "s",
                   baseline, "python -c \"import rich.console\"", "≤ 1.5× baseline",
                   value <= 1.5 * baseline)
        )  # fmt: skip
    report.sections.append(
        "### The command line\n\nWhole processes on the bundled case, each alternated with "
        f'`python -c "import rich.console"` ({ms(baseline)}), medians of {settings.runs}.\n\n'
        + "\n".join(rows)
    )


def bench_visidata(settings: Settings, report: Report) -> None:
    size = settings.build_sizes[0] if settings.quick else 100_000
    vd = settings.vd
    if vd is None:
        report.figures.append(
            Figure("open the same dossier: VisiData vs dossier", f"{size:,} quotes", float("nan"),
                   "s", None, "—", "dossier faster", None, note="visidata not installed (--vd)")
        )  # fmt: skip
        return
    db = dossier_for(settings, size, report)
    vds: list[float] = []
    mine: list[Start] = []
    timed_process([vd, "-b", str(db), "-o", "/dev/null"])  # warm-up, not counted
    start_probe("start-dossier", db, entry_point())
    for i in range(settings.runs):
        say(f"visidata {i + 1}/{settings.runs}")
        vds.append(timed_process([vd, "-b", str(db), "-o", "/dev/null"]))
        mine.append(start_probe("start-dossier", db, entry_point()))
    value, baseline = median([m.exit for m in mine]), median(vds)
    report.figures.append(
        Figure(
            "open the same dossier and exit: dossier (whole process) vs VisiData",
            f"{size:,} quotes",
            value,
            "s",
            baseline,
            f"`vd -b FILE -o /dev/null` ({_vd_version(vd)})",
            "dossier faster",
            value < baseline,
            note=f"dossier's first rows at {ms(median([m.painted for m in mine]))}",
        )
    )


def _vd_version(vd: str) -> str:
    try:
        out = subprocess.run([vd, "--version"], capture_output=True, text=True, timeout=60)
        return out.stdout.strip().split()[-1]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "VisiData"


# ---------------------------------------------------------------------------------------------------
# Report


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = next(
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{mem / 1024:,.0f} GiB RAM"
    except (OSError, StopIteration):
        memory = "RAM unknown"
    versions = []
    for package in ("textual", "rich"):
        try:
            from importlib.metadata import version

            versions.append(f"{package} {version(package)}")
        except Exception:  # pragma: no cover
            pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{', '.join(versions)}; load average {load:.2f} at the start"
    )


def table(report: Report) -> str:
    lines = [
        "| figure | size | median | baseline (median) | ratio | goal | met |",
        "|---|---|---:|---|---:|---|---|",
    ]
    for f in report.figures:
        base = (
            f"{shown(f.baseline, f.unit)}: {f.baseline_label}" if f.baseline else f.baseline_label
        )
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else "—"
        met = {True: "yes", False: "**no**", None: "—"}[f.met]
        value = shown(f.value, f.unit) if f.value == f.value else "—"
        lines.append(f"| {f.name} | {f.size} | {value} | {base} | {ratio} | {f.goal} | {met} |")
    notes = [f"- {f.name}: {f.note}" for f in report.figures if f.note]
    return "\n".join(lines) + ("\n\n" + "\n".join(notes) if notes else "")


def write(report: Report, command: str, started: float, machine_text: str) -> str:
    s = report.settings
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    datasets = "\n".join(f"- {q:,} quotes: {d}" for q, d in sorted(report.datasets.items()))
    text = "\n".join(
        [
            "# Benchmark results",
            "",
            f"`{command}` — {s.runs} run(s) per figure, medians; took "
            f"{(time.monotonic() - started) / 60:,.1f} min.",
            "",
            f"Machine: {machine_text}; load average {load:.2f} at the end.",
            "",
            table(report),
            "",
            "Synthetic dossiers (seeded, `benchmarks/generate.py`):",
            "",
            datasets,
            "",
            *[section + "\n" for section in report.sections],
        ]
    )
    s.out.parent.mkdir(parents=True, exist_ok=True)
    s.out.write_text(text.rstrip() + "\n", encoding="utf-8")
    return text


# ---------------------------------------------------------------------------------------------------


PARTS = (
    "startup",
    "panes",
    "filter",
    "search",
    "memory",
    "build",
    "export",
    "visidata",
    "preview",
    "cli",
)


def parse(argv: Sequence[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run: a smoke test")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="generated dossiers")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the results file")
    parser.add_argument("--runs", type=int, help="runs per figure (default 5; quick: 1)")
    parser.add_argument("--reps", type=int, help="repetitions of each query per run (default 6)")
    parser.add_argument("--quotes", type=int, help="the big dossier (default 1,000,000)")
    parser.add_argument("--only", help=f"comma-separated: {', '.join(PARTS)}")
    parser.add_argument("--vd", help="VisiData's vd (default: found on PATH or in --work)")
    args = parser.parse_args(argv)
    quick = args.quick
    only = set(args.only.split(",")) if args.only else set(PARTS)
    unknown = only - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    vd = args.vd
    if vd is None and not quick:
        import shutil

        vd = shutil.which("vd")
        local = args.work / "vd-venv" / "bin" / "vd"
        if vd is None and local.exists():
            vd = str(local)
    big = args.quotes or (1_000 if quick else 1_000_000)
    return Settings(
        quick=quick,
        work=args.work,
        out=args.out,
        runs=args.runs or (1 if quick else 5),
        reps=args.reps or (1 if quick else 6),
        big=big,
        small=200 if quick else 10_000,
        build_sizes=(200, 1_000) if quick else (100_000, 1_000_000),
        export_sizes=(200, 1_000) if quick else (1_000, 10_000, 100_000),
        vd=vd,
        only=only,
        typed=not quick,
    )


def main(argv: Sequence[str] | None = None) -> None:
    started = time.monotonic()
    settings = parse(argv)
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    machine_text = machine()
    report = Report(settings)
    say(f"machine: {machine_text}")
    only = settings.only
    if "startup" in only:
        bench_startup(settings, report)
    if only & {"panes", "search", "memory"}:
        bench_session(settings, report)
    if "filter" in only:
        bench_filter(settings, report)
    if "build" in only:
        bench_build(settings, report)
    if "export" in only:
        bench_export(settings, report)
    if "visidata" in only:
        bench_visidata(settings, report)
    if "preview" in only:
        bench_preview(settings, report)
    if "cli" in only:
        bench_cli(settings, report)
    write(report, command.strip(), started, machine_text)
    print(table(report))
    say(f"wrote {settings.out}")


if __name__ == "__main__":
    main()
