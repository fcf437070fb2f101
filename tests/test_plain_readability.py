"""Reading-grade measures and the readability report, and the two commands that print them."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner
from conftest import DATA

from sheets.cli import main
from sheets.plain import readability_report, reading_grade
from sheets.plain.readability import counts, syllables

ELIGIBILITY_TEXTS = sorted((DATA / "eligibility").glob("*.txt"))


def test_plain_lines_read_at_a_lower_grade_than_the_originals():
    report = readability_report(DATA / "eligibility")
    assert report.files == report.files_parsed == len(ELIGIBILITY_TEXTS)
    assert report.numbers_kept == report.criteria
    assert report.rewritten >= 0.9 * report.criteria  # the rest keep the study's words, marked so
    grade = sorted(report.grades_plain)[len(report.grades_plain) // 2]
    original = sorted(report.grades_original)[len(report.grades_original) // 2]
    assert grade <= original - 3, (grade, original)


def test_reading_grade_does_not_end_sentences_at_decimal_points():
    assert reading_grade(["Your level is at least 1.5 mg/dL and at most 2.5 mg/dL."]) == reading_grade(
        ["Your level is at least 15 mg/dL and at most 25 mg/dL."]
    )


def test_reading_grade_counts_sentences_words_and_syllables():
    c = counts("You cannot join if you are pregnant. Pregnancy tests are done at the first visit.")
    assert (c.sentences, c.words) == (2, 15)
    assert [syllables(w) for w in ("join", "pregnant", "visit", "creatinine")] == [1, 2, 2, 4]


def test_long_words_and_long_sentences_raise_the_grade():
    easy = reading_grade(["You cannot join if you are pregnant."])
    hard = reading_grade(["Participants with documented hypersensitivity to investigational medicinal products "
                          "administered intravenously are considered ineligible for randomization."])
    assert easy < 4 < 12 < hard


def test_plain_command_prints_a_json_array_of_kind_original_and_plain(tmp_path):
    source = tmp_path / "criteria.txt"
    source.write_text("Inclusion Criteria:\n* Age ≥ 18 years\nExclusion Criteria:\n* Pregnancy\n", "utf-8")
    result = CliRunner().invoke(main, ["plain", str(source), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["kind"] for r in rows] == ["inclusion", "exclusion"]
    assert rows[0]["original"] == "Age ≥ 18 years"
    assert rows[0]["plain"] == "You may be able to join if you are at least 18 years old."
    assert rows[1]["plain"].startswith("You cannot join if you are pregnant")


def test_readability_command_reports_the_measures(tmp_path):
    result = CliRunner().invoke(main, ["readability", str(DATA / "eligibility")])
    assert result.exit_code == 0, result.output
    for label in ("criteria found:", "given a plain line:", "Flesch-Kincaid", "SMOG",
                  "abbreviations unexplained:", "numbers kept:"):  # fmt: skip
        assert label in result.output
    assert re.search(r"numbers kept:\s+(\d+) of \1 criteria \(all kept\)", result.output)


def test_plain_command_reads_a_record_file_as_the_sheet_does():
    from sheets import load_trial
    from sheets.content.build import criteria_for

    record = DATA / "records" / "NCT06716424.json"
    result = CliRunner().invoke(main, ["plain", str(record), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    expected = criteria_for(load_trial(record))
    assert [r["plain"] for r in rows] == [c.plain for c in expected]
    assert not any('"protocolSection"' in r["original"] for r in rows)  # not the JSON as text


def test_plain_command_takes_an_nct_number_through_the_record_source(httpserver):
    study = json.loads((DATA / "records" / "NCT06171568.json").read_text("utf-8"))
    httpserver.expect_request("/api/v2/studies/NCT06171568").respond_with_json(study)
    api = httpserver.url_for("/api/v2")
    result = CliRunner().invoke(main, ["plain", "nct06171568", "--api-url", api])
    assert result.exit_code == 0, result.output
    criteria = study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    first = result.output.split("\n   was: ", 1)[1].split("\n", 1)[0]
    assert first.rstrip(".") in criteria.replace("\\", "")


def test_plain_command_names_a_missing_file_in_one_line():
    result = CliRunner().invoke(main, ["plain", "no-such-criteria.txt"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: no-such-criteria.txt: cannot read it (No such file or directory)"


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path):
    import subprocess
    import sys

    source = tmp_path / "long.txt"  # more output than a pipe holds, so the writer must block
    source.write_text("Inclusion Criteria:\n" + "* Age ≥ 18 years\n" * 3000, "utf-8")
    sheets = [sys.executable, "-c", "from sheets.cli import main; main()"]
    with subprocess.Popen([*sheets, "plain", str(source)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as command:  # fmt: skip
        command.stdout.readline()
        command.stdout.close()  # like `| head -1`
        error = command.stderr.read().decode()
        assert command.wait(timeout=60) == 141
    assert "Traceback" not in error and "bug" not in error, error
