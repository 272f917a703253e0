"""An event's outcomes are records: agreements linked through the frame's `LINKS`
(matching offers its agreements), financing intentions recorded at the event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kechuang.core.audit import AuditLog
from kechuang.core.errors import Conflict, PermissionDenied, ValidationFailed
from kechuang.core.registry import link_source
from kechuang.events import selectors, services
from kechuang.events.models import FinancingIntention, OutcomeLink
from kechuang.matching import services as matching

pytestmark = pytest.mark.django_db
D = dt.date


def event(actor: Any, region: Any, **extra: Any) -> Any:
    data = {
        "kind": "iur",
        "title": "产学研对接会",
        "held_on": "2020-05-10",
        "place": "科创中心",
        "region": region,
        "organisers": "泰兴市科技局",
        **extra,
    }
    return services.event_save(actor=actor, data=data)


def agreement(actor: Any, firm: Any, signed_on: str = "2020-05-12") -> Any:
    inst = matching.institution_save(
        actor=actor, data={"name": f"江南大学{firm.pk}{signed_on}", "kind": "university"}
    )
    return matching.agreement_sign(
        actor=actor,
        enterprise=firm,
        data={
            "title": f"{firm.name}合作协议",
            "content": "中试",
            "amount_wan": "35.5",
            "signed_on": signed_on,
            "institution": inst,
        },
    )


def test_an_agreement_signed_at_the_event_is_linked_and_listed(
    staff: Any, regions: Any, firm_a: Any
) -> None:
    e = event(staff, regions["county"])
    services.participant_add(actor=staff, event=e, role="enterprise", enterprise=firm_a)
    a = agreement(staff, firm_a)
    agreement(staff, firm_a, "2020-09-01")  # months later: not proposed
    page = selectors.event_page(actor=staff, event=e)
    [(kind, label, found)] = page["link_candidates"]
    assert (kind, label, [r.ref for r in found]) == ("agreement", "科技合作协议", [a.pk])
    link = services.outcome_link_add(actor=staff, event=e, kind="agreement", ref=str(a.pk))
    entry = AuditLog.objects.filter(action="create").latest("pk")
    assert entry.object_id == str(link.pk) and entry.enterprise_id == firm_a.pk
    page = selectors.event_page(actor=staff, event=e)
    [(_row, record, kind_label)] = page["links"]
    assert record.url == f"/matching/agreements/{a.pk}/" and kind_label == "科技合作协议"
    assert page["n_agreements"] == 1 and page["link_candidates"][0][2] == []
    assert selectors.events(actor=staff).get(pk=e.pk).n_agreements == 1
    with pytest.raises(Conflict, match="已关联"):
        services.outcome_link_add(actor=staff, event=e, kind="agreement", ref=a.pk)


def test_a_record_out_of_scope_cannot_be_linked(
    staff: Any, officer_a: Any, officer_b: Any, regions: Any, firm_a: Any
) -> None:
    a = agreement(staff, firm_a)
    town = event(officer_b, regions["town_b"])
    with pytest.raises(ValidationFailed) as exc:
        services.outcome_link_add(actor=officer_b, event=town, kind="agreement", ref=a.pk)
    assert exc.value.errors[0].label == "科技合作协议"
    assert "不属于本区域" in exc.value.message
    county = event(staff, regions["county"])
    with pytest.raises(PermissionDenied):
        services.outcome_link_add(actor=officer_a, event=county, kind="agreement", ref=a.pk)
    assert not OutcomeLink.objects.exists()


@pytest.mark.parametrize(
    ("kind", "ref", "label"),
    [
        ("patent", "1", "成果类型"),
        ("agreement", "第一份", "科技合作协议"),
        ("agreement", "999", "科技合作协议"),
    ],
)
def test_a_bad_link_names_the_field(
    staff: Any, regions: Any, kind: str, ref: str, label: str
) -> None:
    e = event(staff, regions["county"])
    with pytest.raises(ValidationFailed) as exc:
        services.outcome_link_add(actor=staff, event=e, kind=kind, ref=ref)
    assert exc.value.errors[0].label == label
    assert not OutcomeLink.objects.exists()


def test_a_linked_record_out_of_the_readers_scope_is_neither_linked_nor_named(
    client: Any, staff: Any, officer_b: Any, regions: Any, firm_a: Any
) -> None:
    e = event(staff, regions["county"])
    a = agreement(staff, firm_a)
    services.outcome_link_add(actor=staff, event=e, kind="agreement", ref=a.pk)
    [(row, record, _label)] = selectors.event_page(actor=officer_b, event=e)["links"]
    assert record is None and firm_a.name in row.label
    client.force_login(officer_b)
    body = client.get(f"/events/{e.pk}/").content.decode()
    assert "其他区域的记录" in body and firm_a.name not in body and "取消关联" not in body


def test_unlinking_is_audited(staff: Any, officer_b: Any, regions: Any, firm_a: Any) -> None:
    e = event(staff, regions["county"])
    a = agreement(staff, firm_a)
    link = services.outcome_link_add(actor=staff, event=e, kind="agreement", ref=a.pk)
    with pytest.raises(PermissionDenied):
        services.outcome_link_remove(actor=officer_b, link=link)
    pk = link.pk
    services.outcome_link_remove(actor=staff, link=link)
    assert not OutcomeLink.objects.exists()
    assert AuditLog.objects.filter(action="delete", object_id=str(pk)).exists()


def test_financing_intentions_are_records_in_yuan(
    staff: Any, officer_b: Any, regions: Any, firm_a: Any
) -> None:
    e = event(staff, regions["county"], kind="finance")
    row = services.intention_add(
        actor=staff,
        event=e,
        data={"investor": "江苏高投", "enterprise": firm_a, "amount_wan": "1200.5", "note": "A轮"},
    )
    assert row.amount_yuan == Decimal("12005000.00") and row.on == D(2020, 5, 10)
    services.intention_add(
        actor=staff, event=e, data={"investor": "泰兴农商行", "amount_wan": "300"}
    )
    listed = selectors.events(actor=staff).get(pk=e.pk)
    assert listed.financing_yuan == Decimal("15005000.00")
    assert selectors.financing_total(selectors.events(actor=staff)) == Decimal("15005000.00")
    page = selectors.event_page(actor=officer_b, event=e)
    assert page["intentions"][0].shown_enterprise is None  # firm_a is not officer B's
    with pytest.raises(PermissionDenied):
        services.intention_remove(actor=officer_b, intention=row)
    pk = row.pk
    services.intention_remove(actor=staff, intention=row)
    assert AuditLog.objects.filter(action="delete", object_id=str(pk)).exists()


@pytest.mark.parametrize(
    ("data", "label"),
    [
        ({"investor": "", "amount_wan": "1"}, "投资机构/银行"),
        ({"investor": "江苏高投", "amount_wan": "很多"}, "意向金额（万元）"),
        ({"investor": "江苏高投", "amount_wan": ""}, "意向金额（万元）"),
        ({"investor": "江苏高投", "amount_wan": "1", "on": "昨天"}, "日期"),
    ],
)
def test_a_bad_intention_names_the_field(
    staff: Any, regions: Any, data: dict[str, Any], label: str
) -> None:
    e = event(staff, regions["county"])
    with pytest.raises(ValidationFailed) as exc:
        services.intention_add(actor=staff, event=e, data=data)
    assert exc.value.errors[0].label == label
    assert not FinancingIntention.objects.exists()


def test_an_enterprise_out_of_scope_is_refused(officer_b: Any, regions: Any, firm_a: Any) -> None:
    e = event(officer_b, regions["town_b"])
    with pytest.raises(ValidationFailed, match="不属于本区域"):
        services.intention_add(
            actor=officer_b,
            event=e,
            data={"investor": "江苏高投", "enterprise": firm_a, "amount_wan": "1"},
        )


def test_the_event_page_lists_outcomes_with_links(
    client: Any, staff: Any, officer_b: Any, regions: Any, firm_a: Any
) -> None:
    e = event(staff, regions["county"])
    services.participant_add(actor=staff, event=e, role="enterprise", enterprise=firm_a)
    a = agreement(staff, firm_a)
    client.force_login(staff)
    body = client.get(f"/events/{e.pk}/").content.decode()
    assert "关联科技合作协议" in body and f'value="{a.pk}"' in body
    client.post(f"/events/{e.pk}/link/", {"kind": "agreement", "ref": str(a.pk)})
    client.post(f"/events/{e.pk}/intention/", {"investor": "江苏高投", "amount_wan": "50"})
    body = client.get(f"/events/{e.pk}/").content.decode()
    assert f'href="/matching/agreements/{a.pk}/"' in body and "江苏高投" in body
    assert "现场签约 1 份" in body and "融资意向 50" in body
    link = OutcomeLink.objects.get()
    client.force_login(officer_b)
    client.post(f"/events/{e.pk}/unlink/", {"link": str(link.pk)})
    assert OutcomeLink.objects.exists()  # refused: not officer B's event
    client.force_login(staff)
    client.post(f"/events/{e.pk}/unlink/", {"link": str(link.pk)})
    assert not OutcomeLink.objects.exists()


def test_matching_offers_agreements_through_the_frame() -> None:
    source = link_source("agreement")
    assert source is not None and source.label == "科技合作协议"
    assert link_source("nothing") is None
