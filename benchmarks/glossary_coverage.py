"""How much of the abbreviation use in real eligibility texts the glossary explains.

Run with `.venv/bin/python benchmarks/glossary_coverage.py [FOLDER ...]` (default:
/work/shared/eligibility, *.txt files; .json ClinicalTrials.gov records are read for their
eligibility criteria). Tokens are found the way the rewrite engine finds them
(`abbreviations_in`), and a token counts as covered when the glossary's lookup finds a sense
for it ("HIV-infected" and "RECIST1" find their base). Product and model codes (two or more
digits, not in the glossary: "AUR103", "JS001") are counted apart, as the engine skips them.
Prints distinct tokens, occurrences, the share of occurrences covered, the share covered once
the texts' own inline definitions are added, and the most frequent uncovered tokens.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sheets.plain.explain import abbreviations_in  # noqa: E402
from sheets.plain.glossary import Glossary, inline_definitions, parse_glossary  # noqa: E402

DEFAULT_FOLDER = Path("/work/shared/eligibility")
GLOSSARY = ROOT / "sheets" / "data" / "glossary.toml"


def load_glossary(path: Path = GLOSSARY) -> Glossary:
    """The glossary from a file (so a working copy can be measured before it ships)."""
    return parse_glossary(path.read_text("utf-8"))


def read_texts(folders: list[Path]) -> dict[str, str]:
    """Eligibility text per file: .txt as written, .json records' eligibilityCriteria."""
    texts: dict[str, str] = {}
    for folder in folders:
        if folder.is_file():
            paths = [folder]
        else:
            paths = sorted(folder.glob("*.txt")) + sorted(folder.glob("*.json"))
        for path in paths:
            if path.suffix == ".json":
                data = json.loads(path.read_text("utf-8"))
                studies = data.get("studies", [data])
                for study in studies:
                    eligibility = study.get("protocolSection", {}).get("eligibilityModule", {})
                    if eligibility.get("eligibilityCriteria"):
                        texts[f"{path}:{len(texts)}"] = eligibility["eligibilityCriteria"]
            else:
                texts[str(path)] = path.read_text("utf-8", errors="replace")
    return texts


def is_code(token: str) -> bool:
    return sum(ch.isdigit() for ch in token) >= 2


def measure(texts: dict[str, str], source: Glossary) -> dict:
    occurrences: Counter[str] = Counter()
    documents: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    uncovered: Counter[str] = Counter()
    uncovered_docs: Counter[str] = Counter()
    defined_only = 0
    for text in texts.values():
        defined = inline_definitions(text)
        seen: set[str] = set()
        for token in abbreviations_in(text):
            found = source.lookup(token, text) is not None
            if is_code(token) and not found:
                codes[token] += 1
                continue
            occurrences[token] += 1
            if token not in seen:
                documents[token] += 1
            if not found:
                uncovered[token] += 1
                if token not in seen:
                    uncovered_docs[token] += 1
                if token in defined:
                    defined_only += 1
            seen.add(token)
    return {
        "occurrences": occurrences,
        "documents": documents,
        "codes": codes,
        "uncovered": uncovered,
        "uncovered_docs": uncovered_docs,
        "defined_only": defined_only,
    }


def report(result: dict, texts: int, top: int) -> str:
    total = sum(result["occurrences"].values())
    missed = sum(result["uncovered"].values())
    after_inline = missed - result["defined_only"]
    frequent = [t for t, n in result["documents"].items() if n >= 2]
    frequent_missed = [t for t in frequent if t in result["uncovered"]]

    def share(part: int, whole: int) -> str:
        return f"{100 * part / whole:.1f}%" if whole else "n/a"

    rows = [
        f"texts:                                {texts}",
        f"distinct abbreviation-like tokens:    {len(result['occurrences'])}",
        f"occurrences:                          {total}",
        f"covered by the glossary:              {total - missed} ({share(total - missed, total)})",
        f"covered with the texts' own definitions: {total - after_inline} "
        f"({share(total - after_inline, total)})",
        f"tokens in 2+ texts:                   {len(frequent)}, uncovered {len(frequent_missed)}"
        + (f" ({', '.join(sorted(frequent_missed))})" if frequent_missed else ""),
        f"product/model codes skipped:          {len(result['codes'])} distinct, "
        f"{sum(result['codes'].values())} occurrences",
        f"top {top} uncovered (occurrences, texts):",
    ]
    for token, count in result["uncovered"].most_common(top):
        rows.append(f"  {token:<16} {count:>4} {result['uncovered_docs'][token]:>4}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, default=[DEFAULT_FOLDER],
                        help="folders of .txt eligibility texts or .json records")  # fmt: skip
    parser.add_argument("--glossary", type=Path, default=GLOSSARY)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    texts = read_texts(args.folders)
    print(report(measure(texts, load_glossary(args.glossary)), len(texts), args.top))


if __name__ == "__main__":
    main()
