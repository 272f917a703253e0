"""The example capability (tests/example_app) plugs into the frame with no edit
outside its folder: its workflow, nav item, panel, pages, indicator and import kind
all arrive through its `contributions` module."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from kechuang.core import imports, registry
from kechuang.core.errors import PermissionDenied
from kechuang.programmes import services as programme_services
from kechuang.programmes import workflow
from kechuang.targets.indicators import INDICATORS, Evaluator

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def test_no_file_outside_its_folder_names_the_example_app():
    """Adding the app took one line: the test-only entry of INSTALLED_APPS."""
    mentions = []
    for path in [
        *ROOT.joinpath("kechuang").rglob("*.py"),
        *ROOT.joinpath("kechuang").rglob("*.html"),
    ]:
        if "example_app" in path.read_text(encoding="utf-8"):
            mentions.append(str(path.relative_to(ROOT)))
    assert mentions == ["kechuang/settings.py"]


def test_every_kind_of_contribution_is_read_from_it():
    for name in ("NAV", "PANELS", "URLS", "INDICATORS", "IMPORTS", "WORKFLOWS", "ATTRIBUTES"):
        assert "example_app" in registry.contributors(name), name
    assert workflow.get("example_rd").label == "加计扣除备案"
    assert "example_expenses" in imports.kinds()
    assert INDICATORS["example_rd_deduction_wan"].compute is not None


def test_its_workflow_runs_on_the_frame(staff, enterprise_user, officer_b, firm_b):
    app = programme_services.application_open(
        actor=enterprise_user,
        programme="example_rd",
        enterprise=firm_b,
        year=2020,
        on=dt.date(2021, 3, 1),
        unique_key="2020",
    )
    assert app.stage == "draft" and app.stage_label == "填报"
    programme_services.application_transition(
        actor=enterprise_user, application=app, to="submitted", on=dt.date(2021, 3, 2)
    )
    with pytest.raises(PermissionDenied, match="只能由"):
        programme_services.application_transition(
            actor=enterprise_user, application=app, to="checked", on=dt.date(2021, 3, 3)
        )
    programme_services.application_transition(
        actor=officer_b, application=app, to="checked", on=dt.date(2021, 3, 3)
    )
    programme_services.application_transition(
        actor=staff, application=app, to="approved", on=dt.date(2021, 3, 4)
    )
    assert [e.stage for e in app.events.order_by("id")] == [
        "draft",
        "submitted",
        "checked",
        "approved",
    ]


def test_its_import_kind_its_indicator_and_its_panel(client, staff, regions, firm_b):
    sheet = f"统一社会信用代码,年度,加计扣除研发费用（万元）\n{firm_b.uscc},2020,12.5\n".encode()
    plan = imports.import_run(
        actor=staff, kind="example_expenses", data=sheet, filename="x.csv", commit=True
    )
    assert plan.counts["new"] == 1 and plan.imported
    app = programme_services.application_open(
        actor=staff,
        programme="example_rd",
        enterprise=firm_b,
        year=2020,
        on=dt.date(2021, 3, 1),
    )
    for to in ("submitted", "checked", "approved"):
        programme_services.application_transition(
            actor=staff, application=app, to=to, on=dt.date(2021, 3, 2)
        )
    # Another app reads the firm's value without importing this one; an attribute no
    # installed app declares is unknown for every firm, never an error.
    assert registry.attribute_values("example_rd_deduction", [firm_b.pk], 2020) == {
        firm_b.pk: Decimal("125000.00")
    }
    assert registry.attribute_values("example_rd_deduction", [firm_b.pk], 2019) == {}
    assert registry.attribute_values("no_such_attribute", [firm_b.pk], 2020) == {}
    value = Evaluator(today=dt.date(2021, 6, 30)).value(
        "example_rd_deduction_wan", regions["county"], 2020
    )
    assert value.value == Decimal("12.5") and value.records == 1
    client.force_login(staff)
    page = client.get(reverse("enterprises:detail", args=[firm_b.pk])).content.decode()
    assert "example-rd-panel" in page and "已备案" in page
    assert "加计扣除" in client.get(reverse("imports:index")).content.decode()


def test_its_page_refuses_an_outsider(client, officer_a, firm_b):
    client.force_login(officer_a)
    assert client.get(reverse("example_app:enterprise", args=[firm_b.pk])).status_code == 404


def test_the_nav_item_is_shown_to_whom_it_says(client, staff, officer_a):
    client.force_login(staff)
    assert "bi-receipt" in client.get(reverse("enterprises:list")).content.decode()
    client.force_login(officer_a)
    assert "bi-receipt" not in client.get(reverse("enterprises:list")).content.decode()


def test_its_list_page_is_paged_exported_and_scoped(client, staff, officer_a, firm_b):
    open_filing = programme_services.application_open(
        actor=staff, programme="example_rd", enterprise=firm_b, year=2020, on=dt.date(2021, 3, 1)
    )
    client.force_login(staff)
    page = client.get(reverse("example_app:index")).content.decode()
    assert firm_b.name in page and open_filing.stage_label in page
    export = client.get(reverse("example_app:index") + "?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(officer_a)
    assert firm_b.name not in client.get(reverse("example_app:index")).content.decode()


def test_the_nav_item_sits_in_the_menu_it_names(client, staff):
    from kechuang.core.registry import nav_menu

    menu = {e.group.key: e for e in nav_menu(staff) if e.group is not None}
    assert "example_rd" in [item.key for item, _lit in menu["support"].items]
    client.force_login(staff)
    page = client.get(reverse("example_app:index")).content.decode()
    assert 'id="nav-support" data-bs-toggle="dropdown"' in page
    assert 'href="/example/" aria-current="page"' in page
