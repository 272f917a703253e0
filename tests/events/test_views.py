"""The event page offers each form only to whom its service allows it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kechuang.core.errors import PermissionDenied
from kechuang.events import services

pytestmark = pytest.mark.django_db


def roadshow(actor: Any, region: Any) -> Any:
    return services.event_save(
        actor=actor,
        data={
            "kind": "roadshow",
            "title": "科技金融路演",
            "held_on": "2020-05-10",
            "place": "科创中心",
            "region": region,
            "organisers": "泰兴市科技局",
        },
    )


def test_an_officer_outside_the_events_area_sees_no_participant_or_roadshow_form(
    client: Any, staff: Any, officer_a: Any, regions: Any
) -> None:
    e = roadshow(staff, regions["county"])
    forms = (reverse("events:participant", args=[e.pk]), reverse("events:item", args=[e.pk]))
    with pytest.raises(PermissionDenied):  # the service refuses the officer…
        services.participant_add(actor=officer_a, event=e, role="expert", name="钱立新")
    client.force_login(officer_a)
    page = client.get(reverse("events:event", args=[e.pk]))
    assert page.status_code == 200 and "科技金融路演" in page.content.decode()
    assert not any(f in page.content.decode() for f in forms)  # …so the page offers no form
    client.force_login(staff)
    page = client.get(reverse("events:event", args=[e.pk]))
    assert all(f in page.content.decode() for f in forms)


def test_an_officer_of_the_events_area_sees_the_forms(
    client: Any, staff: Any, officer_a: Any, regions: Any
) -> None:
    e = roadshow(staff, regions["park_a"])
    client.force_login(officer_a)
    page = client.get(reverse("events:event", args=[e.pk])).content.decode()
    assert reverse("events:participant", args=[e.pk]) in page
    assert reverse("events:item", args=[e.pk]) in page
