"""The everyday commands of this tree against an older one, alternated in one run, beside
``python -c "import rich.console"``.

    git worktree add /tmp/before COMMIT && (cd /tmp/before && uv sync --locked)
    uv run python benchmarks/ab_cli.py --before /tmp/before --runs 11

Each round runs, in turn, the baseline, then each command from the older tree and from this
one (each tree with its own virtual environment and its own bundled dossier, built by a first
run that is not counted), whole processes through the console script's entry point, bytecode
cached as ``run.py`` caches it. Printed: the median wall time of each, its ratio to the
baseline's, and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import ROOT, median, timed_process  # noqa: E402

SCRIPT = "import sys; from dossier.entry import main; sys.exit(main())"


def forms(out: Path) -> dict[str, list[str]]:
    return {
        "search unfriendly act": ["search", "unfriendly act"],
        "check": ["check"],
        "pins list": ["pins", "list"],
        f"export --out {out.name} --force": ["export", "--out", str(out), "--force"],
    }


def once(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed_process(command, cwd=cwd, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="an older tree, synced")
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": ROOT}
    out = Path(tempfile.mkdtemp(prefix="dossier-ab-cli-")) / "brief.md"
    base = [sys.executable, "-c", "import rich.console"]
    jobs = [
        (name, tree, [str(path / ".venv" / "bin" / "python"), "-c", SCRIPT, *argv], path)
        for name, argv in forms(out).items()
        for tree, path in trees.items()
    ]
    for _, _, command, cwd in jobs:  # warm-up, not counted: bytecode, each bundled build
        once(command, cwd)
    once(base, ROOT)
    load = os.getloadavg()[0]
    baseline: list[float] = []
    found: dict[tuple[str, str], list[float]] = {(n, t): [] for n, t, _, _ in jobs}
    for i in range(args.runs):
        print(f"round {i + 1}/{args.runs}", file=sys.stderr)
        for name, tree, command, cwd in jobs:
            baseline.append(once(base, ROOT)[0])
            found[(name, tree)].append(once(command, cwd)[0])
    b = median(baseline)
    print(f"load average {load:.2f} → {os.getloadavg()[0]:.2f}; {args.runs} rounds, alternated")
    print('| command | before | after | `python -c "import rich.console"` | before | after |')
    print("|---|---:|---:|---:|---:|---:|")
    for name in forms(out):
        old, new = median(found[(name, "before")]), median(found[(name, "after")])
        print(f"| `dossier {name}` | {old * 1000:,.0f} ms | {new * 1000:,.0f} ms "
              f"| {b * 1000:,.0f} ms | {old / b:.2f}× | {new / b:.2f}× |")  # fmt: skip


if __name__ == "__main__":
    main()
