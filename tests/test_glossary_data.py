"""The glossary is data people review: its shape, its senses and a few facts are checked."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from importlib.resources import files

from sheets.plain.engine import abbreviations_in

CATEGORIES = {"lab", "performance", "staging", "imaging", "infection", "cardiac", "pregnancy",
              "research", "treatment", "condition", "body", "unit", "other"}  # fmt: skip
SOURCES = {"NCI", "MedlinePlus", "CDC", "FDA", "NIH"}
ENTRIES = tomllib.loads((files("sheets") / "data" / "glossary.toml").read_text("utf-8"))["entry"]
TERMS = {e["term"] for e in ENTRIES}


def test_every_entry_has_the_schema():
    assert len(ENTRIES) >= 300
    for entry in ENTRIES:
        assert set(entry) == {"term", "expansion", "plain", "category", "context", "source"}, entry
        assert entry["category"] in CATEGORIES and entry["source"] in SOURCES, entry
        for pattern in entry["context"]:
            re.compile(pattern)


def test_each_term_has_exactly_one_default_sense_and_no_repeats():
    defaults = Counter(e["term"] for e in ENTRIES if not e["context"])
    assert all(n == 1 for n in defaults.values()), [t for t, n in defaults.items() if n > 1]
    assert TERMS == set(defaults)
    senses = Counter((e["term"], tuple(e["context"])) for e in ENTRIES)
    assert max(senses.values()) == 1


def test_meanings_are_short_plain_and_use_only_explained_abbreviations():
    for entry in ENTRIES:
        meaning = entry["plain"]
        assert len(meaning.split()) <= 25, entry["term"]
        first = meaning.split()[0]
        starts_with_name = first in TERMS or first in entry["expansion"] or first[:1].isdigit()
        assert meaning[:1].islower() or starts_with_name, entry["term"]
        assert not meaning.endswith("."), entry["term"]
        for token in abbreviations_in(meaning):
            assert token in TERMS, (entry["term"], token)


def test_key_facts():
    meaning = {e["term"]: e["plain"] for e in ENTRIES if not e["context"]}
    assert "0 to 5" in meaning["ECOG"] and "daily" in meaning["ECOG"]
    assert "normal" in meaning["ULN"]
    assert "kidney" in meaning["eGFR"]
    assert "clot" in meaning["INR"]
    assert "AIDS" in meaning["HIV"]
    assert meaning["ASA"] == "aspirin"
