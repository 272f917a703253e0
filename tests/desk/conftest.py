from typing import Any

import pytest


@pytest.fixture
def desk_types(regions: dict[str, Any]) -> dict[str, Any]:
    """泰兴's five request types (a county gets the shipped ones when it is created)."""
    from kechuang.desk.models import RequestType

    return {t.key: t for t in RequestType.objects.filter(county=regions["county"])}


@pytest.fixture
def leader(regions: dict[str, Any]) -> Any:
    from tests.conftest import make_user

    return make_user("juzhang", "staff", display_name="局长", region=regions["county"])


@pytest.fixture
def desk_helper(regions: dict[str, Any], leader: Any) -> Any:
    from kechuang.desk.models import HelperProfile
    from tests.conftest import make_user

    user = make_user("bangban1", "helper", display_name="帮办员甲", email="jia@example.cn")
    HelperProfile.objects.create(user=user, leader=leader, county=regions["county"])
    return user


@pytest.fixture
def routed(desk_types: dict[str, Any], desk_helper: Any) -> Any:
    from kechuang.desk.models import RoutingRule

    RoutingRule.objects.create(helper=desk_helper, county=desk_types["policy"].county)
    return desk_helper
