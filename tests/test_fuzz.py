"""A seeded fuzz run in the suite: a few hundred mutated real records (benchmarks/fuzz.py, the
same harness as the full campaign) each render or stop with one line that names the file."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from conftest import ROOT

spec = importlib.util.spec_from_file_location("fuzz", ROOT / "benchmarks" / "fuzz.py")
assert spec is not None and spec.loader is not None
fuzz = importlib.util.module_from_spec(spec)
sys.modules["fuzz"] = fuzz  # its dataclasses look their module up by name
spec.loader.exec_module(fuzz)


@pytest.mark.expects_weasyprint_warnings
def test_every_mutated_record_renders_or_stops_with_one_line_naming_it(fail_on_weasyprint_warnings):
    outcomes = fuzz.campaign(300, seed=20261206, pdf_every=25)
    failures = [f"{o.case.kind}:{o.case.seed} {o.result}" for o in outcomes if not o.held]
    assert not failures, "\n".join(failures)
    kinds = {o.case.kind for o in outcomes}
    assert kinds == set(fuzz.MUTATIONS), "every class of mutation is tried"
    assert any(o.result == "rendered" for o in outcomes) and any(o.result.startswith("refused") for o in outcomes)
    # Emoji no bundled font draws are shown as empty boxes; WeasyPrint may say so, nothing else.
    others = [m for m in fail_on_weasyprint_warnings.messages if not m.startswith(".notdef glyph rendered")]
    assert others == []


def test_the_harness_fails_a_crash_a_message_without_the_file_and_a_hang(tmp_path, monkeypatch):
    import sheets.pipeline
    from sheets import SheetsError

    case = fuzz.make_case("json-structure", 1)
    for raised, verdict in ((ValueError("boom"), "crash: ValueError"), (SheetsError("no name here"), "bad message")):
        def fail(*args, raised=raised):
            raise raised

        monkeypatch.setattr(sheets.pipeline, "render_html", fail)
        outcome = fuzz.run_case(case, tmp_path, pdf=False)
        assert not outcome.held and outcome.result.startswith(verdict), outcome.result

    def slow(*args):
        while True:
            pass

    monkeypatch.setattr(sheets.pipeline, "render_html", slow)
    outcome = fuzz.run_case(case, tmp_path, pdf=False, limit=0.2)
    assert not outcome.held and outcome.result.startswith("hang")
