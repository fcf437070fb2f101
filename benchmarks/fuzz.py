"""A seeded fuzz campaign: mutated real records through the whole pipeline, in one process.

Each case is a real test record (tests/data/records, tests/data/xml) changed by one mutation
of one class, written to a file and made into a sheet as `sheets make` does it: read, build,
HTML, and for every ``--pdf-every``-th case the PDF. A case *holds* when it renders or stops
with the project's own error (`SheetsError`) in one line that names the file; anything else
(another exception, a message over two lines or without the file's name, a case over the
time limit) is a failure, printed with its class, seed and message so it can be replayed.

    .venv/bin/python benchmarks/fuzz.py --cases 10000          # a full campaign
    .venv/bin/python benchmarks/fuzz.py --quick                # a few hundred, for the tests
    .venv/bin/python benchmarks/fuzz.py --replay json-deep:123 # one case again

Prints tried / held per class, the hangs, and the slowest case.
"""

from __future__ import annotations

import _thread
import argparse
import json
import random
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RECORDS = sorted((ROOT / "tests" / "data" / "records").glob("*.json"))
XML_RECORDS = sorted((ROOT / "tests" / "data" / "xml").glob("*.xml"))
TIME_LIMIT = 180.0  # seconds before a case counts as a hang: past the product's own 120 s limit

HOSTILE = (
    "\ud800",  # a lone surrogate, as the JSON escape "\ud800" decodes
    "\udfff tail",
    "x\x00y\x07z\x1b[31m",
    "\u202etxt.exe\u202c and \u200b\ufeff",
    '<img src="file:///etc/passwd"><script>alert(1)</script>',
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{% include '/etc/passwd' %}",
    "<link rel=attachment href=file:///etc/passwd>",
    "url(http://127.0.0.1:9/x.png) @import 'http://127.0.0.1:9/a.css';",
    "NCT00000000 NCT99999999 ../../etc/passwd",
    "e\u0301\u0301\u0301\u0301" * 200,
    "🧪💉" * 500,
    "A" * 30_000,
    "a" * 8_000 + " (AB)",
    "(" * 5_000 + ")" * 5_000,
    "Inclusion Criteria:\n" + "* " * 20_000,
    "≥" * 10_000,
    "1) 2) 3) " * 3_000,
    "\n".join(f"{i}. Absolute neutrophil count (ANC) ≥ 1500/µL" for i in range(3_000)),
    "",
    " \t\r\n ",
)


@dataclass(frozen=True)
class Case:
    kind: str  # the mutation class
    seed: int
    name: str  # the file name the record is written under
    data: bytes


# ------------------------------------------------------------------- mutations, by class


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8"))


def _paths(obj: Any, trail: tuple = ()) -> Iterator[tuple]:
    """Every path to a value in a JSON document."""
    yield trail
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from _paths(value, (*trail, key))
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            yield from _paths(value, (*trail, index))


def _set(obj: Any, trail: tuple, value: Any) -> Any:
    if not trail:
        return value
    parent = obj
    for step in trail[:-1]:
        parent = parent[step]
    parent[trail[-1]] = value
    return obj


def _delete(obj: Any, trail: tuple) -> Any:
    if not trail:
        return {}
    parent = obj
    for step in trail[:-1]:
        parent = parent[step]
    del parent[trail[-1]]
    return obj


def _text_paths(obj: Any) -> list[tuple]:
    found = []
    for trail in _paths(obj):
        value = obj
        for step in trail:
            value = value[step]
        if isinstance(value, str):
            found.append(trail)
    return found


def json_structure(rng: random.Random) -> bytes:
    """A value somewhere swapped for one of another type, or deleted."""
    record = _load(rng.choice(RECORDS))
    for _ in range(rng.randint(1, 4)):
        trail = rng.choice(list(_paths(record)))
        replacement = rng.choice([None, [], {}, 0, -1, 1.5, True, "", "x", [None], {"a": None},
                                  2**63, -(2**63), float("1e308"), ["NCT00000001"], "DELETE"])  # fmt: skip
        record = _delete(record, trail) if replacement == "DELETE" else _set(record, trail, replacement)
    return json.dumps(record, ensure_ascii=rng.random() < 0.5).encode()


