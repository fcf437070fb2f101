"""The `sheets` command: a thin click layer over the library API.

Commands parse options, call one library function and report. Library errors
(`SheetsError`) become one-line click errors; nothing else is decided here.
"""

from __future__ import annotations

import functools
import os
import sys
from enum import IntEnum
from pathlib import Path

import click

from sheets.errors import SheetsError
from sheets.i18n import BASE, languages
from sheets.options import DEFAULT_LINK_TEMPLATE, PAPER_SIZES, PDF_VARIANTS, options_from_flags
from sheets.version import __version__


class ExitStatus(IntEnum):
    OK = 0
    ERROR = 1  # bad input or options: the message says what to fix
    USAGE = 2  # click's own code for a mistyped command line
    BUG = 70  # an unexpected failure inside trial-sheets
    INTERRUPTED = 130  # a batch stopped by Ctrl-C; running it again finishes it
    BROKEN_PIPE = 141  # the reader of our output closed it early, as a shell reports SIGPIPE


class SheetsGroup(click.Group):
    """Turns unexpected exceptions into one line (and a non-zero exit) unless --debug."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except SheetsError as error:
            raise click.ClickException(str(error)) from None
        except BrokenPipeError:  # the reader went away (`sheets plain ... | head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(ExitStatus.BROKEN_PIPE)
        except Exception as error:
            if ctx.meta.get("sheets.debug"):
                raise
            what = ctx.meta.get("sheets.sources.record", "the command")
            click.echo(
                f"Error: {what}: unexpected failure ({type(error).__name__}: {error}); "
                "this is a bug in trial-sheets: run again with --debug for details",
                err=True,
            )
            sys.exit(ExitStatus.BUG)


@click.group(cls=SheetsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="trial-sheets")
@click.option("--debug", is_flag=True, help="Show the full traceback of unexpected failures.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Turn a clinical-trial record into a printable PDF question sheet."""
    ctx.meta["sheets.debug"] = debug


def source_options(command):
    """--api-url, --offline and --refresh, for commands that may fetch records."""
    command = click.option("--refresh", is_flag=True, help="Fetch again even if the record is cached.")(command)
    command = click.option("--offline", is_flag=True, help="Use only cached records; never use the network.")(command)
    return click.option(
        "--api-url", envvar="SHEETS_API_URL", metavar="URL",
        help="ClinicalTrials.gov API v2 address (or a mirror). Default: https://clinicaltrials.gov/api/v2",
    )(command)  # fmt: skip


def sheet_option_flags(command):
    """The flags that shape a sheet, shared by every command that makes sheets.

    Each flag lands in the command's ``sheet_flags`` dict; `options.options_from_flags` turns that
    into a checked `SheetOptions`. Add a new sheet option here, once, for all commands.
    """
    flags = [
        click.option(
            "--paper", type=click.Choice(PAPER_SIZES), default="letter", show_default=True,
            help="Paper size.",
        ),
        click.option(
            "--link-template", default=DEFAULT_LINK_TEMPLATE, show_default=True,
            help="Address the QR code links to; {nct_id} is replaced by the trial's number.",
        ),
        click.option("--near", metavar="ZIP|COUNTRY", help="Your ZIP/postcode or country, to name the nearest site."),
        click.option("--secondary-outcomes", is_flag=True, help="Also list the secondary outcomes."),
        click.option(
            "--questions", "questions_file", type=click.Path(path_type=Path, dir_okay=False),
            help="A TOML file of extra questions: [doctor] questions = [...], [coordinator] questions = [...].",
        ),
        click.option(
            "--clinic", "clinic_file", type=click.Path(path_type=Path, dir_okay=False),
            help="A clinic's TOML file: name, logo, local contact, footer, templates; its paper and link apply unless given as flags.",
        ),
        click.option(
            "--lang", type=click.Choice(list(languages())), default=BASE, show_default=True,
            help="Language of the sheet's own words: "
            + ", ".join(f"{code} ({name})" for code, name in languages().items())
            + ". The record's text stays as written.",
        ),
        click.option("--large-print", is_flag=True, help="Large print: 18 pt body, 22 pt headings, one column."),
        click.option("--fillable", is_flag=True, help="Note areas and tick boxes become form fields to type in."),
        click.option(
            "--pdf-variant", type=click.Choice(PDF_VARIANTS),
            help="Also claim a PDF standard: pdf/ua-1 (accessible) or pdf/a-3b (archiving). Sheets are always tagged.",
        ),
    ]  # fmt: skip
    names = (
        "paper", "link_template", "near", "secondary_outcomes", "questions_file", "clinic_file",
        "lang", "large_print", "fillable", "pdf_variant",
    )  # fmt: skip

    def collect(**kwargs):
        kwargs["sheet_flags"] = {name: kwargs.pop(name) for name in names}
        source = click.get_current_context().get_parameter_source
        defaulted = {name for name in names if source(name) is click.core.ParameterSource.DEFAULT}
        kwargs["sheet_flags"]["defaulted"] = frozenset(defaulted)  # a clinic file may set these
        return command(**kwargs)

    collect = functools.update_wrapper(collect, command)
    for flag in reversed(flags):
        collect = flag(collect)
    return collect


