"""How much memory the batch's driver needs while it streams a registry-sized input.

Run with `.venv/bin/python benchmarks/stream_memory.py [--records 100000]`. It builds a bulk
download (``ctg-studies.json.zip``) of that many synthetic studies from the real test records
(each its own NCT number), records every one in a manifest as last night's run would have (the
PDFs are sparse files of the recorded size), then measures, each in a fresh process:

- the stream: `expand_inputs` over the zip, each record read, hashed and checked against the
  manifest (`up_to_date`), nothing rendered: the driver's memory (VmRSS) every N records, its
  peak (VmHWM) and its growth from the first sample to the last (target: flat, <= 200 MB);
- the same records through `run_batch` with nothing to make: the whole driver, with its report
  (results kept on disk as they land, results.py) and its duplicate checks.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RECORDS = sorted((ROOT / "tests" / "data" / "records").glob("*.json"))
SMALL = [p for p in RECORDS if p.stat().st_size < 40_000]  # typical registry records: 1-40 KB


def memory_mb() -> tuple[float, float]:
    """(VmRSS, VmHWM) of this process in MB, from /proc."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def build(folder: Path, count: int) -> Path:
    """The bulk zip, deflated as ClinicalTrials.gov ships it."""
    texts = []
    for path in SMALL:
        study = json.loads(path.read_text("utf-8"))
        study["protocolSection"]["identificationModule"]["nctId"] = "NCT99999999"
        texts.append(json.dumps(study))
    archive = folder / "ctg-studies.json.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as writer:
        for n in range(count):
            number = f"NCT9{n:07d}"
            writer.writestr(f"{number}.json", texts[n % len(texts)].replace("NCT99999999", number))
    return archive


def populate(archive: Path, out: Path) -> None:
    """Every record made last night: a manifest row each, and its PDF (sparse) in place."""
    from sheets.batch.inputs import expand_inputs
    from sheets.batch.manifest import Manifest, options_fingerprint, record_hash
    from sheets.options import SheetOptions

    fingerprint = options_fingerprint(SheetOptions())
    manifest = Manifest(out, "sharded")
    try:
        for item in expand_inputs([str(archive)]):
            nct_id = item.label[-16:-5]
            output = f"{nct_id[-2:]}/{nct_id}.pdf"
            (out / nct_id[-2:]).mkdir(exist_ok=True)
            with (out / output).open("wb") as handle:
                handle.truncate(150_000)
            manifest.add({"nct_id": nct_id, "hash": record_hash(item.read(), fingerprint),
                          "output": output, "bytes": 150_000, "title": "", "record": item.label,
                          "valid_until": ""})  # fmt: skip
    finally:
        manifest.compact()


def measure_stream(archive: Path, out: Path, every: int) -> dict:
    from sheets.batch.inputs import expand_inputs
    from sheets.batch.manifest import Manifest, options_fingerprint, record_hash
    from sheets.options import SheetOptions

    fingerprint = options_fingerprint(SheetOptions())
    started_mb = memory_mb()[0]
    manifest = Manifest(out, "sharded")
    samples, skipped, count = [], 0, 0
    started = time.perf_counter()
    try:
        for count, item in enumerate(expand_inputs([str(archive)]), 1):
            skipped += manifest.up_to_date(record_hash(item.read(), fingerprint)) is not None
            if count % every == 0:
                samples.append(memory_mb()[0])
    finally:
        manifest.compact()
    seconds = time.perf_counter() - started
    return {"start": started_mb, "samples": samples, "peak": memory_mb()[1], "count": count,
            "skipped": skipped, "seconds": seconds}  # fmt: skip


def measure_run_batch(archive: Path, out: Path, every: int) -> dict:
    from sheets.batch.inputs import expand_inputs
    from sheets.batch.run import run_batch

    samples: list[float] = []

    def sample(result) -> None:
        sample.done += 1  # type: ignore[attr-defined]
        if sample.done % every == 0:  # type: ignore[attr-defined]
            samples.append(memory_mb()[0])

    sample.done = 0  # type: ignore[attr-defined]
    started = time.perf_counter()
    report = run_batch(expand_inputs([str(archive)]), out, workers=1, layout="sharded", on_result=sample)
    return {"samples": samples, "peak": memory_mb()[1], "counts": dict(report.counts),
            "seconds": time.perf_counter() - started}  # fmt: skip


def in_fresh_process(phase: str, archive: Path, out: Path, every: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--phase", phase, str(archive), str(out), str(every)],
                          check=True, capture_output=True, text=True)  # fmt: skip
    return json.loads(done.stdout.splitlines()[-1])


def show(samples: list[float]) -> str:
    return ", ".join(f"{mb:.0f}" for mb in samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--every", type=int, help="sample memory every N records (default: a tenth)")
    parser.add_argument("--phase", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phase, archive, out, every = args.phase
        if phase == "populate":
            populate(Path(archive), Path(out))
            print("{}")
        else:
            measure = measure_stream if phase == "stream" else measure_run_batch
            print(json.dumps(measure(Path(archive), Path(out), int(every))))
        return

    every = args.every or max(1, args.records // 10)
    with tempfile.TemporaryDirectory() as temp:
        started = time.perf_counter()
        archive = build(Path(temp), args.records)
        print(f"bulk zip: {args.records:,} records, {archive.stat().st_size / 2**20:.0f} MB, built in"
              f" {time.perf_counter() - started:.1f} s")  # fmt: skip
        out = Path(temp) / "out"
        in_fresh_process("populate", archive, out, every)

        stream = in_fresh_process("stream", archive, out, every)
        grown = stream["samples"][-1] - stream["samples"][0]
        print(f"stream (expand_inputs + read + hash + skip check, nothing rendered): {stream['count']:,}"
              f" records in {stream['seconds']:.1f} s ({stream['count'] / stream['seconds']:,.0f}/s),"
              f" {stream['skipped']:,} up to date")  # fmt: skip
        print(f"driver memory (VmRSS, MB) at start {stream['start']:.0f}, then every {every:,} records:"
              f" {show(stream['samples'])}")  # fmt: skip
        print(f"stream peak {stream['peak']:.0f} MB (target <= 200 MB); grew {grown:+.1f} MB from the"
              f" first sample to the last")  # fmt: skip

        batch = in_fresh_process("run_batch", archive, out, every)
        grown = batch["samples"][-1] - batch["samples"][0]
        print(f"run_batch, nothing to make ({batch['counts']}): {batch['seconds']:.1f} s, memory every"
              f" {every:,} records: {show(batch['samples'])}; peak {batch['peak']:.0f} MB, grew"
              f" {grown:+.1f} MB (results and duplicate checks on disk)")  # fmt: skip


if __name__ == "__main__":
    main()
