"""Start-up of this tree against an older one, alternated in one run, beside the one-label app.

    git archive COMMIT dossier | tar -x -C /tmp/before
    uv run python benchmarks/ab.py --before /tmp/before --db DB --runs 7
    uv run python benchmarks/ab.py --before /tmp/before --db DB --before-db OLD_DB  # schema changed

Each run starts, in turn, the one-label Textual app, ``dossier open DB`` from the older tree (its
``dossier`` package first on ``PYTHONPATH``) and ``dossier open DB`` from this one, each a process
of its own through ``probe.py`` as ``run.py`` does. Printed: medians of the time to the first
frame with rows and of the whole process's CPU time, and their ratios to the one-label app, with
the load average before and after (on a shared machine the ratios are the figures to read).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import entry_point, median, start_probe  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="a tree with the old dossier/")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument(
        "--before-db",
        type=Path,
        help="the older tree's dossier of the same case, when the schema changed between them",
    )
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    entry = entry_point()
    kinds = {"one-label app": "base", "before": "before", "after": "after"}
    found: dict[str, list[tuple[float, float]]] = {k: [] for k in kinds}

    def once(kind: str) -> tuple[float, float]:
        saved = os.environ.get("PYTHONPATH")
        try:
            if kind == "before":
                os.environ["PYTHONPATH"] = str(args.before.resolve())
            if kind == "base":
                start = start_probe("start-baseline")
            else:
                db = args.before_db if kind == "before" and args.before_db else args.db
                start = start_probe("start-dossier", db, entry)
        finally:
            if saved is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = saved
        return start.painted, start.cpu

    for kind in kinds.values():  # warm-up, not counted: bytecode cached
        once(kind)
    for i in range(args.runs):
        print(f"run {i + 1}/{args.runs}", file=sys.stderr, flush=True)
        for name, kind in kinds.items():
            found[name].append(once(kind))
    base_wall = median([w for w, _ in found["one-label app"]])
    base_cpu = median([c for _, c in found["one-label app"]])
    print(f"load average {load:.2f} → {os.getloadavg()[0]:.2f}; {args.runs} runs; {args.db.name}")
    print("| program | first frame with rows | ratio | CPU time | ratio |")
    print("|---|---:|---:|---:|---:|")
    for name, values in found.items():
        wall, cpu = median([w for w, _ in values]), median([c for _, c in values])
        print(
            f"| {name} | {wall * 1000:,.0f} ms | {wall / base_wall:.2f}× "
            f"| {cpu * 1000:,.0f} ms | {cpu / base_cpu:.2f}× |"
        )


if __name__ == "__main__":
    main()
