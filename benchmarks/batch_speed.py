"""How fast `sheets batch` is, against WeasyPrint alone and a process per sheet.

Run with `make bench` or `.venv/bin/python benchmarks/batch_speed.py [--sheets 1000]`.
The records are the 15 test records repeated (or only those named with ``--records``), each
copy given its own NCT number, so every sheet is a real one of ours (4 to 20 pages).
Everything is measured in the same run, on the same sheets. Prints:

- WeasyPrint alone on our HTML in one warm process, and what our content + HTML step adds;
- the ceiling: WeasyPrint alone in a pool of N warm processes, fed ready-made HTML;
- the batch: sheets/s and pages/s with N workers, as a share of that ceiling, and per-worker
  memory (VmRSS), by worker and by stretch of 1,000 sheets;
- a fresh process per sheet, both `weasyprint` on the HTML and `sheets make` on the record,
  and the batch's speed-up over each;
- a re-run with nothing changed (records/s);
- the booklet of all sheets: seconds, and bytes per sheet and per page.
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
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORDS = sorted((ROOT / "tests" / "data" / "records").glob("*.json"))


def write_records(folder: Path, count: int, sources: list[Path] = RECORDS) -> list[Path]:
    """``count`` record files cycling over ``sources``, each with its own NCT number."""
    studies = [json.loads(p.read_text("utf-8")) for p in sources]
    paths = []
    for n in range(count):
        study = studies[n % len(studies)]
        study["protocolSection"]["identificationModule"]["nctId"] = f"NCT9{n:07d}"
        path = folder / f"NCT9{n:07d}.json"
        path.write_text(json.dumps(study), "utf-8")
        paths.append(path)
    return paths


def sheet_htmls(sources: list[Path]) -> list[str]:
    from sheets import SheetOptions, load_trial, render_html

    options = SheetOptions()
    return [render_html(load_trial(p), options) for p in sources]


def weasyprint_alone(sources: list[Path], rounds: int) -> tuple[float, float, float]:
    """One warm process over the records: (content + HTML s, WeasyPrint s, pages) per sheet."""
    import pikepdf

    from sheets import SheetOptions, load_trial, render_html
    from sheets.render.pdf import default_renderer

    options = SheetOptions()
    trials = [load_trial(p) for p in sources]
    renderer = default_renderer()
    renderer.render(render_html(trials[0], options), paper=options.paper)  # warm
    content = pdf = 0.0
    pages = 0
    for _ in range(rounds):
        for trial in trials:
            start = time.perf_counter()
            html = render_html(trial, options)
            middle = time.perf_counter()
            made = renderer.render(html, paper=options.paper)
            content += middle - start
            pdf += time.perf_counter() - middle
            with pikepdf.open(__import__("io").BytesIO(made)) as document:
                pages += len(document.pages)
    sheets = rounds * len(trials)
    return content / sheets, pdf / sheets, pages / sheets


def _warm_worker() -> None:
    from sheets.render.pdf import default_renderer

    default_renderer()


def _render_html(html: str) -> int:
    from sheets.render.pdf import default_renderer

    return len(default_renderer().render(html, paper="letter"))


def weasyprint_pool(htmls: list[str], count: int, workers: int) -> float:
    """Sheets/s for WeasyPrint alone in a pool of warm processes fed ready-made HTML: the
    most a batch of these sheets could reach on this machine."""
    jobs = [htmls[n % len(htmls)] for n in range(count)]
    with ProcessPoolExecutor(workers, initializer=_warm_worker) as pool:
        list(pool.map(_render_html, htmls[:workers]))  # every worker warm before timing
        start = time.perf_counter()
        list(pool.map(_render_html, jobs, chunksize=1))
        return count / (time.perf_counter() - start)


def process_per_sheet(paths: list[Path], out: Path) -> float:
    """Sheets/s making each sheet with its own `sheets make` process."""
    sheets = Path(sys.executable).parent / "sheets"
    start = time.perf_counter()
    for path in paths:
        command = [sheets, "make", str(path), "-o", str(out / f"{path.stem}.pdf")]
        subprocess.run(command, check=True, capture_output=True)
    return len(paths) / (time.perf_counter() - start)


def weasyprint_process_per_sheet(htmls: list[str], count: int, folder: Path) -> float:
    """Sheets/s running the `weasyprint` command once per sheet on our HTML and stylesheets
    (the issue's "one weasyprint process per sheet")."""
    from weasyprint.urls import path2url

    from sheets.render.pdf import PAPER_CSS, STYLESHEET
    from sheets.resources import templates_dir

    command = Path(sys.executable).parent / "weasyprint"
    paper = folder / "letter.css"
    paper.write_text(PAPER_CSS["letter"], "utf-8")
    files = []
    for n, html in enumerate(htmls):
        files.append(folder / f"sheet-{n}.html")
        files[-1].write_text(html, "utf-8")
    start = time.perf_counter()
    for n in range(count):
        subprocess.run([command, "--pdf-tags", "--base-url", path2url(templates_dir()),
                        "-s", str(templates_dir() / STYLESHEET), "-s", str(paper),
                        str(files[n % len(files)]), str(folder / f"w{n}.pdf")],
                       check=True, capture_output=True)  # fmt: skip
    return count / (time.perf_counter() - start)


def memory(results) -> str:
    """VmRSS per worker (first sheet, then lowest-highest after its 10th) and per stretch of
    1,000 sheets across all workers (after each worker's 10th sheet)."""
    by_worker = defaultdict(list)
    by_stretch = defaultdict(list)
    for n, result in enumerate(results):
        if not result.worker_rss_kib:
            continue
        rss = result.worker_rss_kib / 1024
        by_worker[result.worker].append(rss)
        if len(by_worker[result.worker]) > 10:
            by_stretch[n // 1000].append(rss)
    lines = []
    shown = list(by_worker.items())
    for worker, rss in shown[:4]:
        settled = rss[min(10, len(rss) - 1) :]
        lines.append(f"    worker {worker}: {len(rss)} sheets, first {rss[0]:.0f} MB, "
                     f"after 10 sheets {min(settled):.0f}-{max(settled):.0f} MB")  # fmt: skip
    if len(shown) > 4:
        lines.append(f"    ... {len(shown) - 4} more workers")
    for stretch, rss in sorted(by_stretch.items()):
        lines.append(f"    sheets {stretch * 1000 + 1}-{stretch * 1000 + 1000}: "
                     f"{min(rss):.0f}-{max(rss):.0f} MB, median {statistics.median(rss):.0f} MB")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sheets", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--recycle-after", type=int, default=None)
    parser.add_argument("--baseline", type=int, default=20, help="sheets made one process each")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the records")
    parser.add_argument("--records", nargs="*", help="NCT numbers of test records to use")
    parser.add_argument("--no-booklet", action="store_true")
    args = parser.parse_args()

    from sheets.batch.inputs import expand_inputs
    from sheets.batch.run import RECYCLE_AFTER, run_batch

    sources = [p for p in RECORDS if not args.records or p.stem in args.records]
    htmls = sheet_htmls(sources)
    content, pdf, pages = weasyprint_alone(sources, args.rounds)
    print(f"records: {len(sources)}, {pages:.1f} pages per sheet on average")
    print(f"WeasyPrint alone, one warm process: {pdf:.3f} s/sheet ({pdf / pages * 1000:.0f} ms/page),"
          f" {1 / pdf:.2f} sheets/s; content + HTML adds {content:.3f} s ({content / pdf:.1%})")  # fmt: skip
    ceiling = weasyprint_pool(htmls, min(args.sheets, 200), args.workers)
    print(f"WeasyPrint alone, pool of {args.workers} warm processes on ready-made HTML: "
          f"{ceiling:.2f} sheets/s ({ceiling * pages:.0f} pages/s)")  # fmt: skip

    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        (temp / "in").mkdir()
        paths = write_records(temp / "in", args.sheets, sources)
        recycle = args.recycle_after or RECYCLE_AFTER
        start = time.perf_counter()
        report = run_batch(expand_inputs([str(temp / "in")]), temp / "out",
                           workers=args.workers, recycle_after=recycle)  # fmt: skip
        seconds = time.perf_counter() - start
        made = report.counts["made"]
        batch_rate = made / seconds
        print(f"batch: {made} sheets ({report.counts['failed']} failed) in {seconds:.1f} s = "
              f"{batch_rate:.2f} sheets/s ({batch_rate * pages:.0f} pages/s) with {args.workers} "
              f"workers (recycled every {recycle}); {batch_rate / ceiling:.0%} of the ceiling")  # fmt: skip
        print("  worker memory (VmRSS):")
        print(memory(report.results))

        (temp / "one").mkdir()
        single = process_per_sheet(paths[: args.baseline], temp / "one")
        alone = weasyprint_process_per_sheet(htmls, args.baseline, temp / "one")
        print(f"a fresh process per sheet ({args.baseline} sheets): `sheets make` {single:.2f} "
              f"sheets/s, `weasyprint` on the HTML {alone:.2f} sheets/s; the batch is "
              f"{batch_rate / single:.1f}x and {batch_rate / alone:.1f}x faster")  # fmt: skip

        start = time.perf_counter()
        again = run_batch(expand_inputs([str(temp / "in")]), temp / "out", workers=args.workers)
        seconds = time.perf_counter() - start
        print(f"re-run, nothing changed: {again.counts['unchanged']} unchanged in {seconds:.2f} s "
              f"= {len(again.results) / seconds:.0f} records/s")  # fmt: skip

        if not args.no_booklet:
            from sheets.batch.booklet import BookletSheet, make_booklet

            sheets = [BookletSheet(r.nct_id, r.title, Path(r.output)) for r in again.results]
            start = time.perf_counter()
            booklet = make_booklet(sheets, temp / "booklet.pdf")
            seconds = time.perf_counter() - start
            size = booklet.stat().st_size
            singles = statistics.mean(Path(r.output).stat().st_size for r in again.results)
            print(f"booklet of {len(sheets)} sheets: {seconds:.1f} s, {size / 1024 / len(sheets):.1f} KB "
                  f"per sheet, {size / 1024 / len(sheets) / pages:.1f} KB per page (a single sheet "
                  f"PDF averages {singles / 1024:.1f} KB)")  # fmt: skip


if __name__ == "__main__":
    main()
