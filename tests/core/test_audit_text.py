"""The operation log reads in Chinese: labels, names instead of ids, 万元, local times."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from kechuang.core.models import AuditLog
from kechuang.enterprises.services import facts_record

pytestmark = pytest.mark.django_db


def test_audit_entries_show_labels_names_and_units(staff, firm_b):
    facts_record(
        actor=staff,
        enterprise=firm_b,
        fiscal_year=2020,
        source="tax",
        recorded_on=dt.date(2021, 5, 1),
        values={"revenue_yuan": Decimal("45000000")},
    )
    entry = AuditLog.objects.filter(object_type="enterprises.yearlyfacts").first()
    assert entry.action_label == "修改" and entry.type_label == "年度数据"
    changes = {label: (before, after) for label, before, after in entry.changed_fields()}
    assert changes["销售收入（万元）"] == ("4,200.00", "4,500.00")
    assert changes["数据来源"][1] == "税务"
    ip = AuditLog.objects.filter(object_type="enterprises.ipitem").first()
    shown = dict((label, after) for label, _before, after in ip.changed_fields())
    assert shown["企业"] == "镇B精细化工有限公司"  # the name, not the id
    assert shown["类型"] == "发明专利" and shown["有效"] == "是"
    assert AuditLog(action="transition").action_label == "环节变更"


def test_audit_page_shows_no_raw_values(client, staff, firm_b):
    client.force_login(staff)
    html = client.get("/audit/").content.decode()
    assert "invention_patent" not in html and not re.search(r"企业[:：] ?\d", html)
    assert "知识产权：" in html and "镇B精细化工有限公司" in html


def test_a_pages_entries_read_the_names_they_refer_to_once_per_model(
    staff, regions, django_assert_num_queries
):
    from kechuang.core.audit_text import with_related_names
    from tests.conftest import make_enterprise

    towns = [regions["town_b"], regions["town_c"], regions["park_a"]]
    firms = [make_enterprise(staff, town, f"名称测试{i}有限公司") for i, town in enumerate(towns)]
    gone = make_enterprise(staff, regions["town_b"], "已注销测试有限公司")
    gone_pk = gone.pk
    entries = [
        AuditLog(object_type="enterprises.ipitem", action="create", after={"enterprise": f.pk})
        for f in firms
    ]
    entries += [
        AuditLog(
            object_type="enterprises.enterprise",
            action="update",
            before={"region": regions["town_b"].pk},
            after={"region": regions["town_c"].pk},
        ),
        AuditLog(object_type="enterprises.ipitem", action="create", after={"enterprise": gone_pk}),
    ]
    AuditLog.objects.all().delete()
    gone.__class__._base_manager.filter(pk=gone_pk).delete()  # purged: only its id is left
    with django_assert_num_queries(2):  # enterprises, regions: one query each
        with_related_names(entries)
    with django_assert_num_queries(0):
        shown = [entry.changed_fields() for entry in entries]
    assert [s[0][2] for s in shown[:3]] == [f.name for f in firms]
    assert shown[3][0][1:] == ("镇B", "镇C")  # names, not ids
    assert shown[4][0][2] == f"（已删除，编号{gone_pk}）"
