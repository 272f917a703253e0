"""Existing rows onto the workflows (平台认定申报, 人才计划申报, 科技特派员推荐): every R&D
institution and carrier gets its recognition application at 已认定, every talent its
programme application at 入选, every commissioner who was recommended the
recommendation at the stage of their status. Each with the opening and the decision
event. Reversed by deleting those applications (the links are set null first)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import migrations

RECOGNITION = "platform_recognition"
TALENT = "talent_programme"
RECOMMENDATION = "commissioner_recommendation"
BY = "存量数据迁移"


def _history(
    apps: Any, programme: str, initial: str, rows: list[tuple[Any, dict[str, Any]]]
) -> None:
    Application = apps.get_model("programmes", "Application")
    Event = apps.get_model("programmes", "Event")
    for obj, it in rows:
        app = Application.objects.create(
            programme=programme,
            enterprise_id=it.get("enterprise_id"),
            region_id=None if it.get("enterprise_id") else it["region_id"],
            applicant="" if it.get("enterprise_id") else it["applicant"][:100],
            year=it["year"],
            kind=it.get("kind", ""),
            stage=it["stage"],
            unique_key=it["unique_key"][:40],
            title=it["title"][:200],
            data=it["data"],
        )
        Event.objects.create(
            application=app, stage=initial, on=it["opened_on"], by_name=BY, note="建立"
        )
        if it["stage"] != initial:
            Event.objects.create(
                application=app,
                from_stage=initial,
                stage=it["stage"],
                on=it["decided_on"],
                by_name=BY,
                note="迁移",
            )
        it["link"](obj, app)


def forwards(apps: Any, schema_editor: Any) -> None:
    RdInstitution = apps.get_model("platforms", "RdInstitution")
    Carrier = apps.get_model("platforms", "Carrier")
    Talent = apps.get_model("platforms", "Talent")
    Commissioner = apps.get_model("platforms", "Commissioner")

    def link(field: str) -> Any:
        def set_link(obj: Any, app: Any) -> None:
            setattr(obj, field, app)
            obj.save(update_fields=[field])

        return set_link

    rows: list[tuple[Any, dict[str, Any]]] = []
    for inst in RdInstitution.objects.filter(application__isnull=True).select_related("carrier"):
        rows.append(
            (
                inst,
                {
                    "enterprise_id": inst.enterprise_id,
                    "region_id": inst.carrier.region_id if inst.carrier_id else None,
                    "applicant": inst.carrier.name if inst.carrier_id else "",
                    "year": inst.approved_on.year,
                    "kind": "institution",
                    "stage": "recognised",
                    "unique_key": f"institution:{inst.name}",
                    "title": inst.name,
                    "data": {
                        "kind": inst.kind,
                        "level": inst.level,
                        "carrier": inst.carrier_id,
                        "operator": "",
                    },
                    "opened_on": inst.approved_on,
                    "decided_on": inst.approved_on,
                    "link": link("application"),
                },
            )
        )
    for c in Carrier.objects.filter(application__isnull=True):
        rows.append(
            (
                c,
                {
                    "region_id": c.region_id,
                    "applicant": c.operator,
                    "year": c.recognised_on.year,
                    "kind": "carrier",
                    "stage": "recognised",
                    "unique_key": f"carrier:{c.name}",
                    "title": c.name,
                    "data": {
                        "kind": c.kind,
                        "level": c.level,
                        "carrier": None,
                        "operator": c.operator,
                    },
                    "opened_on": c.recognised_on,
                    "decided_on": c.recognised_on,
                    "link": link("application"),
                },
            )
        )
    _history(apps, RECOGNITION, "applied", rows)

    labels = {
        "national": "国家级人才",
        "provincial": "省双创人才",
        "city": "市级人才",
        "county": "县级人才",
        "phd": "博士及以上高层次人才",
    }
    rows = []
    for t in Talent.objects.filter(application__isnull=True).select_related("carrier"):
        on = dt.date(t.year, 12, 31)
        rows.append(
            (
                t,
                {
                    "enterprise_id": t.enterprise_id,
                    "region_id": t.carrier.region_id if t.carrier_id else None,
                    "applicant": t.name,
                    "year": t.year,
                    "kind": t.programme,
                    "stage": "selected",
                    "unique_key": f"{t.programme}:{t.year}:{t.name}:{t.pk}",
                    "title": f"{t.name}（{labels.get(t.programme, t.programme)}）",
                    "data": {"name": t.name, "field": t.field, "carrier": t.carrier_id},
                    "opened_on": on,
                    "decided_on": on,
                    "link": link("application"),
                },
            )
        )
    _history(apps, TALENT, "applied", rows)

    stage = {"recommended": "recommended", "declined": "declined"}
    rows = []
    recommended = Commissioner.objects.filter(recommendation__isnull=True).exclude(
        recommended_on__isnull=True, status__in=("active", "lapsed")
    )
    for c in recommended:
        opened = c.recommended_on or c.registered_on or dt.date(2000, 1, 1)
        rows.append(
            (
                c,
                {
                    "region_id": c.region_id,
                    "applicant": f"{c.name}（{c.institution}）",
                    "year": opened.year,
                    "stage": stage.get(c.status, "accepted"),
                    "unique_key": f"commissioner:{c.pk}",
                    "title": f"推荐科技特派员：{c.name}",
                    "data": {"commissioner": c.pk, "expertise": c.expertise},
                    "opened_on": opened,
                    "decided_on": max(opened, c.registered_on or opened),
                    "link": link("recommendation"),
                },
            )
        )
    _history(apps, RECOMMENDATION, "recommended", rows)


def backwards(apps: Any, schema_editor: Any) -> None:
    for model, field in (
        ("RdInstitution", "application"),
        ("Carrier", "application"),
        ("Talent", "application"),
        ("Commissioner", "recommendation"),
    ):
        apps.get_model("platforms", model).objects.update(**{field: None})
    apps.get_model("programmes", "Application").objects.filter(
        programme__in=(RECOGNITION, TALENT, RECOMMENDATION)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("platforms", "0002_applications_on_workflows")]

    operations = [migrations.RunPython(forwards, backwards)]
