"""docs/rules/*.md are generated from the code: they must be current and cover every criterion."""

from __future__ import annotations

from kechuang.rules.docs import DOCS_DIR, render, write_docs
from kechuang.rules.rulesets import RULESETS


def test_committed_docs_equal_the_generated_ones() -> None:
    assert write_docs(check=True) == [], "run: python -m kechuang.rules docs"


def test_every_criterion_is_documented_with_its_clause() -> None:
    for rs in RULESETS.values():
        text = (DOCS_DIR / f"{rs.id}.md").read_text(encoding="utf-8")
        for cr in rs.criteria:
            assert cr.clause
            assert f"`{cr.id}`" in text and cr.clause in text
        assert text == render(rs)


def test_every_parameter_value_cites_a_source() -> None:
    for rs in RULESETS.values():
        for p in rs.parameters.parameters.values():
            assert all(v.source for v in p.values), p.name
