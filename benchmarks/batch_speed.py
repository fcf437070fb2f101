"""How fast `sheets batch` is, against WeasyPrint alone and a process per sheet.

Run with `make bench` or `.venv/bin/python benchmarks/batch_speed.py [--sheets 1000]`.
The records are the 15 test records repeated, each copy given its own NCT number, so every
sheet is a real one of ours (4 to 19 pages). Prints:

- WeasyPrint alone on the same HTML, and what our content + HTML step adds to it;
- the batch: sheets/s with N workers, and per-worker memory (VmRSS) over the run;
- a fresh `sheets make` process per sheet (a sample), and the batch's speed-up over it;
- a re-run with nothing changed (records/s);
- the booklet of all sheets: seconds and bytes per sheet.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORDS = sorted((ROOT / "tests" / "data" / "records").glob("*.json"))


def write_records(folder: Path, count: int) -> list[Path]:
    """``count`` record files cycling over the test records, each with its own NCT number."""
    studies = [json.loads(p.read_text("utf-8")) for p in RECORDS]
    paths = []
    for n in range(count):
        study = studies[n % len(studies)]
        study["protocolSection"]["identificationModule"]["nctId"] = f"NCT9{n:07d}"
        path = folder / f"NCT9{n:07d}.json"
        path.write_text(json.dumps(study), "utf-8")
        paths.append(path)
    return paths


def weasyprint_alone(rounds: int) -> tuple[float, float]:
    """Seconds per sheet over the 15 records: (content + HTML, WeasyPrint render)."""
    from sheets import SheetOptions, load_trial, render_html
    from sheets.pdf import default_renderer

    options = SheetOptions()
    trials = [load_trial(p) for p in RECORDS]
    renderer = default_renderer()
    renderer.render(render_html(trials[0], options), paper=options.paper)  # warm
    content = pdf = 0.0
    for _ in range(rounds):
        for trial in trials:
            start = time.perf_counter()
            html = render_html(trial, options)
            middle = time.perf_counter()
            renderer.render(html, paper=options.paper)
            content += middle - start
            pdf += time.perf_counter() - middle
    sheets = rounds * len(trials)
    return content / sheets, pdf / sheets


def process_per_sheet(paths: list[Path], out: Path) -> float:
    """Sheets/s making each sheet with its own `sheets make` process."""
    sheets = Path(sys.executable).parent / "sheets"
    start = time.perf_counter()
    for path in paths:
        command = [sheets, "make", str(path), "-o", str(out / f"{path.stem}.pdf")]
        subprocess.run(command, check=True, capture_output=True)
    return len(paths) / (time.perf_counter() - start)


def memory(results) -> str:
    """Per worker: VmRSS after its first sheet, and the lowest and highest after any."""
    by_worker = defaultdict(list)
    for result in results:
        if result.worker_rss_kib:
            by_worker[result.worker].append(result.worker_rss_kib / 1024)
    lines = []
    for worker, rss in by_worker.items():
        settled = rss[min(10, len(rss) - 1):]  # after fonts are first loaded and subset
        lines.append(f"    worker {worker}: {len(rss)} sheets, first {rss[0]:.0f} MB, "
                     f"after 10 sheets {min(settled):.0f}-{max(settled):.0f} MB")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sheets", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--recycle-after", type=int, default=None)
    parser.add_argument("--baseline", type=int, default=20, help="sheets made one process each")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the 15 records")
    parser.add_argument("--no-booklet", action="store_true")
    args = parser.parse_args()

    from sheets.batch import RECYCLE_AFTER, run_batch
    from sheets.inputs import expand_inputs

    content, pdf = weasyprint_alone(args.rounds)
    print(f"WeasyPrint alone (15 records x {args.rounds}): {pdf:.3f} s/sheet, {1 / pdf:.2f} sheets/s "
          f"on one core; content + HTML adds {content:.3f} s ({content / pdf:.1%})")  # fmt: skip

    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        (temp / "in").mkdir()
        paths = write_records(temp / "in", args.sheets)
        recycle = args.recycle_after or RECYCLE_AFTER
        start = time.perf_counter()
        report = run_batch(expand_inputs([str(temp / "in")]), temp / "out",
                           workers=args.workers, recycle_after=recycle)  # fmt: skip
        seconds = time.perf_counter() - start
        made = report.counts["made"]
        batch_rate = made / seconds
        print(f"batch: {made} sheets ({report.counts['failed']} failed) in {seconds:.1f} s = "
              f"{batch_rate:.2f} sheets/s with {args.workers} workers (recycled every {recycle})")
        print("  worker memory (VmRSS):")
        print(memory(report.results))

        (temp / "one").mkdir()
        single = process_per_sheet(paths[: args.baseline], temp / "one")
        print(f"one `sheets make` process per sheet ({args.baseline} sheets): {single:.2f} sheets/s;"
              f" batch is {batch_rate / single:.1f}x faster")  # fmt: skip

        start = time.perf_counter()
        again = run_batch(expand_inputs([str(temp / "in")]), temp / "out", workers=args.workers)
        seconds = time.perf_counter() - start
        print(f"re-run, nothing changed: {again.counts['unchanged']} unchanged in {seconds:.2f} s "
              f"= {len(again.results) / seconds:.0f} records/s")  # fmt: skip

        if not args.no_booklet:
            from sheets.booklet import BookletSheet, make_booklet

            sheets = [BookletSheet(r.nct_id, r.title, Path(r.output)) for r in again.results]
            start = time.perf_counter()
            booklet = make_booklet(sheets, temp / "booklet.pdf")
            seconds = time.perf_counter() - start
            size = booklet.stat().st_size
            singles = statistics.mean(Path(r.output).stat().st_size for r in again.results)
            print(f"booklet of {len(sheets)} sheets: {seconds:.1f} s, {size / 1024 / len(sheets):.1f} KB "
                  f"per sheet (a single sheet PDF averages {singles / 1024:.1f} KB)")  # fmt: skip


if __name__ == "__main__":
    main()
