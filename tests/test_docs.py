"""The README documents every command with its real --help text.

Run with UPDATE_DOCS=1 to rewrite the help blocks from the commands, then review the diff.
"""

from __future__ import annotations

import os
import re

from click.testing import CliRunner
from conftest import ROOT

from sheets.cli import main

README = ROOT / "README.md"
BLOCK = re.compile(r"<!-- help: (?P<command>[a-z ]+) -->\n```\n(?P<text>.*?)```\n", re.S)


def help_text(command: str) -> str:
    args = command.split()[1:]
    result = CliRunner().invoke(main, [*args, "--help"], prog_name="sheets", terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


def all_commands() -> list[str]:
    return ["sheets", *(f"sheets {name}" for name in sorted(main.commands))]


def test_every_command_has_its_current_help_in_the_readme():
    readme = README.read_text("utf-8")
    if os.environ.get("UPDATE_DOCS"):
        readme = BLOCK.sub(
            lambda m: f"<!-- help: {m['command']} -->\n```\n{help_text(m['command'])}```\n", readme
        )
        README.write_text(readme, "utf-8")
    documented = {m["command"]: m["text"] for m in BLOCK.finditer(readme)}
    for command in all_commands():
        assert command in documented, f"README lacks a help block for `{command}`"
        assert documented[command] == help_text(command), (
            f"README help for `{command}` is stale: run UPDATE_DOCS=1 make test"
        )

