"""The sheets of every list of 产学研对接 and 科技活动 (高校院所, 待转化成果, 技术需求,
科技合作协议, 校企联盟 with members, 科技活动, 宣传用稿): an export imports back unchanged
(xlsx and CSV), into an emptied table it writes the same records again, a bad row is
named “第N行 列: 原因”, and a sheet with one bad row writes nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest

from kechuang.core import imports
from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.core.tabular import write_rows_csv, write_rows_xlsx
from kechuang.events import services as event_services
from kechuang.events.models import Article, Event
from kechuang.matching import services
from kechuang.matching.models import (
    Achievement,
    Agreement,
    Alliance,
    AllianceMember,
    Demand,
    Institution,
)

pytestmark = pytest.mark.django_db
KINDS = [
    "iur_institutions",
    "iur_achievements",
    "iur_demands",
    "iur_agreements",
    "iur_alliances",
    "events",
    "publicity_articles",
]


@pytest.fixture
def records(staff: Any, regions: Any, firm_a: Any, firm_b: Any) -> dict[str, Any]:
    inst = services.institution_save(
        actor=staff, data={"name": "江南大学", "kind": "university", "city": "无锡"}
    )
    other = services.institution_save(
        actor=staff, data={"name": "中科院过程所", "kind": "institute", "strengths": "化工"}
    )
    expert = services.expert_save(
        actor=staff, data={"name": "钱立新", "institution": inst, "fields": "发酵工程 酶制剂"}
    )
    services.achievement_save(
        actor=staff,
        data={
            "title": "高活性植酸酶",
            "description": "饲料用植酸酶的耐热改造",
            "institution": inst,
            "expert": expert,
            "domain": "2.3",
            "asking_yuan": Decimal("123456.78"),
        },
    )
    services.achievement_save(
        actor=staff,
        data={"title": "膜分离回收", "description": "溶剂回收", "institution": other},
    )
    services.demand_save(
        actor=staff,
        enterprise=firm_a,
        data={"title": "发酵液提取", "description": "提高收率", "budget_wan": "12.5"},
        on=dt.date(2020, 3, 2),
    )
    services.demand_save(
        actor=staff,
        enterprise=firm_b,
        data={"title": "废水处理", "description": "高盐废水", "deadline_on": "2021-01-31"},
        on=dt.date(2020, 4, 1),
    )
    services.agreement_sign(
        actor=staff,
        enterprise=firm_a,
        data={
            "title": "植酸酶产业化",
            "content": "中试与量产",
            "amount_wan": "35.5",
            "signed_on": "2020-06-01",
            "expert": expert,
        },
    )
    services.agreement_sign(
        actor=staff,
        enterprise=firm_b,
        data={
            "title": "溶剂回收",
            "content": "膜法",
            "amount_yuan": Decimal("80000"),
            "signed_on": "2020-07-01",
            "institution": other,
        },
    )
    alliance = services.alliance_save(
        actor=staff,
        data={
            "name": "生物发酵校企联盟",
            "lead": firm_a,
            "institution": inst,
            "founded_on": "2020-05-01",
            "purpose": "酶制剂",
        },
    )
    services.alliance_member_add(
        actor=staff, alliance=alliance, member=firm_b, on=dt.date(2020, 6, 1)
    )
    services.alliance_member_add(
        actor=staff, alliance=alliance, member=other, on=dt.date(2020, 6, 1)
    )
    event_services.event_save(
        actor=staff,
        data={
            "kind": "finance",
            "title": "科技金融进孵化器",
            "held_on": "2020-05-10",
            "place": "科创中心",
            "region": regions["county"],
            "organisers": "泰兴市科技局",
            "open_for_registration": True,
            "outcomes": "签约3项",
        },
    )
    event_services.event_save(
        actor=staff,
        data={
            "kind": "iur",
            "title": "园区产学研对接会",
            "held_on": "2020-09-10",
            "place": "园区A",
            "region": regions["park_a"],
            "organisers": "园区A",
        },
    )
    event_services.article_save(
        actor=staff,
        data={
            "media": "新华日报",
            "level": "provincial",
            "published_on": "2020-08-01",
            "title": "泰兴产学研合作见成效",
            "link": "https://example.cn/a",
            "region": regions["county"],
        },
    )
    return {"alliance": alliance, "inst": inst}


def exported(actor: Any, kind: str, fmt: str = "xlsx") -> tuple[bytes, int]:
    headers, rows = imports.export_rows(actor=actor, kind=kind)
    rows = list(rows)
    if fmt == "csv":
        text = io.StringIO()
        write_rows_csv(text, headers, rows)
        return ("\ufeff" + text.getvalue()).encode(), len(rows)
    buf = io.BytesIO()
    write_rows_xlsx(buf, headers, rows, sheet=imports.get_kind(kind).title)
    return buf.getvalue(), len(rows)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_export_reimports_unchanged(staff: Any, records: Any, kind: str, fmt: str) -> None:
    data, n = exported(staff, kind, fmt)
    plan = imports.import_run(actor=staff, kind=kind, data=data, filename=f"x.{fmt}", commit=True)
    assert plan.errors == [], [str(e) for e in plan.errors]
    assert n >= 1 and plan.counts["unchanged"] == plan.counts["rows"] == n, plan.counts


def _wipe(kind: str) -> None:
    if kind == "iur_institutions":
        Achievement.objects.all().delete()
        Agreement.objects.all().delete()
        Alliance.objects.all().delete()
        AllianceMember.objects.all().delete()
        Institution.objects.filter(agreements__isnull=True, experts__isnull=True).delete()
    else:
        model = {
            "iur_achievements": Achievement,
            "iur_demands": Demand,
            "iur_agreements": Agreement,
            "iur_alliances": Alliance,
            "events": Event,
            "publicity_articles": Article,
        }[kind]
        model.objects.all().delete()


@pytest.mark.parametrize("kind", KINDS)
def test_an_export_writes_the_same_records_again(staff: Any, records: Any, kind: str) -> None:
    data, _n = exported(staff, kind)
    before = list(imports.export_rows(actor=staff, kind=kind)[1])
    _wipe(kind)
    plan = imports.import_run(actor=staff, kind=kind, data=data, filename="x.xlsx", commit=True)
    assert plan.errors == [], [str(e) for e in plan.errors]
    assert plan.counts["new"] >= 1
    after = list(imports.export_rows(actor=staff, kind=kind)[1])
    assert len(after) == len(before)
    if kind not in ("iur_agreements",):  # 执行状态 of a re-recorded agreement starts again
        assert after == before


def test_a_bad_row_is_named_and_nothing_is_written(staff: Any, records: Any) -> None:
    headers, rows = imports.export_rows(actor=staff, kind="iur_demands")
    rows = [list(r) for r in rows]
    rows.append(["91320000MA00000000", "", "新需求", "描述", "", "", "", "征集中", "2020-05-01"])
    rows.append([rows[0][0], "", "另一个需求", "描述", "", "-3", "", "征集中", "2020-05-01"])
    buf = io.BytesIO()
    write_rows_xlsx(buf, headers, rows)
    n = Demand.objects.count()
    with pytest.raises(ValidationFailed) as err:
        imports.import_run(
            actor=staff, kind="iur_demands", data=buf.getvalue(), filename="x.xlsx", commit=True
        )
    said = [str(e) for e in err.value.errors]
    assert any(s.startswith("第4行 统一社会信用代码:") for s in said), said
    assert any(s.startswith("第5行 预算") for s in said), said
    assert Demand.objects.count() == n


def test_a_service_refusal_in_the_preview_names_its_row(staff: Any, records: Any) -> None:
    headers, rows = imports.export_rows(actor=staff, kind="iur_alliances")
    rows = [list(r) for r in rows]
    rows[0][8] = ""  # the co-founding institution cannot leave
    buf = io.BytesIO()
    write_rows_xlsx(buf, headers, rows)
    plan = imports.import_run(
        actor=staff, kind="iur_alliances", data=buf.getvalue(), filename="x.xlsx", commit=False
    )
    assert [str(e) for e in plan.errors] == [
        "第2行 成员: “江南大学”是联盟的牵头企业或共建院所，不能移除"
    ]
    assert AllianceMember.objects.filter(alliance=records["alliance"]).count() == 4


def test_alliance_members_follow_the_sheet(staff: Any, records: Any) -> None:
    headers, rows = imports.export_rows(actor=staff, kind="iur_alliances")
    rows = [list(r) for r in rows]
    rows[0][8] = "江南大学"  # 中科院过程所 leaves
    buf = io.BytesIO()
    write_rows_xlsx(buf, headers, rows)
    plan = imports.import_run(
        actor=staff, kind="iur_alliances", data=buf.getvalue(), filename="x.xlsx", commit=True
    )
    assert plan.counts["changed"] == 1
    names = {str(m) for m in AllianceMember.objects.filter(alliance=records["alliance"])}
    assert "中科院过程所" not in names and len(names) == 3


def test_an_officer_exports_and_reimports_their_areas_rows_only(
    officer_a: Any, records: Any, firm_a: Any
) -> None:
    for kind in ("iur_demands", "iur_agreements", "iur_alliances", "events"):
        data, n = exported(officer_a, kind)
        plan = imports.import_run(
            actor=officer_a, kind=kind, data=data, filename="x.xlsx", commit=True
        )
        assert plan.errors == [] and plan.counts["unchanged"] == n, (
            kind,
            [str(e) for e in plan.errors],
        )
    _headers, rows = imports.export_rows(actor=officer_a, kind="iur_alliances")
    assert firm_a.uscc in next(iter(rows))[7]


def test_an_enterprise_cannot_import_these(enterprise_user: Any, records: Any) -> None:
    for kind in ("iur_demands", "events", "iur_institutions"):
        with pytest.raises(PermissionDenied):
            imports.import_run(
                actor=enterprise_user, kind=kind, data=b"", filename="x.xlsx", commit=False
            )


# -- a list page's 导出 is its kind's import layout ---------------------------------------

PAGES = {
    "iur_experts": "/matching/experts/",
    "iur_institutions": "/matching/institutions/",
    "iur_achievements": "/matching/achievements/",
    "iur_demands": "/matching/demands/",
    "iur_agreements": "/matching/agreements/",
    "iur_alliances": "/matching/alliances/",
    "events": "/events/",
    "publicity_articles": "/events/articles/",
}


def page_export(client: Any, user: Any, url: str, **query: str) -> bytes:
    client.force_login(user)
    response = client.get(url, {**query, "export": "xlsx"})
    assert response.status_code == 200
    return bytes(response.content)


def dry_run(user: Any, kind: str, data: bytes) -> Any:
    return imports.import_run(actor=user, kind=kind, data=data, filename="x.xlsx", commit=False)


@pytest.mark.parametrize("kind", PAGES)
def test_a_lists_export_imports_back_unchanged(
    client: Any, staff: Any, records: Any, kind: str
) -> None:
    plan = dry_run(staff, kind, page_export(client, staff, PAGES[kind]))
    assert plan.errors == [] and not plan.warnings, [str(e) for e in plan.errors]
    assert plan.counts["rows"] >= 1 and plan.counts["unchanged"] == plan.counts["rows"]


def test_a_lists_export_keeps_its_filters_and_the_readers_scope(
    client: Any, staff: Any, officer_a: Any, records: Any
) -> None:
    plan = dry_run(staff, "iur_demands", page_export(client, staff, PAGES["iur_demands"], q="发酵"))
    assert [r.name.split()[-1] for r in plan.rows] == ["发酵液提取"]
    plan = dry_run(staff, "events", page_export(client, staff, PAGES["events"], kind="finance"))
    assert [r.status for r in plan.rows] == ["unchanged"] and "科技金融" in plan.rows[0].name
    data = page_export(client, officer_a, PAGES["iur_agreements"], year="2020")
    plan = dry_run(officer_a, "iur_agreements", data)
    assert plan.errors == [] and plan.counts["unchanged"] == plan.counts["rows"] == 1
