"""Draw the editor's audit sample and write review packets for it.

An audit judges the plain-English rewrite criterion by criterion against RUBRIC.md. To compare
one engine with the next, the audit must judge the same criteria each time, so the sample is
drawn once with a fixed seed and kept as a list (sample-seed<SEED>.txt beside this script, one
"NCTxxxx.txt<TAB>index" line per criterion, index 1-based as `sheets plain FILE` numbers it).
A re-run reuses that list and only re-runs the engine; --fresh draws a new, uncommitted sample.

Files whose names are also in tests/data/eligibility are never drawn: the tests' golden lines
come from them, and the engine is tuned on them. Whole files are taken in seeded order, at most
8 criteria from each, so the sample spans many trials.

Writes OUT/part-<k>.md (packets for reviewers, the rubric on top) and OUT/sample.jsonl (what
each criterion printed as, for tally.py).

    .venv/bin/python benchmarks/plain_audit/sample.py [--corpus DIR] [--seed 12] [--size 320]
        [--parts 4] [--out /tmp/plain_audit] [--list FILE] [--write-list | --fresh]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from sheets.plain import plain_criteria  # noqa: E402
from sheets.plain.criteria import parse_criteria  # noqa: E402

GOLDEN = ROOT / "tests" / "data" / "eligibility"
PER_FILE = 8

Pick = tuple[str, int]  # (file name, 1-based criterion number)


def read_criteria(path: Path) -> tuple:
    """The file's criteria as the engine parses them (read like `sheets plain FILE` reads it)."""
    return parse_criteria(path.read_text("utf-8", errors="replace"))


def draw(corpus: Path, seed: int, size: int) -> list[Pick]:
    """Up to `size` criteria: files in seeded order, at most PER_FILE seeded picks from each."""
    golden = {path.name for path in GOLDEN.glob("*.txt")}
    files = sorted(path for path in corpus.glob("*.txt") if path.name not in golden)
    rng = random.Random(seed)
    rng.shuffle(files)
    picks: list[Pick] = []
    for path in files:
        if len(picks) >= size:
            break
        count = len(read_criteria(path))
        take = min(PER_FILE, count, size - len(picks))
        picks += [(path.name, index) for index in sorted(rng.sample(range(1, count + 1), take))]
    return picks


def read_list(path: Path) -> list[Pick]:
    rows = (line.split("\t") for line in path.read_text("utf-8").splitlines() if line.strip())
    return [(name, int(index)) for name, index in rows]


def write_list(path: Path, picks: list[Pick]) -> None:
    path.write_text("".join(f"{name}\t{index}\n" for name, index in picks), "utf-8")


def run_engine(corpus: Path, picks: list[Pick]) -> list[dict]:
    """Each picked criterion with what the engine prints for it now."""
    by_file: dict[str, list[int]] = {}
    for name, index in picks:
        by_file.setdefault(name, []).append(index)
    rows = []
    for name, indexes in by_file.items():
        criteria = read_criteria(corpus / name)
        lines = plain_criteria(criteria)
        for index in indexes:
            if not 1 <= index <= len(lines):
                sys.exit(f"{name} now has {len(lines)} criteria, not {index}: use --write-list")
            criterion, line = criteria[index - 1], lines[index - 1]
            rows.append({
                "id": f"{Path(name).stem}#{index}", "kind": line.kind, "heading": criterion.heading,
                "original": line.original, "plain": line.plain,
                "label": getattr(line, "label", "") or "",
                "words": [list(pair) for pair in getattr(line, "words", ()) or ()],
            })  # fmt: skip
    return rows


def block(row: dict) -> str:
    """One criterion as a reviewer sees it: the plain line printed as the sheet prints it."""
    lead, *items = row["plain"].split("\n")
    out = [f"### {row['id']}", f"kind: {row['kind']}"]
    if row["heading"]:
        out.append(f"heading: {row['heading']}")
    out += [f"original: {row['original']}", f"plain: {lead}", *(f"  - {item}" for item in items)]
    if row["label"]:
        out.append(f"label: {row['label']}")
    if row["words"]:
        out.append("Words: " + "; ".join(f"{term}: {meaning}" for term, meaning in row["words"]))
    return "\n".join(out) + "\n"


def write_packets(out: Path, rows: list[dict], parts: int) -> list[Path]:
    """`parts` packets of consecutive criteria, each with the rubric on top."""
    rubric = (HERE / "RUBRIC.md").read_text("utf-8")
    paths = []
    for k in range(parts):
        chunk = rows[k * len(rows) // parts : (k + 1) * len(rows) // parts]
        path = out / f"part-{k + 1}.md"
        intro = f"# Plain-English audit, part {k + 1} of {parts}: {len(chunk)} criteria\n\n"
        path.write_text(intro + rubric + "\n# Criteria\n\n" + "\n".join(map(block, chunk)), "utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/work/shared/eligibility"))
    parser.add_argument("--seed", type=int, help="default 12; with --fresh, a new random seed")
    parser.add_argument("--size", type=int, default=320, help="criteria to draw")
    parser.add_argument("--parts", type=int, default=4, help="packets to split the sample into")
    parser.add_argument("--out", type=Path, default=Path("/tmp/plain_audit"))
    parser.add_argument("--list", type=Path, help="default: sample-seed<SEED>.txt here")
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--write-list", action="store_true", help="redraw and overwrite the list")
    choice.add_argument("--fresh", action="store_true", help="a new sample, not saved")
    args = parser.parse_args()

    if args.seed is None:
        args.seed = random.SystemRandom().randrange(10**6) if args.fresh else 12
    list_path = args.list or HERE / f"sample-seed{args.seed}.txt"
    if args.fresh:
        picks = draw(args.corpus, args.seed, args.size)
        print(f"fresh sample, seed {args.seed} (not saved)")
    elif list_path.exists() and not args.write_list:
        picks = read_list(list_path)
        print(f"reusing {list_path} (--write-list to redraw)")
    else:
        picks = draw(args.corpus, args.seed, args.size)
        write_list(list_path, picks)
        print(f"wrote {list_path}")

    rows = run_engine(args.corpus, picks)
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "sample.jsonl", "w", encoding="utf-8") as sample:
        sample.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    packets = write_packets(args.out, rows, args.parts)
    files = len({name for name, _ in picks})
    print(f"sample: {len(rows)} criteria from {files} files")
    print(f"packets: {', '.join(str(path) for path in packets)}")
    print(f"engine output for tally.py: {args.out / 'sample.jsonl'}")


if __name__ == "__main__":
    main()
