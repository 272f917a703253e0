"""A provider's page lists only the vouchers the reader may see (an officer their area's
firms', another county's bureau none), and only the bureau of the provider's county
suspends or restores it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kechuang.core.errors import PermissionDenied
from kechuang.vouchers import selectors, services
from kechuang.vouchers.models import Provider
from tests.vouchers.conftest import apply

pytestmark = pytest.mark.django_db


def test_the_page_lists_the_readers_vouchers_only(
    staff: Any, officer_a: Any, peer_bureau: Any, programme: Any, provider: Any, firms: Any
) -> None:
    park, town = (
        apply(staff, firms[0], programme, provider),
        apply(staff, firms[1], programme, provider),
    )

    def listed(who: Any) -> set[int]:
        return {v.pk for v in selectors.provider_context(actor=who, provider=provider)["vouchers"]}

    assert listed(staff) == {park.pk, town.pk}
    assert listed(officer_a) == {park.pk}  # 园区A's firm only, not 镇B's
    assert listed(peer_bureau) == set()


def test_another_countys_bureau_cannot_suspend_it(
    staff: Any, peer_bureau: Any, provider: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.provider_set_status(
            actor=peer_bureau,
            provider=provider,
            suspend=True,
            reason="测试",
            on=dt.date(2020, 6, 1),
        )
    provider.refresh_from_db()
    assert provider.status == Provider.Status.ACTIVE
    services.provider_set_status(
        actor=staff, provider=provider, suspend=True, reason="资质过期", on=dt.date(2020, 6, 1)
    )
    provider.refresh_from_db()
    assert provider.status == Provider.Status.SUSPENDED