@main.command()
@click.argument("record")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the PDF. Default: NCT<number>.pdf in the current folder.",
)  # fmt: skip
@sheet_option_flags
@source_options
@click.pass_context
def make(
    ctx: click.Context, record: str, output: Path | None, sheet_flags: dict,
    api_url: str | None, offline: bool, refresh: bool,
) -> None:  # fmt: skip
    """Make the question sheet for RECORD: a study file (JSON or XML) or an NCT number."""
    from sheets import deadline
    from sheets.pipeline import write_sheet
    from sheets.sources.resolve import resolve_trial

    ctx.meta["sheets.sources.record"] = str(record)
    options = options_from_flags(sheet_flags)
    trial = resolve_trial(record, api_url=api_url, offline=offline, refresh=refresh)
    ctx.meta["sheets.sources.record"] = trial.source
    seconds = deadline.SHEET_SECONDS
    with deadline.time_limit(seconds, deadline.over_time(trial.source, seconds)):
        written = write_sheet(trial, output or Path(f"{trial.nct_id}.pdf"), options)
    click.echo(f"Wrote {written}")


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o", "--output-dir", type=click.Path(path_type=Path, file_okay=False), required=True,
    help="Folder for the PDFs (NCT<number>.pdf), the manifest and the report.",
)
@click.option(
    "--booklet", type=click.Path(path_type=Path, dir_okay=False),
    help="Also combine the sheets into this one PDF, after a cover that lists them.",
)
@click.option("--duplex", is_flag=True, help="In the booklet, start every sheet on a front side.")
@click.option("-j", "--workers", type=click.IntRange(1, 256), help="Worker processes. Default: one per core.")
@click.option(
    "--scheduler", metavar="tcp://HOST:8786|local",
    help="Make the sheets on a Dask cluster: its scheduler's address, or 'local' for one on this "
    "machine with --workers processes. Needs trial-sheets[dask].",
)  # fmt: skip
@click.option("--force", is_flag=True, help="Make every sheet again, even those that are up to date.")
@click.option(
    "--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
    help="The report of every record (.json or .csv). Default: OUTPUT_DIR/sheets-batch-report.json.",
)
@click.option(
    "--layout", type=click.Choice(["flat", "sharded"]), default="flat", show_default=True,
    help="flat: every PDF in OUTPUT_DIR; sharded: in OUTPUT_DIR/NN/, NN the NCT number's last two digits.",
)  # fmt: skip
@sheet_option_flags
@source_options
def batch(
    inputs: tuple[str, ...], output_dir: Path, booklet: Path | None, duplex: bool,
    workers: int | None, scheduler: str | None, force: bool, report_path: Path | None,
    layout: str, sheet_flags: dict, api_url: str | None, offline: bool, refresh: bool,
) -> None:
    """Make a sheet for every record in INPUTS: record files, folders of them, the bulk
    download (.zip), .txt lists of NCT numbers, .jsonl files, search responses, NCT numbers,
    or search:cond=...&status=...&updated-since=YYYY-MM-DD

    Sheets that are up to date are skipped, so running it again resumes or refreshes a batch.
    """
    from sheets.batch.inputs import expand_inputs
    from sheets.batch.run import run_batch, write_report
    from sheets.batch.view import print_summary, progress_bar

    if scheduler is not None:
        import sheets.batch.cluster  # noqa: F401 - without Dask: one line now, before any search
    options = options_from_flags(sheet_flags)
    items = expand_inputs(inputs, api_url=api_url, offline=offline, refresh=refresh)
    with progress_bar(None) as advance:  # items stream in: the total is not known
        report = run_batch(
            items, output_dir, options, workers=workers, force=force,
            booklet=booklet, duplex=duplex, on_result=advance, scheduler=scheduler, layout=layout,
        )
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    written = write_report(report, report_path or output_dir / "sheets-batch-report.json")
    print_summary(report, written)
    if report.interrupted:
        sys.exit(ExitStatus.INTERRUPTED)
    if not report.ok:
        sys.exit(ExitStatus.ERROR)


