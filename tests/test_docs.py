"""The docs cover the code: every command of ours appears in docs/cli.md."""

from pathlib import Path

import pytest
from django.core.management import get_commands

# Engine-independent (`nodb`: not run again in the PostgreSQL pass): it reads the docs and
# the command list.
pytestmark = pytest.mark.nodb

ROOT = Path(__file__).resolve().parent.parent


def test_every_command_is_documented():
    cli = (ROOT / "docs" / "cli.md").read_text()
    ours = [name for name, app in get_commands().items() if app.startswith("kechuang.")]
    assert ours
    missing = [name for name in ours if f"`kechuang {name}" not in cli]
    assert not missing, f"add to docs/cli.md: {missing}"


def test_readme_names_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
