"""How fast the batch manifest is at registry size: SQLite against the JSON Lines it replaced.

Run with `.venv/bin/python benchmarks/manifest_speed.py [--entries 560000]`. The entries are
synthetic (each NCT number its own trial, a real test record's title, a sharded path), written
as the old JSON Lines manifest first, then moved into SQLite by the one-time migration. Prints:

- JSON Lines: loading it as the old manifest did (every line checked into a dict), seconds and
  the memory it took, in a fresh process;
- the migration into SQLite, seconds, and the database's size;
- open: seconds to open the database of that many entries (target <= 0.1 s);
- one update: one PDF recorded in its own transaction, median, p99 and max (target <= 1 ms);
- skip check: `up_to_date` on sheets that are there and on records never seen, records a
  second (target >= 20,000 a second). The PDFs checked are sparse files of the recorded size.

Each rate is given by the clock and by this process's CPU time: on a shared machine (the load
average is printed) the clock also counts the time other processes had the cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RECORDS = sorted((ROOT / "tests" / "data" / "records").glob("*.json"))


def synthetic_entries(count: int):
    """One legacy manifest entry per synthetic trial, titles taken from the real records."""
    titles = [json.loads(p.read_text("utf-8"))["protocolSection"]["identificationModule"]["briefTitle"]
              for p in RECORDS]  # fmt: skip
    for n in range(count):
        nct_id = f"NCT{n:08d}"
        yield {"nct_id": nct_id, "hash": hashlib.sha256(nct_id.encode()).hexdigest(),
               "output": f"{nct_id[-2:]}/{nct_id}.pdf", "bytes": 150_000 + n % 90_000,
               "title": titles[n % len(titles)], "record": f"ctg-studies.json.zip {nct_id}.json",
               "valid_until": "2027-06-01" if n % 3 else ""}  # fmt: skip


def legacy_load(path: Path) -> None:
    """The JSON Lines manifest loaded as the old Manifest._read did; prints seconds and MB."""
    from sheets.batch.entries import checked_entry

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    entries, by_hash = {}, {}
    for line in path.read_bytes().splitlines():
        entry, _ = checked_entry(line)
        if entry is not None:
            entries[entry["nct_id"]] = entry
            by_hash[entry["hash"]] = entry
    seconds = time.perf_counter() - started
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(json.dumps({"seconds": seconds, "mb": grown, "entries": len(entries)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=560_000)
    parser.add_argument("--lookups", type=int, default=20_000)
    parser.add_argument("--updates", type=int, default=1_000)
    parser.add_argument("--legacy-load", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.legacy_load:
        legacy_load(args.legacy_load)
        return

    from sheets.batch.manifest import LEGACY_MANIFEST, MANIFEST, Manifest

    with tempfile.TemporaryDirectory() as temp:
        out = Path(temp)
        legacy = out / LEGACY_MANIFEST
        with legacy.open("w", encoding="utf-8") as handle:
            for entry in synthetic_entries(args.entries):
                handle.write(json.dumps(entry, ensure_ascii=True) + "\n")
        size = legacy.stat().st_size
        done = subprocess.run([sys.executable, __file__, "--legacy-load", str(legacy)],
                              check=True, capture_output=True, text=True)  # fmt: skip
        old = json.loads(done.stdout)
        print(f"{args.entries:,} entries")
        print(f"JSON Lines ({size / 2**20:.0f} MB): load {old['seconds']:.2f} s, {old['mb']:.0f} MB"
              " of memory (the manifest this replaces)")  # fmt: skip

        started = time.perf_counter()
        Manifest(out, "sharded").compact()
        migrated = time.perf_counter() - started
        print(f"migration into SQLite (once): {migrated:.1f} s; database "
              f"{(out / MANIFEST).stat().st_size / 2**20:.0f} MB")

        opens = []
        for _ in range(5):
            started = time.perf_counter()
            manifest = Manifest(out, "sharded")
            opens.append(time.perf_counter() - started)
            manifest.compact()
        print(f"open: median {statistics.median(opens) * 1000:.1f} ms, max {max(opens) * 1000:.1f} ms"
              " (target <= 100 ms)")  # fmt: skip

        manifest = Manifest(out, "sharded")
        try:
            updates = []
            for n, entry in enumerate(synthetic_entries(args.updates)):
                entry["hash"] = hashlib.sha256(f"changed {n}".encode()).hexdigest()
                started = time.perf_counter()
                manifest.add(entry)
                updates.append(time.perf_counter() - started)
            updates.sort()
            p99 = updates[int(len(updates) * 0.99) - 1]
            print(f"one update: median {statistics.median(updates) * 1000:.3f} ms, mean"
                  f" {statistics.mean(updates) * 1000:.3f} ms, p99 {p99 * 1000:.3f} ms, max"
                  f" {updates[-1] * 1000:.3f} ms (target <= 1 ms; the slow ones fold the log into"
                  " the database)")  # fmt: skip

            sample = random.Random(17).sample(range(args.updates, args.entries), min(args.lookups, args.entries - args.updates))
            wanted = []
            for n in sample:
                nct_id = f"NCT{n:08d}"
                pdf = out / nct_id[-2:] / f"{nct_id}.pdf"
                pdf.parent.mkdir(exist_ok=True)
                with pdf.open("wb") as handle:
                    handle.truncate(150_000 + n % 90_000)  # sparse: the size, not the bytes
                wanted.append(hashlib.sha256(nct_id.encode()).hexdigest())
            clock, cpu = time.perf_counter(), time.process_time()
            found = sum(manifest.up_to_date(digest) is not None for digest in wanted)
            hits = (len(wanted) / (time.perf_counter() - clock), len(wanted) / (time.process_time() - cpu))
            unseen = [hashlib.sha256(f"new {n}".encode()).hexdigest() for n in range(len(wanted))]
            clock, cpu = time.perf_counter(), time.process_time()
            missing = sum(manifest.up_to_date(digest) is None for digest in unseen)
            misses = (len(unseen) / (time.perf_counter() - clock), len(unseen) / (time.process_time() - cpu))
            print(f"skip check: {hits[0]:,.0f} records/s up to date ({hits[1]:,.0f} by CPU time;"
                  f" {found:,} of {len(wanted):,} found), {misses[0]:,.0f} records/s never seen"
                  f" ({misses[1]:,.0f} by CPU time; {missing:,}) (target >= 20,000 records/s;"
                  f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")  # fmt: skip
            assert not manifest.warnings, manifest.warnings
        finally:
            manifest.compact()


if __name__ == "__main__":
    main()
