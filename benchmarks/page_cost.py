"""What a page of our sheet costs against the same text as bare paragraphs, in one run.

Run: `.venv/bin/python benchmarks/page_cost.py [--rounds 3]`.
For every record in tests/data/records, in one warm process: our sheet (content, HTML and
PDF), and the same words, taken from that PDF line by line, laid out as bare paragraphs in the
same fonts, size, line height, paper and margins, with no tables, boxes, footer or QR. Rounds
alternate the two so the machine's load falls on both alike. Prints seconds per page of each
and their ratio (issue 13's target: <= 1.5), and where a sheet's time goes: content + HTML,
WeasyPrint layout, PDF writing.
"""

from __future__ import annotations

import argparse
import html
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from pdfcheck import page_texts  # noqa: E402  (the tests' own PDF reader)

RECORDS = sorted((ROOT / "tests" / "data" / "records").glob("*.json"))
BARE_CSS = """
@font-face { font-family: "Atkinson Hyperlegible"; src: url("../fonts/AtkinsonHyperlegible-Regular.ttf"); }
@font-face { font-family: "DejaVu Sans Sheets"; src: url("../fonts/DejaVuSans.ttf"); }
@page { size: letter; margin: 13mm 15mm 20mm 15mm; }
html { font-family: "Atkinson Hyperlegible", "DejaVu Sans Sheets", sans-serif; font-size: 12pt;
  line-height: 1.35; overflow-wrap: anywhere; }
body { margin: 0; }
p { margin: 0; }
"""


def bare_html(pdf: bytes) -> str:
    """The PDF's words, a paragraph per line of text."""
    lines = [line for page in page_texts(pdf) for line in page.splitlines() if line.strip()]
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>bare</title></head><body>{body}</body></html>"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--records", type=int, default=len(RECORDS), help="use only the first N")
    args = parser.parse_args()

    from sheets import SheetOptions, build_sheet, load_trial
    from sheets.render.html import render_html
    from sheets.render.pdf import default_renderer
    from sheets.render.weasy import CSS, HTML, path2url

    renderer = default_renderer()
    base = path2url(renderer.base_dir)
    bare_css = CSS(string=BARE_CSS, base_url=base, url_fetcher=renderer.fetcher,
                   font_config=renderer.font_config)  # fmt: skip
    options = SheetOptions()
    trials = [load_trial(path) for path in RECORDS[: args.records]]
    bares = [bare_html(renderer.render(render_html(build_sheet(t, options)), paper="letter"))
             for t in trials]  # fmt: skip

    sheet_time = content_time = layout_time = write_time = bare_time = 0.0
    sheet_pages = bare_pages = 0
    for _ in range(args.rounds):
        for trial, bare in zip(trials, bares, strict=True):
            start = time.perf_counter()
            page_html = render_html(build_sheet(trial, options))
            built = time.perf_counter()
            document = HTML(string=page_html, base_url=base, url_fetcher=renderer.fetcher).render(
                stylesheets=[renderer.stylesheet, renderer.paper_sheets["letter"]],
                font_config=renderer.font_config, pdf_tags=True,
            )  # fmt: skip
            laid_out = time.perf_counter()
            document.write_pdf(pdf_tags=True)
            done = time.perf_counter()
            content_time += built - start
            layout_time += laid_out - built
            write_time += done - laid_out
            sheet_time += done - start
            sheet_pages += len(document.pages)

            start = time.perf_counter()
            plain = HTML(string=bare, base_url=base, url_fetcher=renderer.fetcher).render(
                stylesheets=[bare_css], font_config=renderer.font_config, pdf_tags=True
            )
            plain.write_pdf(pdf_tags=True)
            bare_time += time.perf_counter() - start
            bare_pages += len(plain.pages)

    per_page, bare_per_page = sheet_time / sheet_pages, bare_time / bare_pages
    print(f"{len(trials)} records x {args.rounds} rounds, Letter, tagged, one warm process")
    print(f"our sheet:        {sheet_pages / args.rounds:.0f} pages a round, "
          f"{per_page * 1000:.1f} ms a page")
    print(f"bare paragraphs:  {bare_pages / args.rounds:.0f} pages a round, "
          f"{bare_per_page * 1000:.1f} ms a page (same words, fonts, size, margins)")
    print(f"per-page cost: {per_page / bare_per_page:.2f}x bare paragraphs (target <= 1.5)")
    print(f"a sheet's time: content+HTML {content_time / sheet_time:.0%}, "
          f"layout {layout_time / sheet_time:.0%}, PDF writing {write_time / sheet_time:.0%}")


if __name__ == "__main__":
    main()
