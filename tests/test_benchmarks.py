"""The benchmark harness runs, at a tiny size, so that it cannot rot; its timings are never
asserted here (they belong to benchmarks/results.md)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from dossier import casefile
from dossier.store import PROJECT_ROOT

BENCHMARKS = PROJECT_ROOT / "benchmarks"

pytestmark = pytest.mark.benchmark


def _generate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", BENCHMARKS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module
    spec.loader.exec_module(module)
    return module


def test_the_synthetic_case_is_deterministic_and_passes_the_loader(tmp_path: Path) -> None:
    generate = _generate()
    first = generate.generate(generate.Spec(300))
    again = generate.generate(generate.Spec(300))
    assert first.sha256 == again.sha256 and first.texts == again.texts
    counts = first.counts
    assert counts["quote"] == 300 and counts["person"] >= 20 and counts["source"] == 3
    # Written as a case file, it loads through the real loader, every check included, into the
    # same records and the same located spans as the benchmark's own provenance check.
    case = casefile.load(generate.write_toml(first, tmp_path))
    checked = generate.check(first)
    assert case.records == checked.records
    assert case.located == checked.located
    assert all(case.located[r.id] for r in case.records)


@pytest.mark.slow
def test_the_harness_runs_and_writes_its_table(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    done = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "run.py"),
            "--quick",
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(out),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert "| figure | size | median | baseline (median) | ratio | goal | met |" in text
    for figure in (
        "cold start to the first screen with rows",
        "Quotes pane: first rows",
        "Quotes pane: jump to the last row",
        "search as you type",
        "peak memory",
        "build, provenance checked",
        "export of a case brief",
        "VisiData",
    ):
        assert figure in text, figure
    assert "Machine:" in text and "| figure |" in done.stdout
