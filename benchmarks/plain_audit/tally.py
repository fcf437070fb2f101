"""Add up reviewers' verdicts on the audit sample, as RUBRIC.md's "Report" asks.

Reads one or more JSONL verdict files (one {"id", "verdict", "plainness", "pattern", "why"}
object a line, as RUBRIC.md asks; blank lines, code fences and stray prose are skipped) and
joins them by id with the sample that sample.py wrote (OUT/sample.jsonl), so the worst lines are
quoted as the engine printed them when they were judged. Flags sampled ids nobody judged and
verdicts for ids not in the sample, so a lost or misnumbered packet cannot skew the shares.

    .venv/bin/python benchmarks/plain_audit/tally.py VERDICTS.jsonl ... [--sample FILE]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

VERDICTS = ("critical", "major", "minor", "ok")
WORST_MAJORS = 10


def read_jsonl(path: Path) -> tuple[list[dict], int]:
    """The JSON objects in a file, and how many non-blank lines were not one."""
    objects, skipped = [], 0
    for line in path.read_text("utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("```"):
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            value = None
        if isinstance(value, dict):
            objects.append(value)
        else:
            skipped += 1
    return objects, skipped


def one_line(text: str) -> str:
    """A plain line's list items joined with " | ", so each worst line stays on one line."""
    return text.replace("\n", " | ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("verdicts", nargs="+", type=Path, help="JSONL verdict files")
    parser.add_argument("--sample", type=Path, default=Path("/tmp/plain_audit/sample.jsonl"))
    args = parser.parse_args()

    if not args.sample.exists():
        parser.error(f"{args.sample} not found: run sample.py first (or pass --sample)")
    sample = {row["id"]: row for row in read_jsonl(args.sample)[0]}
    judged: dict[str, dict] = {}
    unknown, invalid, skipped = [], [], 0
    for path in args.verdicts:
        objects, bad_lines = read_jsonl(path)
        skipped += bad_lines
        for verdict in objects:
            key = str(verdict.get("id", "")).strip()
            verdict["verdict"] = str(verdict.get("verdict", "")).strip().lower()
            if key not in sample:
                unknown.append(key or "(no id)")
            elif verdict["verdict"] not in VERDICTS:
                invalid.append(f"{key} ({verdict['verdict'] or 'no verdict'})")
            else:
                judged[key] = verdict  # a later file's verdict on the same id wins

    counts = Counter(verdict["verdict"] for verdict in judged.values())
    print(f"judged: {len(judged)} of {len(sample)} sampled criteria")
    for name in VERDICTS:
        share = counts[name] / len(judged) if judged else 0.0
        print(f"  {name:<9}{counts[name]:>5}  {share:6.1%}")
    scores = []
    for verdict in judged.values():
        try:
            scores.append(float(verdict.get("plainness")))
        except (TypeError, ValueError):
            pass
    mean = f"{sum(scores) / len(scores):.2f}" if scores else "n/a"
    print(f"mean plainness: {mean} (of {len(scores)} scored, 1-5)")

    patterns = Counter(str(v.get("pattern") or "").strip().lower() for v in judged.values())
    patterns.pop("", None)
    print("top patterns:")
    for pattern, count in patterns.most_common(10):
        print(f"  {count:>4}  {pattern}")

    missing = [key for key in sample if key not in judged]
    flags = {"missing from the verdicts": missing, "verdicts for unknown ids": unknown,
             "verdicts not critical/major/minor/ok": invalid}  # fmt: skip
    for label, ids in flags.items():
        if ids:
            print(f"{label} ({len(ids)}): {', '.join(ids)}")
    if skipped:
        print(f"lines that were not a JSON object, skipped: {skipped}")

    print("worst lines:")
    criticals = [key for key in sample if judged.get(key, {}).get("verdict") == "critical"]
    majors = [key for key in sample if judged.get(key, {}).get("verdict") == "major"]
    for key in criticals + majors[:WORST_MAJORS]:
        row = sample[key]
        print(f"[{judged[key]['verdict']}] {key}: {row['original']} -> {one_line(row['plain'])}")
        if judged[key].get("why"):
            print(f"    why: {judged[key]['why']}")


if __name__ == "__main__":
    main()
