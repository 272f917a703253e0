"""Innovation points on the frame: sets (copy forward, drafts, problems, publishing),
scoring stored with its version and inputs hash, explanations that sum exactly, what-if
by hand, the 公示 round trip (objection → correction → re-score → re-publish →
resolve → freeze) and who sees what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.core import registry
from kechuang.core.errors import Conflict, PermissionDenied, ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.points import selectors, services
from kechuang.points.models import PointSet, Score
from kechuang.programmes.models import Objection, Publicity
from tests.conftest import make_user
from tests.points.conftest import YEAR, small_set

pytestmark = pytest.mark.django_db


def scores_by_name(run: Any) -> dict[str, Score]:
    return {s.enterprise.name[:1]: s for s in run.scores.select_related("enterprise")}


# -- sets --------------------------------------------------------------------------------------


def test_copy_forward_starts_from_the_shipped_default_then_from_the_published_set(staff, county):
    first = services.set_copy_forward(actor=staff, county=county, year=2019)
    assert first.status == PointSet.Status.DRAFT and first.version == 1
    assert "非官方" in first.data["source"] and first.data["year_from"] == 2019
    assert services.set_problems(first.data) == []
    services.set_publish(actor=staff, point_set=first)
    again = services.set_copy_forward(actor=staff, county=county, year=2020)
    assert again.based_on == first and again.data["year_from"] == 2020
    # the draft of a year is one: asked again, the same draft
    assert services.set_copy_forward(actor=staff, county=county, year=2020) == again


def test_editor_names_every_problem_in_chinese(staff, county):
    draft = services.set_copy_forward(actor=staff, county=county, year=YEAR)
    bad = small_set(rd_weight=60, staff_weight=30)
    bad["indicators"][1]["source"] = {"field": "staff_count"}
    bad["indicators"][0]["group"] = "nope"
    problems = services.set_save_text(
        actor=staff, point_set=draft, text=services.yaml.safe_dump(bad, allow_unicode=True)
    )
    text = "\n".join(problems)
    assert "“staff_count”不在企业库可读的数据项中" in text
    assert "分组“nope”不存在" in text
    assert "全部企业各指标权重合计为60，须为100" in text
    with pytest.raises(ValidationFailed) as exc:
        services.set_publish(actor=staff, point_set=draft)
    assert "不能发布" in exc.value.message
    with pytest.raises(ValidationFailed) as exc:
        services.set_save_text(actor=staff, point_set=draft, text="a: [1,\nb: 2")
    assert "第" in exc.value.lines()[0] and "YAML" in exc.value.lines()[0]


def test_a_published_set_is_frozen(staff, published_small):
    with pytest.raises(Conflict):
        services.set_save_weights(
            actor=staff, point_set=published_small, weights={("rd", "all"): "60"}
        )


def test_a_field_without_a_registry_source_is_refused(staff, county, monkeypatch):
    from kechuang.points import inputs

    monkeypatch.delitem(inputs.SOURCES, "tech_staff")
    assert services.set_problems(small_set()) == ["企业库尚未采集“科技人员数”，无法读取"]


def test_only_the_bureau_manages_sets(officer_a, county):
    with pytest.raises(PermissionDenied):
        services.set_copy_forward(actor=officer_a, county=county, year=YEAR)


# -- scoring ------------------------------------------------------------------------------------


def test_scores_are_stored_with_the_set_version_and_inputs_hash(
    staff, county, firms, published_small
):
    run = services.score_county(actor=staff, county=county, year=YEAR)
    assert run.point_set == published_small and "测试用两项指标体系 第1版" in run.set_version
    assert len(run.inputs_hash) == 64 and run.scored == 3
    again = services.score_county(actor=staff, county=county, year=YEAR)
    assert again.inputs_hash == run.inputs_hash  # same facts, same hash
    # By hand (N = 3 firms, points = weight × beaten / 2):
    #   rd:    X beats 2 → 50, Y 1 → 25, Z 0 → 0;  staff: Y 2 → 50, Z 1 → 25, X 0 → 0
    s = scores_by_name(run)
    assert (s["甲"].total_cents, s["乙"].total_cents, s["丙"].total_cents) == (5000, 7500, 2500)
    assert (s["乙"].rank, s["甲"].rank, s["丙"].rank) == (1, 2, 3)
    assert s["乙"].tier == "a" and s["甲"].tier == ""


def test_every_explanation_sums_to_its_total_exactly(staff, county, firms):
    # the shipped default set (many indicators, bonus and negative items, unknowns)
    draft = services.set_copy_forward(actor=staff, county=county, year=YEAR)
    services.set_publish(actor=staff, point_set=draft)
    run = services.score_county(actor=staff, county=county, year=YEAR)
    for s in run.scores.all():
        cents = [line["cents"] for line in s.explanation["lines"] if line["cents"] is not None]
        assert sum(cents) == s.total_cents
        assert (
            sum(
                round(float(line["points"]) * 100)
                for line in s.explanation["lines"]
                if line["points"]
            )
            == s.total_cents
        )


def test_an_unknown_fact_is_unknown_never_zero_and_its_points_are_at_stake(
    staff, county, firms, published_small
):
    from kechuang.enterprises.services import facts_record

    facts_record(
        actor=staff,
        enterprise=firms["Z"],
        fiscal_year=YEAR,
        source="statistics",
        recorded_on=dt.date(YEAR + 1, 4, 1),
        values={"tech_staff": None},
    )
    run = services.score_county(actor=staff, county=county, year=YEAR)
    z = scores_by_name(run)["丙"]
    staff_line = next(line for line in z.explanation["lines"] if line["id"] == "staff")
    assert staff_line["points"] is None and staff_line["value"] == "未知"
    assert z.at_stake_cents == 5000
    assert "最多还可得50.00分" in z.explanation["notes"][0]
    # Y and X are now the only two with a staff figure: Y beats X → the whole weight
    assert scores_by_name(run)["乙"].total_cents == 2500 + 5000


def test_gains_name_the_cheapest_step_and_the_rank_it_reaches(
    staff, county, firms, published_small
):
    run = services.score_county(actor=staff, county=county, year=YEAR)
    x = scores_by_name(run)["甲"]
    texts = [g["text"] for g in x.explanation["gains"]]
    # X (5 staff) passes Z (20) only with 16 more people; one more person earns nothing
    assert texts == [] or all("→ +" in t for t in texts)


# -- what-if ------------------------------------------------------------------------------------


def test_raising_one_weight_in_a_draft_moves_ranks_as_computed_by_hand(
    staff, county, firms, published_small
):
    draft = services.set_copy_forward(actor=staff, county=county, year=YEAR)
    problems = services.set_save_weights(
        actor=staff, point_set=draft, weights={("rd", "all"): "80", ("staff", "all"): "20"}
    )
    assert problems == []
    result = selectors.whatif(draft, published_small)
    by = {r["name"][:1]: r for r in result.rows}
    # By hand with rd 80 / staff 20: X 80 + 0 = 80, Y 40 + 20 = 60, Z 0 + 10 = 10
    assert (by["甲"]["total_after"], by["乙"]["total_after"], by["丙"]["total_after"]) == (
        8000,
        6000,
        1000,
    )
    assert (by["甲"]["rank_before"], by["甲"]["rank_after"]) == (2, 1)
    assert (by["乙"]["rank_before"], by["乙"]["rank_after"]) == (1, 2)
    assert by["丙"]["moved"] == 0
    assert by["甲"]["crossed"] and by["乙"]["crossed"] and not by["丙"]["crossed"]
    assert (result.moved, result.crossed, result.up, result.down) == (2, 2, 1, 1)
    assert result.chart["moves"] == ["-1", "0", "1"] and result.chart["counts"] == [1, 1, 1]
    # published, re-scored: the stored ranks are the what-if's
    services.set_publish(actor=staff, point_set=draft)
    run = services.score_county(actor=staff, county=county, year=YEAR)
    s = scores_by_name(run)
    assert (s["甲"].rank, s["乙"].rank, s["丙"].rank) == (1, 2, 3)
    assert PointSet.objects.get(pk=published_small.pk).status == PointSet.Status.RETIRED


# -- the 公示 round trip --------------------------------------------------------------------------


def firm_user(firm: Any, username: str) -> Any:
    from kechuang.enterprises.models import EnterpriseMember

    user = make_user(username, "enterprise", display_name=f"{firm.name}用户")
    EnterpriseMember.objects.create(user=user, enterprise=firm)
    return user


def test_objection_correction_rescore_republish_resolve_freeze(staff, county, firms):
    from kechuang.enterprises.services import facts_record

    draft = services.set_copy_forward(actor=staff, county=county, year=YEAR)
    services._save_data(staff, draft, small_set(), "test")
    services.set_publish(actor=staff, point_set=draft)
    run = services.score_county(actor=staff, county=county, year=YEAR)
    pub = services.publication_publish(
        actor=staff,
        county=county,
        year=YEAR,
        starts_on=dt.date(2021, 6, 1),
        ends_on=dt.date(2021, 6, 10),
    )
    assert pub.run == run and pub.publicity.entries.count() == 3
    first = pub.publicity.entries.order_by("rank").first()
    assert first.application.enterprise == firms["Y"] and "第1名" in first.summary
    with pytest.raises(Conflict):  # published once a year
        services.publication_publish(
            actor=staff,
            county=county,
            year=YEAR,
            starts_on=dt.date(2021, 6, 1),
            ends_on=dt.date(2021, 6, 10),
        )

    # Z objects: its R&D was 400万, not 100万 (with a scan)
    z_user = firm_user(firms["Z"], "qiye_z")
    objection = services.objection_file(
        actor=z_user,
        publication=pub,
        enterprise=firms["Z"],
        reason="2020年研发费用应为400万元，统计数据录入有误",
        on=dt.date(2021, 6, 5),
        evidence=SimpleUploadedFile("研发费用专项审计.pdf", b"%PDF-1.4 test", "application/pdf"),
    )
    assert objection.evidence is not None and objection.status == Objection.Status.OPEN
    with pytest.raises(PermissionDenied):  # not for another firm's line
        services.objection_file(
            actor=z_user, publication=pub, enterprise=firms["X"], reason="x", on=dt.date(2021, 6, 5)
        )
    with pytest.raises(ValidationFailed):  # the window is closed
        services.objection_file(
            actor=z_user,
            publication=pub,
            enterprise=firms["Z"],
            reason="x",
            on=dt.date(2021, 6, 11),
        )

    # staff correct the fact, re-score, re-publish
    facts_record(
        actor=staff,
        enterprise=firms["Z"],
        fiscal_year=YEAR,
        source="audit_report",
        recorded_on=dt.date(2021, 6, 7),
        values={"rd_expense_yuan": Decimal(400 * 10000)},
    )
    with pytest.raises(Conflict):  # nothing new to publish yet
        services.publication_revise(actor=staff, publication=pub)
    services.score_county(actor=staff, county=county, year=YEAR, note="异议更正")
    changed = services.publication_revise(actor=staff, publication=pub)
    # By hand: rd Z 50, X 25, Y 0; staff Y 50, Z 25, X 0 → Z 75, Y 50, X 25
    s = scores_by_name(pub.run)
    assert (s["丙"].total_cents, s["乙"].total_cents, s["甲"].total_cents) == (7500, 5000, 2500)
    assert (s["丙"].rank, s["乙"].rank, s["甲"].rank) == (1, 2, 3)
    assert changed == 3 and pub.revisions == 1
    entry = pub.publicity.entries.get(application__enterprise=firms["Z"])
    assert entry.rank == 1 and "总分75.00分" in entry.summary

    with pytest.raises(ValidationFailed):  # an open objection holds the freeze
        services.publication_freeze(actor=staff, publication=pub, on=dt.date(2021, 6, 11))
    services.objection_resolve(
        actor=staff,
        objection=objection,
        upheld=True,
        resolution="经核实研发费用为400万元，已更正并重新计分、重新发布",
        on=dt.date(2021, 6, 8),
    )
    with pytest.raises(ValidationFailed):  # not before the window closes
        services.publication_freeze(actor=staff, publication=pub, on=dt.date(2021, 6, 10))
    services.publication_freeze(actor=staff, publication=pub, on=dt.date(2021, 6, 11))
    assert pub.publicity.status == Publicity.Status.FROZEN
    assert set(pub.publicity.entries.values_list("application__stage", flat=True)) == {"frozen"}
    with pytest.raises(Conflict):
        services.publication_revise(actor=staff, publication=pub)

    # the audit shows every step
    notes = list(AuditLog.objects.order_by("id").values_list("object_type", "action", "note"))
    kinds = [(t, a) for t, a, _n in notes]
    assert ("programmes.publicity", "create") in kinds
    assert ("programmes.attachment", "create") in kinds
    assert ("programmes.objection", "create") in kinds
    assert ("enterprises.factrevision", "create") in kinds or any(
        t.startswith("enterprises.") for t, _a in kinds
    )
    assert sum(1 for t, a in kinds if (t, a) == ("points.scorerun", "create")) == 2
    assert any(n.startswith("重新发布") for t, _a, n in notes if t == "points.publication")
    assert ("programmes.objection", "update") in kinds
    assert any(n == "积分排名定稿" for _t, _a, n in notes)


# -- who sees what --------------------------------------------------------------------------------


def test_an_enterprise_sees_only_its_own_score_before_publication(
    staff, county, firms, published_small
):
    services.score_county(actor=staff, county=county, year=YEAR)
    x_user = firm_user(firms["X"], "qiye_x")
    state = selectors.list_state(x_user, county, YEAR)
    assert state.run is None and list(selectors.list_scores(actor=x_user, state=state)) == []
    own = selectors.standing(actor=x_user, enterprise=firms["X"], year=YEAR)
    assert own.score is not None and not own.published
    from kechuang.core.errors import NotFound

    with pytest.raises(NotFound):
        selectors.enterprise_get(actor=x_user, pk=firms["Y"].pk)
    # attributes other apps read: only the published list
    ids = [f.pk for f in firms.values()]
    assert registry.attribute_values("points_score", ids, YEAR) == {}
    services.publication_publish(
        actor=staff,
        county=county,
        year=YEAR,
        starts_on=dt.date(2021, 6, 1),
        ends_on=dt.date(2021, 6, 10),
    )
    values = registry.attribute_values("points_score", ids, YEAR)
    assert {str(v) for v in values.values()} == {"50.00", "75.00", "25.00"}
    assert registry.attribute_values("points_tier", ids, None) == {firms["Y"].pk: "a"}
    assert registry.attribute_values("points_rank", ids, YEAR)[firms["Y"].pk] == 1
    state = selectors.list_state(x_user, county, YEAR)
    assert state.published and selectors.list_scores(actor=x_user, state=state).count() == 3


def test_an_officer_sees_the_scores_of_their_area_only(
    staff, officer_b, county, firms, published_small
):
    services.score_county(actor=staff, county=county, year=YEAR)
    state = selectors.list_state(officer_b, county, YEAR)
    names = [s.enterprise.name for s in selectors.list_scores(actor=officer_b, state=state)]
    assert names == [firms["Y"].name]


def test_supplementary_facts_are_checked_field_by_field(staff, firms):
    with pytest.raises(ValidationFailed) as exc:
        services.points_facts_save(
            actor=staff,
            enterprise=firms["X"],
            year=YEAR,
            values={"tax_paid_yuan": "十万", "rd_institutions": "-1", "major_incident": "也许"},
        )
    lines = exc.value.lines()
    assert any("纳税总额（万元）" in x and "不是金额" in x for x in lines)
    assert any("市级以上研发机构（个）" in x for x in lines)
    assert any("是" in x and "否" in x for x in lines)
    row = services.points_facts_save(
        actor=staff,
        enterprise=firms["X"],
        year=YEAR,
        values={"tax_paid_yuan": "12.5", "rd_institutions": "2", "major_incident": "否"},
    )
    assert str(row.tax_paid_yuan) == "125000.00" and row.rd_institutions == 2
    assert row.major_incident is False and row.credit_blacklisted is None
