"""The benchmark scripts still run and print every figure they promise (never their values:
wall-clock figures belong in benchmarks/, not in tests)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


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
    out = run("render_speed.py", "--cold-runs", "1", "--warm-rounds", "1")
    for figure in ("cold `sheets make` (seed sheet): median", "warm seed sheet:", "test records:"):
        assert figure in out, (figure, out)
