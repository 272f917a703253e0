from typing import Any

import pytest


@pytest.fixture
def desk_types(db: Any) -> dict[str, Any]:
    """The five request types (the data migration's; flushed by transactional tests)."""
    from kechuang.desk.models import RequestType

    specs = [
        ("policy", "政策咨询", 3),
        ("project", "项目申报", 10),
        ("finance", "融资对接", 10),
        ("novelty", "科技查新", 10),
        ("business", "业务办理", 5),
    ]
    return {
        key: RequestType.objects.get_or_create(
            key=key, defaults={"name": name, "deadline_days": days}
        )[0]
        for key, name, days in specs
    }


@pytest.fixture
def leader(regions: dict[str, Any]) -> Any:
    from tests.conftest import make_user

    return make_user("juzhang", "staff", display_name="局长", region=regions["county"])


@pytest.fixture
def desk_helper(regions: dict[str, Any], leader: Any) -> Any:
    from kechuang.desk.models import HelperProfile
    from tests.conftest import make_user

    user = make_user("bangban1", "helper", display_name="帮办员甲", email="jia@example.cn")
    HelperProfile.objects.create(user=user, leader=leader)
    return user


@pytest.fixture
def routed(desk_types: dict[str, Any], desk_helper: Any) -> Any:
    from kechuang.desk.models import RoutingRule

    RoutingRule.objects.create(helper=desk_helper)
    return desk_helper
