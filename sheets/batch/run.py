"""Many sheets at once: parallel, incremental and safe to kill.

Owns the run: which records need a sheet (manifest.py decides what is up to date), handing
them to worker processes (worker.py), writing each PDF as it lands and reporting every
record's fate. It does not find the records (inputs.py) or lay out sheets (the public
`render_pdf`).

- Workers: one process per core by default, each keeping WeasyPrint warm and making one
  sheet at a time, so a record that crashes its worker, runs past its time limit or hangs
  fails alone, in one line, and every other record is made (worker.py).
- Clinic: a clinic's templates and stylesheets are checked once before any worker starts,
  so a broken one is one line, not a failure per record.
- Safety: only this process writes, atomically (files.write_atomic: a temporary
  ``.NAME.pdf.*.part`` renamed into place), then records the PDF in the manifest. A batch
  killed at any moment leaves whole PDFs only and no process behind; the next run removes
  stray ``.part`` files and makes only what is missing or changed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sheets import deadline
from sheets.batch.inputs import RecordInput
from sheets.batch.layout import FLAT, remove_stray_parts, sheet_target
from sheets.batch.manifest import Manifest, options_fingerprint, record_hash
from sheets.batch.results import LabelIndex, ResultLog, SheetResult
from sheets.batch.worker import FAILED, MADE, WorkerPool
from sheets.errors import SheetsError
from sheets.files import write_atomic
from sheets.options import SheetOptions

UNCHANGED, DUPLICATE = "unchanged", "duplicate"
REPORT_FIELDS = ("record", "status", "output", "error", "seconds")
# Sheets per worker before it is replaced. WeasyPrint's layout (Pango, in C) keeps about 30 KB
# a sheet even with one FontConfiguration, so a worker that never restarts grows without end
# (84 -> 168 MB over 2,500 sheets); 200 sheets caps that at about 6 MB, and a replacement costs
# well under 1% of a worker's life. Measured with benchmarks/batch_speed.py.
RECYCLE_AFTER = 200


@dataclass
class BatchReport:
    out_dir: Path
    results: Sequence[SheetResult] = field(default_factory=list)  # a ResultLog from a run
    seconds: float = 0.0
    interrupted: bool = False
    booklet: Path | None = None
    warnings: list[str] = field(default_factory=list)  # one line each: a bad manifest entry, say

    @property
    def counts(self) -> Counter:
        if isinstance(self.results, ResultLog):
            return Counter(self.results.counts)  # kept as results land: no re-reading
        return Counter(r.status for r in self.results)

    @property
    def ok(self) -> bool:
        return not self.interrupted and self.counts[FAILED] == 0


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_batch(
    items: Iterable[RecordInput],
    out_dir: Path | str,
    options: SheetOptions | None = None,
    *,
    workers: int | None = None,
    recycle_after: int = RECYCLE_AFTER,
    force: bool = False,
    booklet: Path | str | None = None,
    duplex: bool = False,
    on_result: Callable[[SheetResult], None] | None = None,
    time_limit: float | None = None,
    scheduler: str | None = None,
    layout: str = FLAT,
) -> BatchReport:
    """Make ``NCT<number>.pdf`` in ``out_dir`` for every record that needs one, then the
    booklet of every sheet the inputs name (made now or up to date), in input order.
    ``time_limit``: seconds a sheet may take (default `deadline.SHEET_SECONDS`).
    ``scheduler``: make the sheets on a Dask cluster, a scheduler's address or ``"local"``
    (cluster.py), instead of local worker processes; this process still writes everything.
    ``items`` is read once, as the run reaches each one (`expand_inputs` streams them);
    ``layout``: ``"flat"`` or ``"sharded"`` (``NN/NCT<number>.pdf``, layout.py)."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    options = options or SheetOptions()
    check_clinic(options)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SheetsError(f"cannot make the output folder {out_dir}: {error.strerror}") from None
    remove_stray_parts(out_dir)
    run = _Run(out_dir, options, items, force, on_result, layout)
    seconds = time_limit or deadline.SHEET_SECONDS
    try:
        run.report.interrupted = not run.render(workers or default_workers(), recycle_after, seconds, scheduler)
    except KeyboardInterrupt:  # a second Ctrl-C, or a run outside the main thread
        run.report.interrupted = True
    finally:
        run.manifest.compact()
    report = run.report
    report.results = run.results  # on disk, read back in input order
    report.warnings = run.manifest.warnings
    if booklet is not None and not report.interrupted:
        from sheets.batch.booklet import BookletSheet, make_booklet

        sheets = [
            BookletSheet(r.nct_id, r.title, Path(r.output))
            for r in report.results if r.status in (MADE, UNCHANGED)
        ]  # fmt: skip
        report.booklet = make_booklet(sheets, booklet, options, duplex=duplex)
    report.seconds = time.perf_counter() - started
    return report


def check_clinic(options: SheetOptions) -> None:
    """A clinic's templates compile and its stylesheets are readable files inside its folder;
    else one `SheetsError`, before any sheet."""
    if not options.template_dirs:
        return
    from sheets.render.confined import MAX_ASSET_BYTES, read_inside
    from sheets.render.html import check_templates

    check_templates(options.template_dirs)
    for folder in options.template_dirs:
        for name in ("sheet.css", "large-print.css"):
            try:
                read_inside(folder, name, limit=MAX_ASSET_BYTES)
            except FileNotFoundError:
                pass


