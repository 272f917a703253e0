import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.core.models import AuditLog
from kechuang.enterprises.models import Certificate, FactRevision
from kechuang.enterprises.services import (
    certificate_save,
    enterprise_create,
    enterprise_update,
    facts_record,
    name_initials,
)
from tests.conftest import make_enterprise, new_uscc

pytestmark = pytest.mark.django_db


def test_create_writes_audit_and_pinyin(staff, regions):
    e = make_enterprise(staff, regions["town_b"], "泰兴市华泰化工有限公司")
    assert e.name_initials == "TXSHTHGYXGS"
    log = AuditLog.objects.get(object_type="enterprises.enterprise", object_id=str(e.pk))
    assert log.action == "create" and log.actor == staff and log.after["uscc"] == e.uscc


def test_invalid_uscc_is_rejected_with_field_name(staff, regions):
    with pytest.raises(ValidationFailed) as exc:
        make_enterprise(staff, regions["town_b"], uscc="9144030O1922038216")
    assert "统一社会信用代码: 含非法字符 O" in exc.value.lines()[0]


def test_duplicate_uscc_is_rejected(staff, regions, firm_a):
    with pytest.raises(ValidationFailed) as exc:
        make_enterprise(staff, regions["town_b"], uscc=firm_a.uscc)
    assert "已存在" in exc.value.lines()[0]


def test_failing_check_digit_is_saved_for_review(staff, regions):
    e = make_enterprise(staff, regions["town_b"], uscc="914403001922038217")
    assert e.needs_review and "校验码" in e.review_reason


def test_future_registration_date_is_rejected(staff, regions):
    with pytest.raises(ValidationFailed) as exc:
        make_enterprise(
            staff, regions["town_b"], registered_on=dt.date.today() + dt.timedelta(days=3)
        )
    assert exc.value.errors[0].field == "registered_on"


def test_officer_cannot_place_enterprise_in_another_town(officer_a, regions):
    with pytest.raises(PermissionDenied):
        make_enterprise(officer_a, regions["town_b"])
    e = make_enterprise(officer_a, regions["park_a"])
    with pytest.raises(PermissionDenied):
        enterprise_update(actor=officer_a, enterprise=e, data={"region": regions["town_b"]})


def test_officer_cannot_edit_another_towns_firm(officer_a, firm_b):
    with pytest.raises(PermissionDenied):
        enterprise_update(actor=officer_a, enterprise=firm_b, data={"name": "改名"})


def test_update_logs_before_and_after(staff, firm_a):
    enterprise_update(
        actor=staff,
        enterprise=firm_a,
        data={"name": "园区A新材料股份有限公司", "former_names": ["园区A新材料有限公司"]},
    )
    log = AuditLog.objects.filter(action="update").get()
    assert log.before["name"] == "园区A新材料有限公司"
    assert log.after["name"] == "园区A新材料股份有限公司"
    assert log.after["former_names"] == ["园区A新材料有限公司"]
    assert firm_a.former_names.get().name == "园区A新材料有限公司"


def test_facts_keep_history_with_source(staff, firm_b):
    facts_record(
        actor=staff,
        enterprise=firm_b,
        fiscal_year=2020,
        values={"revenue_yuan": Decimal("43000000")},
        source="audit_report",
        recorded_on=dt.date(2021, 4, 30),
        note="审计报告更正",
    )
    revisions = list(FactRevision.objects.filter(facts__enterprise=firm_b, facts__fiscal_year=2020))
    assert [r.source for r in revisions] == ["statistics", "audit_report"]
    assert revisions[-1].changes["revenue_yuan"] == ["42000000.00", "43000000.00"]
    assert firm_b.facts.get(fiscal_year=2020).revenue_yuan == Decimal("43000000")


def test_unchanged_facts_make_no_revision(staff, firm_b):
    before = FactRevision.objects.count()
    facts_record(
        actor=staff, enterprise=firm_b, fiscal_year=2020, values={"employees": 100}, source="tax"
    )
    assert FactRevision.objects.count() == before


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"revenue_yuan": Decimal("-1")}, "销售收入: 不能为负数"),
        ({"tech_staff": 101}, "科技人员数: 科技人员数不能大于职工总数"),
        ({"rd_domestic_yuan": Decimal("3000000")}, "境内研发费用不能大于研发费用"),
    ],
)
def test_bad_facts_are_rejected_and_nothing_written(staff, firm_b, values, message):
    revisions = FactRevision.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        facts_record(actor=staff, enterprise=firm_b, fiscal_year=2020, values=values, source="tax")
    assert message in " ".join(exc.value.lines())
    assert FactRevision.objects.count() == revisions


