"""What the accessible and Spanish options cost: warm seconds per sheet and PDF size for each.

Run with `.venv/bin/python benchmarks/sheet_variants.py`. Prints medians over the test
records after a warm-up; wall-clock figures belong here, never in the tests.
"""

from __future__ import annotations

import statistics
import time
from datetime import date
from pathlib import Path

from sheets import SheetOptions, load_trial, render_pdf

ROOT = Path(__file__).resolve().parent.parent
RECORDS = sorted((ROOT / "tests" / "data" / "records").glob("*.json"))
VARIANTS = {
    "default (tagged)": {},
    "--lang es": {"lang": "es"},
    "--large-print": {"large_print": True},
    "--fillable": {"fillable": True},
    "--pdf-variant pdf/ua-1": {"pdf_variant": "pdf/ua-1"},
    "--pdf-variant pdf/a-3b": {"pdf_variant": "pdf/a-3b"},
}


def main() -> None:
    trials = [load_trial(p) for p in RECORDS]
    render_pdf(trials[0])  # warm fonts and stylesheets
    print(f"{len(trials)} records, median per sheet")
    for name, fields in VARIANTS.items():
        options = SheetOptions(generated_on=date(2026, 11, 25), **fields)
        times, sizes = [], []
        for trial in trials:
            start = time.perf_counter()
            sizes.append(len(render_pdf(trial, options)))
            times.append(time.perf_counter() - start)
        print(
            f"  {name:24} {statistics.median(times):6.3f} s"
            f"  {statistics.median(sizes) / 1024:7.1f} KiB"
        )


if __name__ == "__main__":
    main()
