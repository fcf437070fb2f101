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
    assert report.rewritten == report.criteria
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
