"""Where a sheet's PDF goes in the output folder: flat (``NCT….pdf``) or sharded
(``NN/NCT….pdf``, NN the NCT number's last two digits, as the bulk download spreads its files).

Owns the sheet's path relative to the output folder (the manifest keeps that path, so a
re-run in the same layout finds its sheets), making a shard folder safely, and clearing the
temporary files a killed batch left in the output folder and its shard folders. One folder of
560,000 PDFs is slow to list and to back up; 100 folders of about 5,600 each are not.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from sheets.errors import SheetsError

FLAT, SHARDED = "flat", "sharded"
LAYOUTS = (FLAT, SHARDED)
_SHARD = re.compile(r"\d\d")


def sheet_path(nct_id: str, layout: str) -> str:
    """The PDF's path inside the output folder, with ``/`` between its parts."""
    if layout not in LAYOUTS:
        raise SheetsError(f"unknown layout {layout!r} (known: {', '.join(LAYOUTS)})")
    name = f"{nct_id}.pdf"
    return f"{nct_id[-2:]}/{name}" if layout == SHARDED else name


def is_sheet_path(output: str, nct_id: str) -> bool:
    """Whether ``output`` is where some layout puts ``nct_id``'s sheet (and so never a path
    that leaves the output folder). Checked on every skip, so written out, not looked up."""
    return output == f"{nct_id}.pdf" or output == f"{nct_id[-2:]}/{nct_id}.pdf"


def sheet_target(out_dir: Path, nct_id: str, layout: str) -> Path:
    """Where to write ``nct_id``'s PDF, its shard folder made first. A shard folder that is a
    link or a file is refused: a PDF must never be written outside the output folder."""
    relative = sheet_path(nct_id, layout)
    target = out_dir / relative
    if target.parent != out_dir:
        try:
            os.mkdir(target.parent, 0o755)
        except FileExistsError:
            pass
        except OSError as error:
            raise SheetsError(f"cannot make the folder {target.parent}: {error.strerror}") from None
        if not stat.S_ISDIR(os.lstat(target.parent).st_mode):
            problem = "is not a folder (a link or a file?); its sheets are not written through it"
            raise SheetsError(f"{target.parent} {problem}")
    return target


def shard_folders(out_dir: Path) -> list[Path]:
    """The output folder's shard folders (``00`` to ``99``) that are real folders, not links."""
    try:
        names = os.listdir(out_dir)
    except OSError:
        return []
    found = []
    for name in sorted(names):
        if _SHARD.fullmatch(name):
            folder = out_dir / name
            try:
                if stat.S_ISDIR(os.lstat(folder).st_mode):
                    found.append(folder)
            except OSError:
                continue
    return found


def remove_stray_parts(out_dir: Path) -> None:
    """Temporary files left by a batch that was killed while writing (never a ``.pdf``), in the
    output folder and its shard folders, whichever layout left them."""
    for folder in (out_dir, *shard_folders(out_dir)):
        for stray in folder.glob(".*.pdf.*.part"):
            stray.unlink(missing_ok=True)