def json_bytes(rng: random.Random) -> bytes:
    """The file's bytes cut, flipped, repeated or spliced."""
    data = bytearray(rng.choice(RECORDS).read_bytes())
    how = rng.choice(["cut", "flip", "insert", "repeat", "bom", "utf16"])
    if how == "cut":
        return bytes(data[: rng.randrange(len(data))])
    if how == "flip":
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if how == "insert":
        at = rng.randrange(len(data))
        return bytes(data[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 64))) + data[at:])
    if how == "repeat":
        at, size = rng.randrange(len(data)), rng.randint(1, 4096)
        return bytes(data[:at] + data[at: at + size] * rng.randint(2, 50) + data[at:])
    if how == "bom":
        return b"\xef\xbb\xbf" + bytes(data)
    return bytes(data).decode("utf-8").encode("utf-16")


def json_deep(rng: random.Random) -> bytes:
    """A field nested hundreds to a hundred thousand levels deep."""
    record = _load(rng.choice(RECORDS))
    depth = rng.choice([100, 999, 1_001, 5_000, 100_000])
    opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
    marker = "__DEEP__"
    trail = rng.choice(list(_paths(record))[1:])
    text = json.dumps(_set(record, trail, marker))
    return text.replace(f'"{marker}"', opener * depth + "1" + closer * depth).encode()


def json_numbers(rng: random.Random) -> bytes:
    """A count, an age or a date given as an absurd number."""
    record = _load(rng.choice(RECORDS))
    marker = "__NUMBER__"
    trail = rng.choice(list(_paths(record))[1:])
    text = json.dumps(_set(record, trail, marker))
    number = rng.choice(["9" * 5_000, "-" + "1" * 4_301, "1e999", "-1e999", "1" * 100_000, "0.000000001",
                         "123456789012345678901234567890", "1E400"])  # fmt: skip
    return text.replace(f'"{marker}"', number).encode()


def text_hostile(rng: random.Random) -> bytes:
    """A text field holding a hostile or enormous string."""
    record = _load(rng.choice(RECORDS))
    for _ in range(rng.randint(1, 3)):
        texts = _text_paths(record)
        if not texts:
            break
        record = _set(record, rng.choice(texts), rng.choice(HOSTILE))
    # "\ud800" survives json.dumps only as an escape: write it as the hostile file would
    return json.dumps(record, ensure_ascii=True).encode()


def xml_mutation(rng: random.Random) -> bytes:
    """The legacy XML changed: encodings, BOMs, DTDs and entities, depth, cut bytes."""
    data = rng.choice(XML_RECORDS).read_bytes()
    body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
    how = rng.choice(["encoding", "bom", "xxe", "laughs", "deep", "cut", "flip", "utf16", "huge-text"])
    if how == "encoding":
        name = rng.choice([b"x-unknown", b"utf-7", b"ebcdic-xx", b"", b"UTF-32", b"latin-1"])
        return b'<?xml version="1.0" encoding="' + name + b'"?>' + body
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    if how == "xxe":
        dtd = b'<!DOCTYPE clinical_study [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        return b'<?xml version="1.0"?>' + dtd + body.replace(b"<brief_title>", b"<brief_title>&x;", 1)
    if how == "laughs":
        entities = b'<!ENTITY a "lol">' + b"".join(
            b"<!ENTITY %c \"%s\">" % (98 + i, (b"&%c;" % (97 + i)) * 10) for i in range(9)
        )
        return b'<?xml version="1.0"?><!DOCTYPE clinical_study [' + entities + b"]>" + body.replace(
            b"<brief_title>", b"<brief_title>&j;", 1)  # fmt: skip
    if how == "deep":
        depth = rng.choice([500, 5_000, 50_000])
        return data.replace(b"<brief_title>", b"<brief_title>" + b"<x>" * depth + b"</x>" * depth, 1)
    if how == "cut":
        return data[: rng.randrange(len(data))]
    if how == "flip":
        mutable = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            mutable[rng.randrange(len(mutable))] = rng.randrange(256)
        return bytes(mutable)
    if how == "utf16":
        return data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    return data.replace(b"<textblock>", b"<textblock>" + rng.choice(HOSTILE).encode("utf-8", "replace"), 1)


