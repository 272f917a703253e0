"""Rules tests: no database. Collects the worked examples kept beside each rule set."""

from __future__ import annotations

import pytest

from kechuang.rules.cases import Case, load_cases


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every `case` parameter runs once per worked example (rulesets/*/cases/*.yaml)."""
    if "case" in metafunc.fixturenames:
        cases = load_cases()
        metafunc.parametrize("case", cases, ids=[c.name for c in cases])


@pytest.fixture
def all_cases() -> list[Case]:
    return load_cases()
