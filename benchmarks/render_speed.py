"""How fast sheets are made: cold `sheets make` and warm seconds per sheet.

Run with `make bench` (or `.venv/bin/python benchmarks/render_speed.py`). Prints the median of
several runs; wall-clock figures belong here, never in the tests.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "NCT07632209.json"
RECORDS = sorted((ROOT / "tests" / "data" / "records").glob("*.json"))


def cold_make_seconds(runs: int) -> list[float]:
    """A fresh `sheets make` process per run: import, font loading, CSS parsing, render."""
    sheets = Path(sys.executable).parent / "sheets"
    times = []
    with tempfile.TemporaryDirectory() as out:
        for run in range(runs):
            start = time.perf_counter()
            subprocess.run(
                [sheets, "make", str(SEED), "-o", f"{out}/cold{run}.pdf"],
                check=True, capture_output=True,
            )  # fmt: skip
            times.append(time.perf_counter() - start)
    return times


def warm_seconds_per_sheet(paths: list[Path], rounds: int) -> tuple[float, float, float]:
    """In one process after a warm-up: (total, content+HTML, PDF) seconds per sheet."""
    from sheets import SheetOptions, build_sheet, load_trial
    from sheets.render.html import render_html
    from sheets.render.pdf import default_renderer

    trials = [load_trial(path) for path in paths]
    options = SheetOptions()
    renderer = default_renderer()
    renderer.render(render_html(build_sheet(trials[0], options)), paper=options.paper)
    content_time = pdf_time = 0.0
    sheets = 0
    for _ in range(rounds):
        for trial in trials:
            start = time.perf_counter()
            html = render_html(build_sheet(trial, options))
            middle = time.perf_counter()
            renderer.render(html, paper=options.paper)
            content_time += middle - start
            pdf_time += time.perf_counter() - middle
            sheets += 1
    return (content_time + pdf_time) / sheets, content_time / sheets, pdf_time / sheets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--warm-rounds", type=int, default=10)
    parser.add_argument("--records", type=int, default=len(RECORDS), help="use only the first N")
    args = parser.parse_args()

    cold = cold_make_seconds(args.cold_runs)
    print(f"cold `sheets make` (seed sheet): median {statistics.median(cold):.2f} s "
          f"over {len(cold)} runs (min {min(cold):.2f}, max {max(cold):.2f})")  # fmt: skip
    total, content, pdf = warm_seconds_per_sheet([SEED], args.warm_rounds)
    print(f"warm seed sheet: {total:.3f} s/sheet ({content:.3f} content+HTML, {pdf:.3f} PDF)")
    records = RECORDS[: args.records]
    total, content, pdf = warm_seconds_per_sheet(records, max(1, args.warm_rounds // 5))
    print(f"warm, {len(records)} test records: {total:.3f} s/sheet "
          f"({content:.3f} content+HTML, {pdf:.3f} PDF; {1 / total:.1f} sheets/s on one core)")


if __name__ == "__main__":
    main()
