"""The package's shape: one package per pipeline stage, each importing only earlier stages.

Stages in order: the shared core (model, errors, options, i18n, ...), sources/ (record ->
Trial), plain/ (criteria in plain English), content/ (Trial -> Sheet), render/ (Sheet -> HTML
-> PDF), pipeline.py (the chain), batch/ (many sheets), web/ (the web page), cli.py. Only the
package face, sheets/__init__.py, names things from every stage.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sheets"
STAGES = ["core", "sources", "plain", "content", "render", "pipeline", "batch", "web", "cli"]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else "core"


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(path: Path, *, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path.name}: a relative import; the package uses absolute ones")
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sheets"):
            for alias in node.names:  # "from sheets.plain import people": the submodule itself
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if _is_module(submodule) or node.module == "sheets" else node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("sheets")}
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "__init__.py")


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_a_module_imports_only_its_own_stage_and_earlier_ones(path):
    mine = STAGES.index(stage_of(module_name(path)))
    found = imports_of(path)
    later = [m for m in found if STAGES.index(stage_of(m)) > mine]
    assert not later, f"{module_name(path)} reaches forward to {later}"
    face = {f"sheets.{name}" for name in ("__version__", "load_trial", "build_sheet", "render_pdf",
                                          "render_html", "write_sheet", "Sheet", "SheetOptions")}  # fmt: skip
    assert not found & face, "only users import from the package face; a module names the stage"


def test_no_import_cycle_among_the_modules():
    graph = {module_name(p): imports_of(p, top_level_only=True) for p in MODULES}

    def visit(module: str, trail: tuple[str, ...]) -> None:
        for target in graph.get(module, ()):
            assert target not in trail, " -> ".join((*trail, target))
            visit(target, (*trail, target))

    for module in graph:
        visit(module, (module,))


def test_every_stage_package_says_what_it_takes_and_gives():
    for stage in ("sources", "plain", "content", "render", "batch", "web"):
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text("utf-8")))
        assert doc and "Takes" in doc and ("gives" in doc or "Gives" in doc), stage


def test_the_readme_table_names_every_module_of_each_package_and_only_those():
    readme = (PACKAGE.parent / "README.md").read_text("utf-8")
    table = readme[readme.index("## How it works"):].split("\n\n")[2]
    rows = {}
    for row in table.splitlines()[2:]:
        _, _, package, modules, _ = row.split("|")
        rows[package.strip().strip("`")] = set(re.findall(r"`(\w+\.py)`", modules))
    for stage in ("sources", "plain", "content", "render", "batch", "web"):
        on_disk = {p.name for p in (PACKAGE / stage).glob("*.py")} - {"__init__.py"}
        assert rows[f"sheets/{stage}/"] == on_disk, stage


def test_no_module_is_over_400_lines_or_40_definitions():
    for path in MODULES:
        tree = ast.parse(path.read_text("utf-8"))
        definitions = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        lines = len(path.read_text("utf-8").splitlines())
        assert lines <= 410 and len(definitions) <= 40, f"{module_name(path)}: {lines} lines, {len(definitions)} definitions"
