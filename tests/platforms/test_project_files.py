"""Science-plan projects: files kept with a project (upload, scoped download), expert
and bureau reviews, and the 立项 list published for 公示 with an objection window."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kechuang.core import periods
from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.platforms import selectors, services
from kechuang.programmes.services import application_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def test_a_file_is_uploaded_and_read_only_in_scope(
    client: Any, media: Any, staff: Any, officer_a: Any, officer_b: Any, records: Any
) -> None:
    plan = records["plan"]
    client.force_login(officer_a)
    url = reverse("platforms:project", args=[plan.pk])
    upload = SimpleUploadedFile("申报书.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert (
        client.post(url, {"what": "attach", "title": "申报书", "file": upload}).status_code == 302
    )
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    r = client.post(url, {"what": "attach", "file": bad}, follow=True)
    assert "只接受" in r.content.decode()
    doc = selectors.project_page(actor=officer_a, pk=plan.pk)["attachments"]
    assert [d.title for d in doc] == ["申报书"]
    download = reverse("platforms:project_document", args=[doc[0].pk])
    r = client.get(download)
    assert r.status_code == 200 and b"".join(r.streaming_content if r.streaming else [r.content])
    client.force_login(officer_b)
    assert client.get(download).status_code == 404
    with pytest.raises(ValidationFailed, match="请选择文件"):
        services.project_attach(actor=staff, project=plan, file=None)


def test_reviews_are_the_bureaus_with_a_score_and_an_opinion(
    staff: Any, officer_a: Any, records: Any
) -> None:
    plan = records["plan"]
    on = dt.date(2020, 7, 1)
    with pytest.raises(PermissionDenied):
        services.project_review(actor=officer_a, project=plan, reviewed_on=on, opinion="好")
    with pytest.raises(ValidationFailed, match="评分：“九十”不是数字"):
        services.project_review(actor=staff, project=plan, reviewed_on=on, opinion="", score="九十")
    with pytest.raises(ValidationFailed, match="评分：应在0–100之间"):
        services.project_review(actor=staff, project=plan, reviewed_on=on, opinion="", score="120")
    services.project_review(
        actor=staff,
        project=plan,
        reviewed_on=on,
        opinion="技术路线清晰",
        score="86.5",
        reviewer_name="李专家",
    )
    reviews = selectors.project_page(actor=staff, pk=plan.pk)["reviews"]
    assert [(r.reviewer_name, str(r.score), r.opinion) for r in reviews] == [
        ("李专家", "86.50", "技术路线清晰")
    ]


def test_the_approved_list_is_published_and_objections_taken_in_the_window(
    client: Any, staff: Any, officer_a: Any, officer_b: Any, records: Any
) -> None:
    plan = records["plan"]
    today = periods.today()
    with pytest.raises(ValidationFailed, match="未立项的项目不能公示"):
        services.projects_publish(
            actor=staff, year=2020, starts_on=today, ends_on=today, projects=[plan]
        )
    application_transition(actor=staff, application=plan, to="approved", on=dt.date(2020, 9, 1))
    assert list(selectors.publishable_projects(actor=staff, year=2020)) == [plan]
    client.force_login(staff)
    r = client.post(
        reverse("platforms:publicities"),
        {
            "year": "2020",
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=7)).isoformat(),
        },
    )
    assert r.status_code == 302
    pub = selectors.plan_publicities(actor=staff).get()
    assert pub.title == "2020年科技计划项目立项公示"
    assert not selectors.publishable_projects(actor=staff, year=2020).exists()
    url = reverse("platforms:publicity", args=[pub.pk])
    # an officer of another area sees no line of it
    client.force_login(officer_b)
    assert client.get(url).status_code == 404
    client.force_login(officer_a)
    body = client.get(url).content.decode()
    assert "园区A课题" in body and "登记异议" in body
    entry = pub.entries.get()
    client.post(url, {"what": "object", "entry": entry.pk, "reason": "合作单位不实"})
    objection = entry.objections.get()
    client.force_login(staff)
    r = client.post(url, {"what": "freeze", "on": (today + dt.timedelta(days=8)).isoformat()})
    assert "尚有1件异议未处理" in client.get(url).content.decode() or r.status_code == 200
    client.post(
        url,
        {"what": "dismiss", "objection": objection.pk, "resolution": "经核实，合作单位属实"},
    )
    objection.refresh_from_db()
    assert objection.status == "dismissed"
    client.post(url, {"what": "freeze", "on": (today + dt.timedelta(days=8)).isoformat()})
    pub.refresh_from_db()
    assert pub.status == "frozen"
