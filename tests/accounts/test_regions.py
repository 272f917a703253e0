"""The region tree: moving a region (a new parent, in the admin or through the service)
moves every region below it, so that scoping by path follows the move."""

from __future__ import annotations

from typing import Any

import pytest

from kechuang.accounts.models import Region
from kechuang.accounts.services import region_save
from kechuang.core.errors import ValidationFailed
from kechuang.enterprises.models import Enterprise
from tests.core.test_admin_audit import admin_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone(regions: dict[str, Any]) -> Region:
    """An area below 园区A, and one below that."""
    zone = Region.objects.create(
        code="321283401001", name="园区A一区", kind="park", parent=regions["park_a"]
    )
    Region.objects.create(code="321283401002", name="园区A一区北", kind="park", parent=zone)
    return zone


def paths() -> dict[str, str]:
    return dict(Region.objects.values_list("name", "path"))


def test_moving_a_region_moves_the_paths_below_it(
    staff: Any, regions: dict[str, Any], zone: Region, firm_a: Any
) -> None:
    park = regions["park_a"]
    park.parent = regions["peer"]
    assert region_save(actor=staff, region=park) == 2
    assert paths()["园区A一区"] == "321200/321281/321283401/321283401001/"
    assert paths()["园区A一区北"] == "321200/321281/321283401/321283401001/321283401002/"
    for region in Region.objects.all():  # every stored path is the chain of its parents
        expected = (region.parent.path if region.parent else "") + region.code + "/"
        assert region.path == expected, region.name
    # scoping follows: 园区A's firms are now 兴化's, no longer 泰兴's
    assert firm_a in Enterprise.objects.in_region(regions["peer"])
    assert firm_a not in Enterprise.objects.in_region(regions["county"])


def test_a_region_moved_in_the_admin_moves_its_subtree(
    client: Any, regions: dict[str, Any], zone: Region
) -> None:
    from tests.conftest import make_user

    root = make_user("root", "staff", display_name="管理员", is_staff=True, is_superuser=True)
    client.force_login(root)
    admin_save(
        client, f"/admin/accounts/region/{zone.pk}/change/", parent=str(regions["town_b"].pk)
    )
    assert paths()["园区A一区北"] == "321200/321283/321283101/321283401001/321283401002/"
    # a parent inside its own subtree is refused on the form, and nothing moves
    inner = Region.objects.get(name="园区A一区北")
    response = client.post(
        f"/admin/accounts/region/{zone.pk}/change/",
        {"code": zone.code, "name": zone.name, "kind": "park", "parent": inner.pk, "sort_order": 0},
    )
    assert (
        response.status_code == 200 and "上级不能是本区域或其下级区域" in response.content.decode()
    )
    assert paths()["园区A一区北"] == "321200/321283/321283101/321283401001/321283401002/"


def test_a_region_cannot_become_its_own_descendant(
    staff: Any, regions: dict[str, Any], zone: Region
) -> None:
    park = regions["park_a"]
    park.parent = Region.objects.get(name="园区A一区北")
    with pytest.raises(ValidationFailed, match="上级不能是它自己或它的下级"):
        region_save(actor=staff, region=park)
    assert Region.objects.get(pk=park.pk).path == "321200/321283/321283401/"
