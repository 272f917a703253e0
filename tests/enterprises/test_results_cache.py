"""Assessment results cached by their inputs (`assessment.engine_results`): what comes
from the cache is what the engine computes for those inputs now — batch or one by one,
cold or warm — and a change of facts, of the as-of date, of a rule set's version or of
the engine itself is another key."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache

from kechuang.assessments.services import enterprise_assessment
from kechuang.enterprises import assessment, services
from kechuang.enterprises.models import Enterprise
from kechuang.rules import evaluate, explain, inputs
from kechuang.rules.rulesets import RULESETS

AS_OF = dt.date(2021, 6, 30)


def _cold() -> None:
    cache.clear()
    assessment._LOCAL.entries.clear()


def _direct(records: list[dict[str, Any]], chosen: list[Any]) -> list[Any]:
    """The engine, uncached: per record its results and fix row."""
    parsed = inputs.from_records(records, as_of=AS_OF)
    evaluated = evaluate.assess(parsed.facts, chosen, as_of=AS_OF)
    flat = list(explain.records(evaluated, chosen))
    cols = [*assessment.FIX_BASE_COLUMNS, *(c for c in evaluated.columns if "|fix|" in c)]
    fixes = evaluated.select(cols).to_dicts()
    n = len(chosen)
    return [(flat[i * n : (i + 1) * n], fixes[i]) for i in range(len(records))]


def test_cached_results_equal_the_engine_batch_or_one_by_one_cold_or_warm(demo_county):
    firms = list(Enterprise.objects.order_by("pk")[:60])
    records = assessment.registry_records(firms, AS_OF)
    chosen = [RULESETS[r] for r in sorted(RULESETS)]
    expected = _direct(records, chosen)
    _cold()
    batch, _ = assessment.engine_results(records, chosen, AS_OF, fix_columns=True)
    assert batch == expected
    # warm: every one from the cache, as the engine gives it
    one_by_one = [
        assessment.engine_results([r], chosen, AS_OF, fix_columns=True)[0][0] for r in records
    ]
    assert one_by_one == expected
    # cold, one by one: a record's results do not depend on the others run with it
    for record, want in list(zip(records, expected, strict=True))[:15]:
        _cold()
        assert assessment.engine_results([record], chosen, AS_OF, fix_columns=True) == ([want], [])
    # from the shared cache alone (another process: nothing in this one's memory)
    assessment._LOCAL.entries.clear()
    assert assessment.engine_results(records, chosen, AS_OF, fix_columns=True)[0] == expected


def test_a_fact_edit_is_another_key_and_the_verdict_follows_it(staff, firm_b):
    _cold()
    _record, before = enterprise_assessment(enterprise=firm_b, as_of=AS_OF)
    services.facts_record(
        actor=staff,
        enterprise=firm_b,
        fiscal_year=2020,
        values={"rd_expense_yuan": Decimal("0")},
        source="statistics",
    )
    record, after = enterprise_assessment(enterprise=firm_b, as_of=AS_OF)
    chosen = assessment.rulesets_for("all", AS_OF)
    assert after["results"] == [r for rs, _fix in _direct([record], chosen) for r in rs]
    assert after != before
    hnte = next(r for r in after["results"] if r["ruleset"] == "hnte-2016")
    rd = next(c for c in hnte["criteria"] if c["id"] == "hnte.rd_expense_ratio")
    assert rd["passed"] is not True


def test_the_key_holds_the_inputs_the_date_the_rule_versions_and_the_engine(firm_b, monkeypatch):
    record = assessment.registry_records([firm_b], AS_OF)[0]
    chosen = assessment.rulesets_for("all", AS_OF)
    key = assessment.results_key(record, chosen, AS_OF, False)
    assert assessment.results_key(dict(record), chosen, AS_OF, False) == key
    assert assessment.results_key({**record, "employees": "101"}, chosen, AS_OF, False) != key
    assert assessment.results_key(record, chosen, AS_OF, True) != key
    later = dt.date(2021, 7, 1)
    assert assessment.results_key(record, chosen, later, False) != key
    monkeypatch.setattr(assessment, "ruleset_version", lambda rs, as_of: f"{rs.id}@2099-01-01")
    assert assessment.results_key(record, chosen, AS_OF, False) != key
    monkeypatch.undo()
    monkeypatch.setattr(assessment, "engine_fingerprint", lambda: "another-engine")
    assert assessment.results_key(record, chosen, AS_OF, False) != key


def test_what_the_caller_changes_in_its_results_stays_its_own(firm_b):
    _cold()
    _r, doc = enterprise_assessment(enterprise=firm_b, as_of=AS_OF)
    doc["results"][0]["verdict"] = "changed by the caller"
    _r, again = enterprise_assessment(enterprise=firm_b, as_of=AS_OF)
    assert again["results"][0]["verdict"] != "changed by the caller"


pytestmark = pytest.mark.django_db
