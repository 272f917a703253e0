"""The rules engine is pure: loading all of kechuang.rules loads no Django and nothing
else of ours (checked in a fresh interpreter, so other tests' imports cannot hide it)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import kechuang.rules

ROOT = Path(kechuang.rules.__file__).parent
REPO = ROOT.parents[1]

# Run from the repository root, so that `kechuang` is this checkout. Imports every module under kechuang.rules, then prints the loaded modules that are
# Django or ours outside kechuang.rules (the package `kechuang` itself is allowed).
PROBE = """
import importlib, json, pkgutil, sys
import kechuang.rules
names = [m.name for m in pkgutil.walk_packages(kechuang.rules.__path__, "kechuang.rules.")]
for name in names:
    importlib.import_module(name)
bad = sorted(
    m for m in sys.modules
    if m == "django" or m.startswith("django.")
    or (m.startswith("kechuang.") and m != "kechuang.rules" and not m.startswith("kechuang.rules."))
)
print(json.dumps({"imported": names, "bad": bad}))
"""


def test_loading_every_rules_module_loads_no_django_and_nothing_else_of_ours() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "kechuang.rules.rulesets.hnte.criteria" in result["imported"]
    assert "kechuang.rules.uscc" in result["imported"]
    assert result["bad"] == []


def test_nothing_under_kechuang_rules_imports_django_or_our_other_packages() -> None:
    offenders = []
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path}: {n}"
                for n in names
                if n == "django"
                or n.startswith("django.")
                or (n.startswith("kechuang.") and not n.startswith("kechuang.rules"))
            ]
    assert offenders == []


def test_the_kechuang_package_imports_nothing() -> None:
    """`import kechuang.rules` runs kechuang/__init__.py first: it must stay import-free."""
    tree = ast.parse((ROOT.parent / "__init__.py").read_text(encoding="utf-8"))
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
