"""Where the bundled templates and fonts live, found through the package, never the cwd.

In a wheel they are ``sheets/templates`` and ``sheets/fonts`` (hatchling force-include);
in a source checkout they are the top-level ``templates/`` and ``fonts/`` beside the package.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path


@cache
def asset_dir(name: str) -> Path:
    """The folder of bundled assets called ``name`` ("templates" or "fonts")."""
    installed = Path(str(files("sheets") / name))
    if installed.is_dir():
        return installed
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"the bundled {name} folder is missing from this installation")


def templates_dir() -> Path:
    return asset_dir("templates")


def fonts_dir() -> Path:
    return asset_dir("fonts")
