"""`pip install .` gives a working tool: templates and fonts ship inside the wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile

import pytest
from conftest import ROOT, SEED_RECORD
from pdfcheck import font_files, text_of

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(ROOT)],
        check=True,
    )
    (built,) = dist.glob("trial_sheets-*.whl")
    return built


def test_the_wheel_carries_templates_fonts_licences_and_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in [
        "sheets/templates/sheet.html",
        "sheets/templates/sheet.css",
        "sheets/fonts/AtkinsonHyperlegible-Regular.ttf",
        "sheets/fonts/OFL-AtkinsonHyperlegible.txt",
        "sheets/fonts/DejaVuSans.ttf",
        "sheets/fonts/LICENSE-DejaVu.txt",
        "sheets/fonts/DroidSansFallback.ttf",
        "sheets/fonts/LICENSE-DroidSansFallback.txt",
        "sheets/data/labels.toml",
    ]:
        assert required in names, required


def test_a_clean_venv_with_only_the_wheel_renders_a_sheet(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "--quiet", str(wheel)], check=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run(
        [env_dir / "bin" / "sheets", "make", str(SEED_RECORD)],
        cwd=work, env=clean_env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    pdf = (work / "NCT07632209.pdf").read_bytes()
    assert "Questions for your doctor" in text_of(pdf)
    assert any("Atkinson-Hyperlegible" in name for name in font_files(pdf))
    located = subprocess.run(
        [python, "-c", "from sheets.resources import fonts_dir; print(fonts_dir())"],
        cwd=work, env=clean_env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert str(env_dir) in located.stdout, "fonts must come from the installed wheel"
