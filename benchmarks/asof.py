"""What "as of" and "changes since" cost on a synthetic case (dossier.asof), in one process.

    uv run python benchmarks/asof.py --quotes 100000

Generates the synthetic case of ``benchmarks/generate.py`` (about 100 quotes a source, so a
hundred-thousand-quote case has a thousand sources to step through), checks it, then times, median
of ``--runs``:

* ``known``: the known-from date of every record (what the build adds to the ``record`` table),
  beside ``compile``, the build's compile step it runs inside (the baseline);
* ``knowledge``: the same plus each source's place in time and each record's evidence cut into
  parts (done once per app session, when ``[``, ``]`` or ``c`` is first pressed);
* ``snapshot``: restricting the case to what was known as of the middle source and building it
  (the first ``[`` to that source; later visits reuse it), beside ``build``: the whole case's
  compile and write (the baseline);
* ``changes``: what changed since the middle source.
Paging the snapshot is paging a dossier: the same queries as the case now.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate

from dossier import asof
from dossier import build as builder


def timed(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quotes", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    synthetic = generate.generate(generate.Spec(args.quotes, None, generate.PER_SOURCE, 6))
    case = generate.check(synthetic)
    know = asof.Knowledge(case)
    middle = know.points[len(know.points) // 2]
    cutoff = asof.Cutoff.at(middle)
    print(f"{len(case.records):,} records, {len(know.points):,} sources; as of {middle.label}")
    folder = Path(tempfile.mkdtemp(prefix="asof-bench-"))

    def whole() -> None:
        out = folder / "whole.db"
        compiled = builder.compile_case(case)
        builder.write_database(out, lambda conn: builder.fill(conn, compiled))

    def snapshot() -> None:
        for old in folder.glob("*-as-of-*"):
            old.unlink()
        asof.build_snapshot(case, cutoff, folder, know)

    rows = [
        ("compile (baseline)", timed(lambda: builder.compile_case(case), args.runs)),
        ("known (per record)", timed(lambda: asof.record_known(case), args.runs)),
        ("knowledge", timed(lambda: asof.Knowledge(case), args.runs)),
        ("build, whole case (baseline)", timed(whole, args.runs)),
        ("snapshot as of the middle source", timed(snapshot, args.runs)),
        ("changes since the middle source", timed(lambda: asof.changes_since(case, cutoff, know), args.runs)),
    ]  # fmt: skip
    for name, seconds in rows:
        print(f"{name:40} {seconds * 1000:10,.0f} ms")


if __name__ == "__main__":
    main()
