"""How a batch looks on a terminal: a progress bar while it runs, a summary table after.

Owns presentation only (rich); the batch itself is batch.py. The bar is drawn only when
standard error is a terminal, so pipes and logs get the summary and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from sheets.batch.run import FAILED, BatchReport, SheetResult

SHOWN_FAILURES = 20


@contextmanager
def progress_bar(total: int | None) -> Iterator[Callable[[SheetResult], None]]:
    """A callback that advances a bar on a terminal (and does nothing in a pipe); with no
    ``total`` (records streamed in) it counts the sheets done and pulses."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda result: None
        return
    columns = (TextColumn("Sheets"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("sheets", total=total)
        yield lambda result: progress.advance(task)


def print_summary(report: BatchReport, report_path, *, console: Console | None = None) -> None:
    console = console or Console(highlight=False, soft_wrap=True)
    counts = report.counts
    table = Table(title=f"Batch into {report.out_dir}", title_justify="left")
    table.add_column("Result")
    table.add_column("Records", justify="right")
    for status, label in (("made", "made"), ("unchanged", "unchanged (skipped)"),
                          ("duplicate", "duplicates (skipped)"), (FAILED, "failed")):  # fmt: skip
        if counts[status]:
            table.add_row(label, f"{counts[status]:,}")
    made = counts["made"]
    rate = f", {made / report.seconds:.1f} sheets/s" if made and report.seconds else ""
    table.caption = f"{report.seconds:.1f} s{rate}"
    console.print(table)
    failures = [r for r in report.results if r.status == FAILED]
    for result in failures[:SHOWN_FAILURES]:
        console.print(f"failed: {result.error}", markup=False)
    if len(failures) > SHOWN_FAILURES:
        console.print(f"... and {len(failures) - SHOWN_FAILURES} more failures", markup=False)
    if report.booklet:
        console.print(f"Booklet: {report.booklet}", markup=False)
    console.print(f"Report: {report_path}", markup=False)
    if report.interrupted:
        console.print("Interrupted: run the same command again to finish.", markup=False)