def big_text(rng: random.Random) -> bytes:
    """The eligibility text or summary grown to hundreds of kilobytes of real criteria."""
    record = _load(rng.choice(RECORDS))
    source = _load(rng.choice(RECORDS))["protocolSection"].get("eligibilityModule", {})
    text = source.get("eligibilityCriteria") or "* Age 18 or over\n"
    size = rng.choice([100_000, 300_000, 1_000_000])
    grown = (text + "\n") * (size // max(len(text), 1) + 1)
    where = rng.choice(["eligibilityModule.eligibilityCriteria", "descriptionModule.briefSummary"])
    module, field = where.split(".")
    record["protocolSection"].setdefault(module, {})[field] = grown[:size]
    return json.dumps(record).encode()


MUTATIONS: dict[str, Callable[[random.Random], bytes]] = {
    "json-structure": json_structure,
    "json-bytes": json_bytes,
    "json-deep": json_deep,
    "json-numbers": json_numbers,
    "text-hostile": text_hostile,
    "xml": xml_mutation,
    "big-text": big_text,
}
WEIGHTS = {"json-structure": 30, "json-bytes": 20, "json-deep": 8, "json-numbers": 8, "text-hostile": 20,
           "xml": 12, "big-text": 2}  # fmt: skip


def cases(count: int, seed: int) -> Iterator[Case]:
    """``count`` cases, the same for the same seed: each has its own seed, so it replays alone."""
    rng = random.Random(seed)
    kinds = list(WEIGHTS)
    for number in range(count):
        kind = rng.choices(kinds, weights=[WEIGHTS[k] for k in kinds])[0]
        yield make_case(kind, rng.randrange(2**32), number)


def make_case(kind: str, seed: int, number: int = 0) -> Case:
    data = MUTATIONS[kind](random.Random(seed))
    suffix = ".xml" if data.lstrip(b"\xef\xbb\xbf\xff\xfe \n").startswith((b"<", b"\x00<", b"<\x00")) else ".json"
    return Case(kind, seed, f"case-{number:05d}-{kind}{suffix}", data)


# ------------------------------------------------------------------------- running cases


class Hang(Exception):
    pass


def _hang(signum: int, frame: Any) -> None:
    raise Hang


@dataclass
class Outcome:
    case: Case
    held: bool
    result: str  # "rendered", "refused: <message>", or what went wrong
    seconds: float


def run_case(case: Case, folder: Path, *, pdf: bool, limit: float = TIME_LIMIT) -> Outcome:
    """Make the case's sheet as `sheets make` would (its per-sheet time limit included), and
    judge how it ended. A watchdog past ``limit`` seconds, beyond the product's own limit, marks
    a hang, even one blocked in a read."""
    from sheets import SheetOptions, SheetsError, deadline, load_trial
    from sheets.pipeline import render_html, render_pdf

    path = folder / case.name
    path.write_bytes(case.data)
    start = time.perf_counter()
    previous = signal.signal(signal.SIGUSR1, _hang)
    done = threading.Event()

    def watchdog() -> None:
        if not done.wait(limit):
            _thread.interrupt_main(signal.SIGUSR1)

    watcher = threading.Thread(target=watchdog, daemon=True)
    watcher.start()
    try:
        seconds = deadline.SHEET_SECONDS
        with deadline.time_limit(seconds, deadline.over_time(str(path), seconds)):
            trial = load_trial(path)
            options = SheetOptions()
            render_pdf(trial, options) if pdf else render_html(trial, options)
        held, result = True, "rendered"
    except SheetsError as error:
        message = str(error)
        one_line = "\n" not in message.strip() and len(message) < 2_000
        held = one_line and case.name in message
        result = f"refused: {message[:300]}" if held else f"bad message: {message[:300]!r}"
    except Hang:
        held, result = False, f"hang: over {limit:.0f} s"
    except BaseException as error:  # noqa: BLE001 - the campaign reports whatever escaped
        if isinstance(error, KeyboardInterrupt):
            raise
        last = traceback.extract_tb(error.__traceback__)[-1]
        held = False
        result = f"crash: {type(error).__name__}: {str(error)[:200]} ({Path(last.filename).name}:{last.lineno})"
    finally:
        done.set()
        watcher.join()
        signal.signal(signal.SIGUSR1, previous)
        path.unlink(missing_ok=True)
    return Outcome(case, held, result, time.perf_counter() - start)


def campaign(count: int, seed: int, pdf_every: int, limit: float = TIME_LIMIT,
             progress: Callable[[int, Outcome], None] | None = None) -> list[Outcome]:  # fmt: skip
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        for number, case in enumerate(cases(count, seed)):
            pdf = pdf_every > 0 and number % pdf_every == 0
            outcome = run_case(case, Path(folder), pdf=pdf, limit=limit)
            outcomes.append(outcome)
            if progress:
                progress(number, outcome)
    return outcomes


def summary(outcomes: list[Outcome]) -> str:
    tried, held = Counter(o.case.kind for o in outcomes), Counter(o.case.kind for o in outcomes if o.held)
    rendered = Counter(o.case.kind for o in outcomes if o.result == "rendered")
    lines = [f"{'class':<16}{'tried':>8}{'held':>8}{'rendered':>10}{'refused':>9}"]
    for kind in sorted(tried):
        lines.append(f"{kind:<16}{tried[kind]:>8}{held[kind]:>8}{rendered[kind]:>10}"
                     f"{held[kind] - rendered[kind]:>9}")  # fmt: skip
    total, total_held = sum(tried.values()), sum(held.values())
    lines.append(f"{'all':<16}{total:>8}{total_held:>8}   held {100 * total_held / max(total, 1):.2f}%")
    hangs = [o for o in outcomes if o.result.startswith("hang")]
    lines.append(f"hangs: {len(hangs)}")
    slowest = max(outcomes, key=lambda o: o.seconds, default=None)
    if slowest:
        lines.append(f"slowest case: {slowest.case.kind}:{slowest.case.seed} {slowest.seconds:.1f} s "
                     f"({len(slowest.case.data):,} bytes)")  # fmt: skip
    for outcome in [o for o in outcomes if not o.held][:40]:
        lines.append(f"FAILED {outcome.case.kind}:{outcome.case.seed} {outcome.result}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="300 cases, a PDF every 25th")
    parser.add_argument("--pdf-every", type=int, default=50, help="render the PDF for every Nth case")
    parser.add_argument("--limit", type=float, default=TIME_LIMIT, help="seconds before a case is a hang (the product stops a sheet at 120 s)")
    parser.add_argument("--replay", help="KIND:SEED, one case again, its result printed")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.replay:
        kind, seed = args.replay.split(":")
        with tempfile.TemporaryDirectory() as folder:
            outcome = run_case(make_case(kind, int(seed)), Path(folder), pdf=True, limit=args.limit)
        print(f"{'held' if outcome.held else 'FAILED'}: {outcome.result} ({outcome.seconds:.1f} s)")
        return 0 if outcome.held else 1
    count, pdf_every = (300, 25) if args.quick else (args.cases, args.pdf_every)
    start = time.perf_counter()

    def progress(number: int, outcome: Outcome) -> None:
        if not outcome.held:
            print(f"FAILED {outcome.case.kind}:{outcome.case.seed} {outcome.result}", file=sys.stderr, flush=True)
        if (number + 1) % 500 == 0:
            print(f"... {number + 1} cases, {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)

    outcomes = campaign(count, args.seed, pdf_every, args.limit, progress)
    print(f"fuzz campaign: {count} cases, seed {args.seed}, a PDF every {pdf_every}th, "
          f"{time.perf_counter() - start:.0f} s")  # fmt: skip
    print(summary(outcomes))
    return 0 if all(o.held for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
