"""The rules engine is pure: nothing under kechuang/rules imports Django."""

from __future__ import annotations

import ast
from pathlib import Path

import kechuang.rules

ROOT = Path(kechuang.rules.__file__).parent


def test_nothing_under_kechuang_rules_imports_django() -> None:
    offenders = []
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path}: {n}" for n in names if n == "django" or n.startswith("django.")]
    assert offenders == []
