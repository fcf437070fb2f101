"""The `sheets` command as a user types it: outputs, options and one-line errors."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from conftest import SEED_RECORD
from pdfcheck import find_qr, reader, text_of

from sheets import __version__
from sheets.cli import ExitStatus, SheetsGroup, main


@pytest.fixture()
def runner():
    return CliRunner()


def test_make_writes_nct_named_pdf_in_the_current_folder(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["make", str(SEED_RECORD)])
    assert result.exit_code == 0, result.output
    pdf = (tmp_path / "NCT07632209.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and "Questions for your doctor" in text_of(pdf)
    assert "Wrote NCT07632209.pdf" in result.output


def test_make_honours_output_paper_and_link_template(runner, tmp_path):
    out = tmp_path / "nested" / "sheet.pdf"
    result = runner.invoke(
        main,
        ["make", str(SEED_RECORD), "-o", str(out), "--paper", "a4",
         "--link-template", "https://example.org/t/{nct_id}"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    assert round(float(reader(pdf).pages[0].mediabox.width)) == 595
    assert find_qr(pdf).text == "https://example.org/t/NCT07632209"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{broken", "not valid JSON"),
        ('{"studies": []}', "exactly one study"),
        ('{"protocolSection": {"identificationModule": {}}}', "has no NCT number"),
    ],
)
def test_a_bad_record_gives_one_line_a_nonzero_exit_and_no_pdf(runner, tmp_path, content, problem):
    record = tmp_path / "bad.json"
    record.write_text(content, encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = runner.invoke(main, ["make", str(record), "-o", str(out)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {record}") and problem in lines[0]
    assert "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.glob("*.part")) == []


def test_a_failed_make_leaves_an_existing_pdf_untouched(runner, tmp_path):
    out = tmp_path / "out.pdf"
    out.write_bytes(b"%PDF-previous")
    record = tmp_path / "bad.json"
    record.write_text("{}", encoding="utf-8")
    result = runner.invoke(main, ["make", str(record), "-o", str(out)])
    assert result.exit_code == 1
    assert out.read_bytes() == b"%PDF-previous"


def test_a_missing_record_file_is_one_line(runner, tmp_path):
    result = runner.invoke(main, ["make", str(tmp_path / "nope.json")])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {tmp_path / 'nope.json'}: no such file"


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--link-template", "https://example.org/"], "must contain {nct_id}"),
        (["--link-template", "file:///etc/{nct_id}"], "http:// or https://"),
        (["--paper", "legal"], "Invalid value for '--paper'"),
    ],
)
def test_bad_options_are_refused_before_anything_is_written(runner, tmp_path, args, problem):
    out = tmp_path / "out.pdf"
    result = runner.invoke(main, ["make", str(SEED_RECORD), "-o", str(out), *args])
    assert result.exit_code != 0 and problem in result.output
    assert not out.exists()


def test_an_unwritable_output_path_is_one_line(runner, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    result = runner.invoke(main, ["make", str(SEED_RECORD), "-o", str(blocker / "x.pdf")])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot write {blocker / 'x.pdf'}")
    assert len(result.output.strip().splitlines()) == 1


def test_an_unexpected_failure_is_one_line_with_exit_70_and_debug_shows_it(runner):
    @click.group(cls=SheetsGroup)
    @click.option("--debug", is_flag=True)
    @click.pass_context
    def group(ctx, debug):
        ctx.meta["sheets.debug"] = debug

    @group.command()
    @click.pass_context
    def explode(ctx):
        ctx.meta["sheets.sources.record"] = "some.json"
        raise RuntimeError("boom")

    result = runner.invoke(group, ["explode"])
    assert result.exit_code == ExitStatus.BUG
    assert result.output.strip().splitlines() == [
        "Error: some.json: unexpected failure (RuntimeError: boom); this is a bug in "
        "trial-sheets: run again with --debug for details"
    ]
    debug = runner.invoke(group, ["--debug", "explode"])
    assert isinstance(debug.exception, RuntimeError)


def test_version_and_help(runner):
    assert runner.invoke(main, ["--version"]).output.strip() == f"trial-sheets, version {__version__}"
    for args in (["--help"], ["make", "--help"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0 and "Usage:" in result.output


def test_a_sheet_made_from_a_file_never_loads_the_http_client(tmp_path):
    """httpx costs a cold `sheets make` about 0.1 s; a file needs no network."""
    import subprocess
    import sys

    out = tmp_path / "seed.pdf"
    code = (
        "import sys; from click.testing import CliRunner; from sheets.cli import main; "
        f"r = CliRunner().invoke(main, ['make', {str(SEED_RECORD)!r}, '-o', {str(out)!r}]); "
        "assert r.exit_code == 0, r.output; print('httpx' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False" and out.read_bytes().startswith(b"%PDF-")


def test_make_stops_a_sheet_at_its_time_limit_in_one_line(runner, tmp_path, monkeypatch):
    monkeypatch.setattr("sheets.deadline.SHEET_SECONDS", 0.01)  # any real sheet takes longer
    out = tmp_path / "out.pdf"
    result = runner.invoke(main, ["make", str(SEED_RECORD), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {SEED_RECORD}: making the sheet took longer than 0.01 s, so it was stopped "
        "(a very large record, or a clinic template that loops?)"
    ]
    assert not out.exists() and list(tmp_path.glob("*.part")) == []
    import signal

    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # no alarm left to go off later