class _Run:
    """One batch's state: results by input position, the manifest, and what was written."""

    def __init__(self, out_dir, options, items, force, on_result, layout=FLAT):
        self.out_dir = out_dir
        self.options = options
        self.items = items
        self.force = force
        self.on_result = on_result or (lambda result: None)
        self.layout = layout
        self.manifest = Manifest(out_dir, layout)
        self.fingerprint = options_fingerprint(options)
        self.results = ResultLog()  # by input position, on disk: 560,000 results stay small
        self.written = LabelIndex()  # NCT number -> the record its sheet came from
        self.report = BatchReport(out_dir)

    def finish(self, index: int, result: SheetResult) -> None:
        self.results.add(index, result)
        self.on_result(result)

    def jobs(self) -> Iterator[tuple[tuple[int, str, str], str, bytes]]:
        """Records that need a sheet; the others are settled here without a worker."""
        seen = LabelIndex()  # record hash -> the first record with it
        for index, item in enumerate(self.items):
            if item.error:
                self.finish(index, SheetResult(item.label, FAILED, error=item.error))
                continue
            try:
                data = item.read()
            except (OSError, SheetsError) as error:
                problem = str(error) if isinstance(error, SheetsError) else error.strerror
                line = f"{item.label}: cannot read the file ({problem})"
                self.finish(index, SheetResult(item.label, FAILED, error=" ".join(line.split())))
                continue
            digest = record_hash(data, self.fingerprint)
            if digest in seen:
                note = f"{item.label}: the same record as {seen[digest]}"
                self.finish(index, SheetResult(item.label, DUPLICATE, error=note))
                continue
            seen[digest] = item.label
            entry = None if self.force else self.manifest.up_to_date(digest, self.options.generated_on)
            if entry is not None and entry["nct_id"] not in self.written:
                self.written[entry["nct_id"]] = item.label
                result = SheetResult(
                    item.label, UNCHANGED, output=str(self.out_dir / entry["output"]),
                    nct_id=entry["nct_id"], title=entry.get("title", ""),
                )  # fmt: skip
                self.finish(index, result)
                continue
            yield (index, item.label, digest), item.label, data

    def render(self, workers: int, recycle_after: int, seconds: float, scheduler: str | None = None) -> bool:
        """Make every sheet that needs it; False when Ctrl-C stopped the run first.

        Ctrl-C is a request, read between sheets: the sheets in flight land (written and
        recorded in the manifest), no more start, and no sheet is ever half-recorded."""
        if scheduler is not None:  # Dask is optional: imported only for a batch that asks for it
            from sheets.batch.cluster import ClusterPool

            pool: WorkerPool | ClusterPool = ClusterPool(
                scheduler, workers, self.options, recycle_after=recycle_after, seconds=seconds
            )
        else:
            pool = WorkerPool(workers, self.options, recycle_after=recycle_after, seconds=seconds)
        with _CtrlC() as ctrl_c, pool:
            for (key, _, _), made in pool.run(self.jobs(), lambda: ctrl_c.pressed):
                self.land(made, *key)
            return pool.all_started

    def land(self, made: dict, index: int, label: str, digest: str) -> None:
        """Write a finished sheet and record it."""
        if made["status"] == FAILED:
            self.finish(index, SheetResult(label, FAILED, **_fields(made, "error")))
            return
        nct_id = made["nct_id"]
        if nct_id in self.written:
            note = (
                f"{label}: the same trial ({nct_id}) as {self.written[nct_id]}, whose sheet is kept"
            )
            self.finish(index, SheetResult(label, DUPLICATE, error=note, nct_id=nct_id))
            return
        try:
            target = sheet_target(self.out_dir, nct_id, self.layout)
            write_atomic(target, made["pdf"])
        except SheetsError as error:
            self.finish(index, SheetResult(label, FAILED, error=str(error), nct_id=nct_id))
            return
        self.written[nct_id] = label
        self.manifest.add({
            "nct_id": nct_id, "hash": digest, "output": target.relative_to(self.out_dir).as_posix(),
            "bytes": len(made["pdf"]), "title": made["title"], "record": label,
            "valid_until": made["valid_until"],
        })  # fmt: skip
        result = SheetResult(label, MADE, output=str(target), **_fields(made, "nct_id", "title"))
        self.finish(index, result)


class _CtrlC:
    """Turns the first Ctrl-C into a flag the batch reads between sheets; a second one
    interrupts at once, as usual. Only the main thread can take signals, so a batch run
    from another thread keeps the handler it has."""

    def __enter__(self) -> _CtrlC:
        self.pressed = False
        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self.press)
        return self

    def press(self, signum, frame) -> None:
        if self.pressed:
            raise KeyboardInterrupt
        self.pressed = True

    def __exit__(self, *exc_info) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


def _fields(made: dict, *names: str) -> dict:
    keep = ("seconds", "worker", "worker_rss_kib", *names)
    return {name: made[name] for name in keep}


# The machine-readable report


def write_report(report: BatchReport, path: Path | str) -> Path:
    """Every record's fate as JSON (``.json``) or CSV (any other name): record, status,
    output, error, seconds."""
    path = Path(path)
    rows = [{k: v for k, v in asdict(r).items() if k in REPORT_FIELDS} for r in report.results]
    if path.suffix.lower() == ".json":
        body = {"seconds": round(report.seconds, 3), "interrupted": report.interrupted,
                "counts": dict(report.counts), "warnings": report.warnings, "records": rows}  # fmt: skip
        data = json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8", "backslashreplace")
    else:
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=REPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        data = text.getvalue().encode("utf-8", "backslashreplace")
    write_atomic(path, data, what="the report ")
    return path
