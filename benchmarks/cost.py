"""Cost in proportion (issue 18): the two cases that were out of proportion, generated and timed.

    uv run python benchmarks/cost.py make-spans DIR [--records 100000]   # (a) one 2.9 MB source
    uv run python benchmarks/cost.py make-big DIR [--mb 200]             # (b) one 200 MB source
    uv run python benchmarks/cost.py time DIR build|check [--runs 3]
    uv run python benchmarks/cost.py compare DIR build|check --before OLD_CHECKOUT [--runs 3]

(a) is a case of ``--records`` records in one source of 2.9 MB (at 100k): half are quotes of a
sentence of their own, half events that cite the words "The court agreed." printed after every
sentence, told apart by a ``prefix`` (the sentence before). Before, every span was a ``find`` over
the whole source, and each occurrence's prefix was tested on a copy of the text before it.
(b) is a case of 10 quotes in one source of ``--mb`` megabytes of prose: before, the coverage
summary looked at every character in Python and kept every uncited word.

``time`` runs ``dossier build`` or ``dossier check`` on ``DIR/data/case.toml`` in a fresh process
each run, and prints the median wall time and the largest peak RSS. ``compare`` times the same
work inside the process (start-up left out), alternating this checkout with an older one
(``git archive COMMIT dossier | tar -x -C OLD``), and prints both medians and their ratio. The source of (b) is larger
than the 50 MiB a source may be (``dossier.sources.MAX_SOURCE_BYTES``): for this measurement the
child process raises that limit to 256 MiB before it runs the command. Run it with
``PYTHONPATH=OLD_CHECKOUT`` to time an older version of dossier the same way.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

WORDS = [
    "the",
    "court",
    "heard",
    "that",
    "prosecutors",
    "asked",
    "for",
    "years",
    "in",
    "prison",
    "while",
    "the",
    "defence",
    "said",
    "asylum",
    "embassy",
    "minister",
    "congress",
    "decree",
    "rupture",
    "relations",
    "diplomatic",
    "sentence",
    "trial",
]

CHILD = """
import sys
try:
    from dossier import sources
    sources.MAX_SOURCE_BYTES = 256 * 1024 * 1024
except ImportError:
    pass
from dossier.cli import main
sys.argv = ["dossier", *sys.argv[1:]]
main()
"""


def _case(folder: Path, source: bytes, quotes: list[str], extra: str = "") -> Path:
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "seeds").mkdir(parents=True, exist_ok=True)
    (folder / "seeds" / "one.txt").write_bytes(source)
    sha = hashlib.sha256(source).hexdigest()
    out = [
        "format = 1\n",
        '[case]\nid = "cost"\ntitle = "Cost"\nsummary = "A benchmark."\ndefault_source = "one"\n',
        '[[sources]]\nid = "one"\nfile = "seeds/one.txt"\ntitle = "One"\npublished = "2025"\n'
        f'language = "en"\nsha256 = "{sha}"\nevidence = ["Published 2025"]\n',
    ]
    for number, text in enumerate(quotes, start=1):
        out.append(f'[[quotes]]\nid = "q-{number}"\nkind = "direct"\ntext = {json.dumps(text)}\n')
    out.append(extra)
    case = folder / "data" / "case.toml"
    case.write_text("".join(out), encoding="utf-8")
    return case


TIMED = """
import sys, time
from pathlib import Path
try:
    from dossier import sources
    sources.MAX_SOURCE_BYTES = 256 * 1024 * 1024
except ImportError:
    pass
