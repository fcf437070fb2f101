"""How long the handout is: pages per sheet, where the questions end, how empty pages are.

Run: `.venv/bin/python benchmarks/handout_pages.py` (add `--large-print`, `--paper a4`).
Renders every real record in tests/data/records and ../shared/records (and the example) with
default options, Letter, and prints for each: its kind (joining / about), pages, the page the
last question is on, and the emptiest page but the last (share of the page body left blank).
Then the targets of issue 13: joining sheets median <= 4 pages, 90th percentile <= 6, none over
10; questions on pages 1-2 for the median record; "about" sheets <= 2 pages; no page but the
last more than a quarter empty.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from pdfcheck import blank_shares, page_texts  # noqa: E402  (the tests' own PDF reader)

SOURCES = [ROOT / "examples", ROOT / "tests" / "data" / "records", ROOT.parent / "shared" / "records"]
DAY = date(2026, 12, 6)


def records() -> list[Path]:
    """Each trial once (the shared folder repeats tests/data), JSON and legacy XML."""
    seen: dict[str, Path] = {}
    for folder in SOURCES:
        for path in sorted([*folder.glob("*.json"), *folder.glob("xml/*.xml")]):
            seen.setdefault(path.stem, path)
    return list(seen.values())


def emptiest_page(pdf: bytes) -> float:
    """The largest blank share of a page body, over every page but the last."""
    return max(blank_shares(pdf)[:-1], default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--large-print", action="store_true")
    parser.add_argument("--paper", default="letter", choices=("letter", "a4"))
    parser.add_argument("--records", type=int, default=None, help="use only the first N")
    args = parser.parse_args()

    from sheets import SheetOptions, build_sheet, load_trial, render_pdf

    options = SheetOptions(generated_on=DAY, large_print=args.large_print, paper=args.paper)
    joining, about, question_pages, empty = [], [], [], []
    print(f"{'record':<14} {'kind':<8} {'pages':>5} {'questions end':>13} {'emptiest page':>13}")
    for path in records()[: args.records]:
        trial = load_trial(path)
        sheet = build_sheet(trial, options)
        pdf = render_pdf(trial, options)
        texts = [" ".join(t.split()) for t in page_texts(pdf)]
        last = sheet.coordinator_questions[-1:] or sheet.doctor_questions[-1:]
        end = next((i + 1 for i, t in enumerate(texts) if last and last[0][:60] in t), 0)
        blank = emptiest_page(pdf)
        (joining if sheet.joining else about).append(len(texts))
        if sheet.joining:
            question_pages.append(end)
        empty.append(blank)
        kind = "joining" if sheet.joining else "about"
        print(f"{trial.nct_id:<14} {kind:<8} {len(texts):>5} {end:>13} {blank:>12.0%}")

    deciles = statistics.quantiles(joining, n=10) if len(joining) > 1 else joining
    print()
    print(f"joining sheets: {len(joining)}; pages median {statistics.median(joining):g} "
          f"(target <= 4), 90th percentile {deciles[-1]:g} (<= 6), max {max(joining)} (<= 10)")
    print(f"questions end on page: median {statistics.median(question_pages):g} (target <= 2)")
    if about:
        print(f"about sheets: {len(about)}; pages max {max(about)} (target <= 2)")
    print(f"emptiest page but the last: worst {max(empty):.0%} (target <= 25%)")


if __name__ == "__main__":
    main()
