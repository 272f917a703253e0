"""The worked examples of the rule specs hold (data: kechuang/rules/rulesets/*/cases)."""

from __future__ import annotations

from kechuang.rules.cases import Case, check, load_cases
from kechuang.rules.rulesets import RULESETS


def test_worked_example_holds(case: Case) -> None:
    assert check(case) == []


def test_every_spec_example_is_kept_as_data() -> None:
    ids = {c.id.split("-")[0] for c in load_cases()}
    wanted = {f"H{i}" for i in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16)}
    wanted |= {"H4a", "H4b", "H4c"} - {"H4"}
    wanted |= {f"T{i}" for i in (1, 2, 3, 5, 7, 8, 9)} | {"T4a", "T4b", "T6a", "T6b"}
    wanted.discard("H4")
    assert wanted <= ids


def test_every_criterion_has_a_passing_failing_and_unknown_case() -> None:
    seen: dict[str, set[object]] = {}
    inputs_only: set[str] = set()
    for c in load_cases():
        for cid, passed in (c.expect.get("criteria") or {}).items():
            seen.setdefault(cid, set()).add(passed)
        if "input_error" in c.expect:
            inputs_only.add(c.id)
    for rs in RULESETS.values():
        for cr in rs.criteria:
            outcomes = seen.get(cr.id, set())
            assert True in outcomes, cr.id
            # Criteria that valid input cannot fail/leave unknown have input-error cases.
            short = cr.id.split(".")[1]
            if short in ("tech_domain", "resident_enterprise"):
                assert any(("domain" in i or "resident" in i) for i in inputs_only), cr.id
                continue
            assert False in outcomes, cr.id
            assert None in outcomes, cr.id