def test_net_assets_may_be_negative(staff, firm_b):
    facts_record(
        actor=staff,
        enterprise=firm_b,
        fiscal_year=2020,
        values={"net_assets_yuan": Decimal("-500000")},
        source="tax",
    )
    assert firm_b.facts.get(fiscal_year=2020).net_assets_yuan == Decimal("-500000")


def test_future_fiscal_year_is_rejected(staff, firm_b):
    with pytest.raises(ValidationFailed, match="错误"):
        facts_record(
            actor=staff,
            enterprise=firm_b,
            fiscal_year=dt.date.today().year + 1,
            values={},
            source="tax",
        )


def test_hnte_certificate_valid_three_years_from_issue(staff, firm_a):
    cert = certificate_save(
        actor=staff,
        enterprise=firm_a,
        data={"kind": "hnte", "number": "GR202032000086", "issued_on": dt.date(2020, 12, 2)},
    )
    assert cert.valid_until == dt.date(2023, 12, 1)
    assert cert.is_valid_on(dt.date(2023, 12, 1)) and not cert.is_valid_on(dt.date(2023, 12, 2))
    assert Certificate.objects.valid_on(dt.date(2020, 12, 31)).filter(pk=cert.pk).exists()
    assert not Certificate.objects.valid_on(dt.date(2020, 12, 1)).filter(pk=cert.pk).exists()


def test_revoked_certificate_is_not_valid_after_revocation(staff, firm_a):
    cert = certificate_save(
        actor=staff,
        enterprise=firm_a,
        data={
            "kind": "hnte",
            "number": "GR201832000001",
            "issued_on": dt.date(2018, 11, 30),
            "revoked_on": dt.date(2020, 6, 1),
        },
    )
    assert cert.is_valid_on(dt.date(2020, 5, 31))
    assert not Certificate.objects.valid_on(dt.date(2020, 6, 1)).filter(pk=cert.pk).exists()


def test_tech_sme_registration_is_valid_for_its_year(staff, firm_a):
    cert = certificate_save(
        actor=staff,
        enterprise=firm_a,
        data={
            "kind": "tech_sme",
            "number": "2020321283A0000001",
            "issued_on": dt.date(2020, 5, 10),
        },
    )
    assert cert.valid_until == dt.date(2020, 12, 31)


def test_helper_and_enterprise_user_limits(helper_user, enterprise_user, firm_a, firm_b):
    with pytest.raises(PermissionDenied):
        facts_record(
            actor=helper_user,
            enterprise=firm_a,
            fiscal_year=2020,
            values={"employees": 3},
            source="tax",
        )
    facts_record(
        actor=enterprise_user,
        enterprise=firm_b,
        fiscal_year=2020,
        values={"employees": 101},
        source="enterprise",
    )
    with pytest.raises(PermissionDenied):
        facts_record(
            actor=enterprise_user,
            enterprise=firm_a,
            fiscal_year=2020,
            values={"employees": 3},
            source="enterprise",
        )
    with pytest.raises(PermissionDenied):
        certificate_save(
            actor=enterprise_user,
            enterprise=firm_b,
            data={"kind": "hnte", "number": "X1", "issued_on": dt.date(2020, 1, 1)},
        )


def test_pinyin_initials():
    assert name_initials("济川药业集团有限公司") == "JCYYJTYXGS"


@time_machine.travel(dt.datetime(2021, 3, 1, 12, tzinfo=dt.UTC))
def test_today_is_the_limit_for_dates(staff, regions):
    e = enterprise_create(
        actor=staff,
        data={
            "uscc": new_uscc(),
            "name": "明日公司",
            "region": regions["town_c"],
            "registered_on": dt.date(2021, 3, 1),
        },
    )
    assert e.registered_on == dt.date(2021, 3, 1)


def test_money_below_a_fen_is_refused(staff, firm_b):
    with pytest.raises(ValidationFailed, match="错误"):
        facts_record(
            actor=staff,
            enterprise=firm_b,
            fiscal_year=2020,
            values={"revenue_yuan": Decimal("1.001")},
            source="tax",
        )