@main.command()
@click.argument("nct_ids", nargs=-1, required=True)
@click.option(
    "-o", "--output-dir", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
    show_default=True, help="Folder to save the records in.",
)  # fmt: skip
@source_options
def fetch(nct_ids: tuple[str, ...], output_dir: Path, api_url: str | None, offline: bool, refresh: bool) -> None:
    """Save the records of NCT_IDS as JSON files for later offline use."""
    from sheets.sources.resolve import fetch_records

    for path in fetch_records(nct_ids, output_dir, api_url=api_url, offline=offline, refresh=refresh):
        click.echo(f"Saved {path}")


@main.command()
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of text.")
@source_options
@click.pass_context
def plain(ctx: click.Context, source: str, as_json: bool, api_url: str | None, offline: bool,
          refresh: bool) -> None:  # fmt: skip
    """Rewrite eligibility criteria in plain English, as the sheet prints them.

    SOURCE is a text file of eligibility criteria, or a record: a file (.json, .xml) or an
    NCT number, read like `sheets make` reads it.
    """
    import json

    from sheets.content.build import criteria_for
    from sheets.plain import plain_criteria
    from sheets.plain.criteria import parse_criteria
    from sheets.sources.resolve import is_record_source, resolve_trial

    ctx.meta["sheets.sources.record"] = source
    if is_record_source(source):
        trial = resolve_trial(source, api_url=api_url, offline=offline, refresh=refresh)
        criteria = criteria_for(trial)
    else:
        try:
            text = Path(source).read_text("utf-8", errors="replace")
        except OSError as error:
            raise click.ClickException(f"{source}: cannot read it ({error.strerror})") from None
        criteria = plain_criteria(parse_criteria(text))
    if as_json:
        rows = [
            {"kind": c.kind, "label": c.label, "note": c.note, "original": c.original, "plain": c.plain,
             "words": [{"term": term, "meaning": meaning} for term, meaning in c.words]}
            for c in criteria
        ]  # fmt: skip
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for number, criterion in enumerate(criteria, 1):
        label = f"{criterion.label}: " if criterion.label else ""
        words = "".join(f"\n   Words: {term}: {meaning}" for term, meaning in criterion.words)
        click.echo(f"{number}. [{criterion.kind}] {label}{criterion.plain}{words}\n"
                   f"   was: {criterion.original}\n")


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
def readability(folder: Path) -> None:
    """Measure the plain-English rewrite over every eligibility .txt file in FOLDER."""
    from sheets.plain import format_report, readability_report

    click.echo(format_report(readability_report(folder)))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", type=click.IntRange(1, 64), help="Processes making sheets. Default: one per core.")
@click.option(
    "--queue", type=click.IntRange(0, 10_000), default=32, show_default=True,
    help="Sheets that may wait for a worker; past that the page answers 503 (busy).",
)
@click.option(
    "--rate-limit", type=click.IntRange(1, 100_000), default=60, show_default=True,
    help="Sheets and previews one client address may ask for a minute.",
)
@click.option(
    "--api-url", envvar="SHEETS_API_URL", metavar="URL",
    help="ClinicalTrials.gov API v2 address (or a mirror). Default: https://clinicaltrials.gov/api/v2",
)
@click.option("--offline", is_flag=True, help="Use only cached records; never use the network.")
def serve(host: str, port: int, workers: int | None, queue: int, rate_limit: int,
          api_url: str | None, offline: bool) -> None:  # fmt: skip
    """Serve the web page: type an NCT number or upload a record, preview the sheet, download
    the PDF; and its API (/sheets/NCT....pdf, /sheets/NCT....json, POST /sheets)."""
    try:
        from sheets.web import app as web
    except ImportError as error:
        raise click.ClickException(
            f"the web page needs the web extra ({error.name} is missing): "
            "pip install 'trial-sheets[web]'"
        ) from None
    from sheets.sources.ctgov import api_url as checked_api_url

    settings = web.WebSettings(
        workers=workers or os.cpu_count() or 1, queue=queue, rate_limit=rate_limit,
        api_url=checked_api_url(api_url), offline=offline,
    )  # fmt: skip
    click.echo(f"Serving trial sheets on http://{host}:{port}/ (Ctrl-C stops)")
    web.serve(settings, host=host, port=port)
