"""The benchmark scripts still run and print every figure they promise (never their values:
wall-clock figures belong in benchmarks/, not in tests)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


def run(script: str, *args: str) -> str:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args],
                            check=False, capture_output=True, text=True, timeout=600, cwd=ROOT)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_batch_benchmark_prints_every_figure_on_a_tiny_run():
    out = run("batch_speed.py", "--sheets", "3", "--baseline", "1", "--rounds", "1",
              "--records", "NCT06171568")  # fmt: skip
    for figure in ("pages per sheet", "ms/page", "content + HTML adds", "pool of 2 warm processes",
                   "batch: 3 sheets (0 failed)", "of the ceiling", "worker memory (VmRSS)",
                   "sheets, first", "a fresh process per sheet", "re-run, nothing changed: 3 unchanged",
                   "booklet of 3 sheets", "KB per page"):  # fmt: skip
        assert figure in out, (figure, out)


def test_the_render_benchmark_prints_cold_and_warm_figures():
    out = run("render_speed.py", "--cold-runs", "1", "--warm-rounds", "1", "--records", "2")
    for figure in ("cold `sheets make` (seed sheet): median", "warm seed sheet:", "test records:"):
        assert figure in out, (figure, out)


def test_the_web_benchmark_prints_latencies_overhead_and_throughput():
    out = run("web_speed.py", "--previews", "2", "--rounds", "1", "--home-samples", "5", "--pdfs", "2")
    for figure in ("warm preview of NCT06171568: p50", "p95", "web median", "bare render_record median",
                   "overhead", "home page while 4 PDFs render: p50", "p99", "PDFs: 2 requests",
                   "requests/s", "warm processes calling render_record:", "of that)", "of CPU a PDF"):  # fmt: skip
        assert figure in out, (figure, out)


def test_the_page_cost_benchmark_prints_the_ratio_and_where_the_time_goes():
    out = run("page_cost.py", "--rounds", "1", "--records", "1")
    for figure in ("1 records x 1 rounds", "our sheet:", "bare paragraphs:", "per-page cost:",
                   "x bare paragraphs (target <= 1.5)", "content+HTML", "layout", "PDF writing"):  # fmt: skip
        assert figure in out, (figure, out)


def test_the_manifest_benchmark_prints_open_update_and_skip_check_figures():
    out = run("manifest_speed.py", "--entries", "300", "--lookups", "50", "--updates", "20")
    for figure in ("300 entries", "JSON Lines (", "s, ", "MB of memory", "migration into SQLite (once):",
                   "open: median", "one update: median", "p99", "skip check:", "records/s up to date",
                   "records/s never seen", "CPU"):  # fmt: skip
        assert figure in out, (figure, out)


def test_the_stream_benchmark_prints_the_drivers_memory_as_it_streams():
    out = run("stream_memory.py", "--records", "40", "--every", "10")
    for figure in ("bulk zip: 40 records", "stream (expand_inputs", "40 up to date",
                   "driver memory (VmRSS, MB) at start", "stream peak", "grew",
                   "run_batch, nothing to make ({'unchanged': 40})"):  # fmt: skip
        assert figure in out, (figure, out)


def test_the_handout_benchmark_prints_pages_question_pages_and_empty_pages():
    out = run("handout_pages.py", "--records", "3")  # the example (joining), then two "about" sheets
    for figure in ("record         kind", "NCT07632209    joining", "joining sheets: 1; pages median",
                   "questions end on page: median", "about sheets: 2; pages max",
                   "emptiest page but the last: worst"):  # fmt: skip
        assert figure in out, (figure, out)


def test_the_plain_audit_draws_a_kept_sample_and_tallies_verdicts_on_it(tmp_path):
    import json
    import re
    import shutil

    corpus, out, sample_list = tmp_path / "corpus", tmp_path / "out", tmp_path / "sample.txt"
    corpus.mkdir()
    for name in ("NCT03860584.txt", "NCT03861429.txt", "NCT03924479.txt"):
        # Renamed: the audit never draws from the golden files, by name.
        shutil.copy(ROOT / "tests" / "data" / "eligibility" / name, corpus / f"X{name}")
    draw = ("plain_audit/sample.py", "--corpus", str(corpus), "--size", "10", "--parts", "2",
            "--out", str(out), "--list", str(sample_list))  # fmt: skip
    assert "criteria from" in run(*draw)
    assert len(sample_list.read_text().splitlines()) == 10
    assert "reusing" in run(*draw)
    assert (out / "part-1.md").exists() and (out / "part-2.md").exists()

    ids = [json.loads(line)["id"] for line in (out / "sample.jsonl").read_text().splitlines()]
    assert len(ids) == 10 and all(id_.startswith("XNCT") for id_ in ids)
    verdicts = ["```json", ""] + [
        json.dumps({"id": id_, "verdict": verdict, "plainness": 3, "pattern": "jargon left as is"})
        for id_, verdict in zip(ids[1:], ["critical", "major", "minor", "ok"] * 3, strict=False)
    ] + [json.dumps({"id": "NCT00000000#1", "verdict": "ok", "plainness": 5}), "```"]  # fmt: skip
    (tmp_path / "verdicts.jsonl").write_text("\n".join(verdicts))
    report = run("plain_audit/tally.py", str(tmp_path / "verdicts.jsonl"),
                    "--sample", str(out / "sample.jsonl"))  # fmt: skip
    for verdict in ("critical", "major", "minor", "ok"):  # a count and a share for each
        assert re.search(rf"^ +{verdict} +\d+ +\d+\.\d%$", report, re.M), (verdict, report)
    for figure in ("judged: 9 of 10", "mean plainness: 3.00",
                   "jargon left as is", f"missing from the verdicts (1): {ids[0]}",
                   "verdicts for unknown ids (1): NCT00000000#1", "worst lines:", " -> "):  # fmt: skip
        assert figure in report, (figure, report)