from dossier import build, casefile, coverage
what, case, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
started = time.perf_counter()
loaded = build.build(case, out) if what == "build" else casefile.load(case)
coverage.summary(loaded)
print(time.perf_counter() - started)
"""


def compare(folder: Path, what: str, before: Path, runs: int) -> None:
    """``what`` (build or check, with the coverage summary) timed inside the process, by this
    checkout and by the one at ``before``, alternately; medians and their ratio."""
    case = folder / "data" / "case.toml"
    times: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(runs):
        for label in ("before", "after"):
            env = dict(os.environ)
            if label == "before":
                env["PYTHONPATH"] = str(before)
            done = subprocess.run(
                [sys.executable, "-c", TIMED, what, str(case), str(folder / "data" / "c.db")],
                capture_output=True,
                text=True,
                env=env,
                check=True,
                cwd=folder,  # not this checkout, which `-c` would put first on sys.path
            )
            times[label].append(float(done.stdout.strip().splitlines()[-1]))
            print(f"  {label}: {times[label][-1]:.2f} s", flush=True)
    b, a = statistics.median(times["before"]), statistics.median(times["after"])
    print(f"{what} {case}: before {b:.2f} s, after {a:.2f} s (medians of {runs}), {b / a:.1f}x")


def make_spans(folder: Path, records: int) -> Path:
    """Half the records quote a sentence of their own; the other half cite words the source
    prints after every sentence, told apart by the sentence before them (a ``prefix``)."""
    rng = random.Random(18)
    sentences = [
        f"Item {n:06d} says {rng.choice(WORDS)} {rng.choice(WORDS)}." for n in range(records // 2)
    ]
    source = ("Published 2025\n" + "".join(f"{s} {AGREED}\n" for s in sentences)).encode()
    events = [
        f'[[events]]\nid = "e-{n}"\ntype = "ruling"\ntitle = "Ruling {n}"\n'
        f"evidence = [{{ quote = {json.dumps(AGREED)}, prefix = {json.dumps(s + ' ')} }}]\n"
        for n, s in enumerate(sentences)
    ]
    return _case(folder, source, sentences, extra="".join(events))


AGREED = "The court agreed."


def make_big(folder: Path, mb: int) -> Path:
    rng = random.Random(18)
    line = " ".join(rng.choice(WORDS) for _ in range(2000)) + "\n"  # ~14 KB of prose
    body_lines = []
    size = 0
    n = 0
    while size < mb * 1_000_000:
        text = f"Paragraph {n:07d}: {line}"
        body_lines.append(text)
        size += len(text)
        n += 1
    quotes = [f"Paragraph {n:07d}:" for n in range(0, len(body_lines), len(body_lines) // 10)][:10]
    source = ("Published 2025\n" + "".join(body_lines)).encode("utf-8")
    return _case(folder, source, quotes)


def time_command(folder: Path, command: str, runs: int) -> None:
    case = folder / "data" / "case.toml"
    args = [command, "--data", str(case)]
    if command == "build":
        args += ["--out", str(folder / "data" / "case.db")]
    walls: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(  # cwd: not this checkout, which `-c` would put first on sys.path
            [sys.executable, "-c", CHILD, *args], capture_output=True, text=True, cwd=folder
        )
        walls.append(time.perf_counter() - started)
        print(f"  {walls[-1]:.2f} s: {(done.stdout or done.stderr).strip()[:160]}", flush=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"dossier {command} {case}: median {statistics.median(walls):.2f} s over {runs} run(s), "
        f"peak RSS {peak:,.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    a = sub.add_parser("make-spans")
    a.add_argument("dir", type=Path)
    a.add_argument("--records", type=int, default=100_000)
    b = sub.add_parser("make-big")
    b.add_argument("dir", type=Path)
    b.add_argument("--mb", type=int, default=200)
    t = sub.add_parser("time")
    t.add_argument("dir", type=Path)
    t.add_argument("command", choices=("build", "check"))
    t.add_argument("--runs", type=int, default=3)
    c = sub.add_parser("compare")
    c.add_argument("dir", type=Path)
    c.add_argument("command", choices=("build", "check"))
    c.add_argument("--before", type=Path, required=True, help="a checkout of the older dossier")
    c.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.what == "make-spans":
        print(make_spans(args.dir, args.records))
    elif args.what == "make-big":
        print(make_big(args.dir, args.mb))
    elif args.what == "compare":
        compare(args.dir, args.command, args.before, args.runs)
    else:
        time_command(args.dir, args.command, args.runs)


if __name__ == "__main__":
    main()
