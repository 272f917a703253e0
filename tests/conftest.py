"""Personas and a small county: bureau staff, an officer of 园区A, an officer of 镇B,
an enterprise user of 镇B's firm, a helper. Factories build enterprises through the
services, as users do. And `demo_county`: the whole demo county, built once per session."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kechuang.rules import uscc as uscc_mod

pytest_plugins = ["tests.playwright_fixtures"]

RNG = random.Random(42)


@pytest.fixture
def regions(db: Any) -> dict[str, Any]:
    return make_regions()


def make_regions() -> dict[str, Any]:
    from kechuang.accounts.models import Region

    city = Region.objects.create(code="321200", name="泰州市", kind="city")
    county = Region.objects.create(code="321283", name="泰兴市", kind="county", parent=city)
    park_a = Region.objects.create(code="321283401", name="园区A", kind="park", parent=county)
    town_b = Region.objects.create(code="321283101", name="镇B", kind="town", parent=county)
    town_c = Region.objects.create(code="321283102", name="镇C", kind="town", parent=county)
    peer = Region.objects.create(code="321281", name="兴化市", kind="county", parent=city)
    return {
        "city": city,
        "county": county,
        "park_a": park_a,
        "town_b": town_b,
        "town_c": town_c,
        "peer": peer,
    }


def make_user(username: str, role: str, **extra: Any) -> Any:
    from kechuang.accounts.models import User

    user = User.objects.create_user(username=username, password="pw-Kechuang-1", role=role, **extra)
    return user


@pytest.fixture
def staff(regions: dict[str, Any]) -> Any:
    return make_staff()


def make_staff() -> Any:
    """The county bureau (泰兴市): bureau staff belong to their county."""
    from kechuang.accounts.models import Region

    county = Region.objects.filter(code="321283").first()
    return make_user("staff", "staff", display_name="局员工", is_staff=True, region=county)


@pytest.fixture
def officer_a(regions: dict[str, Any]) -> Any:
    return make_user("officer_a", "officer", region=regions["park_a"], display_name="园区A干部")


@pytest.fixture
def officer_b(regions: dict[str, Any]) -> Any:
    return make_user("officer_b", "officer", region=regions["town_b"], display_name="镇B干部")


@pytest.fixture
def peer_town(regions: dict[str, Any]) -> Any:
    from kechuang.accounts.models import Region

    return Region.objects.create(
        code="321281103", name="戴南镇", kind="town", parent=regions["peer"]
    )


@pytest.fixture
def peer_bureau(regions: dict[str, Any]) -> Any:
    """The bureau of another county on the same instance (兴化市)."""
    return make_user("xinghua", "staff", region=regions["peer"], display_name="兴化科技局")


@pytest.fixture
def peer_officer(peer_town: Any) -> Any:
    return make_user("dainan", "officer", region=peer_town, display_name="戴南镇干部")


@pytest.fixture
def city_bureau(regions: dict[str, Any]) -> Any:
    """The city bureau (泰州市): every county of the city."""
    return make_user("shikjj", "staff", region=regions["city"], display_name="市科技局")


@pytest.fixture
def firm_peer(peer_bureau: Any, peer_town: Any) -> Any:
    return make_enterprise(peer_bureau, peer_town, "戴南不锈钢制品有限公司")


_ISSUED: set[str] = set()


def new_uscc() -> str:
    """A valid code not given out before in this session (31⁶ bodies: ten thousand
    random ones collide one run in twenty)."""
    while (code := uscc_mod.generate(RNG)) in _ISSUED:
        pass
    _ISSUED.add(code)
    return code


def make_enterprise(actor: Any, region: Any, name: str | None = None, **data: Any) -> Any:
    from kechuang.enterprises.services import enterprise_create

    values = {
        "uscc": new_uscc(),
        "name": name or f"测试企业{RNG.randrange(10**8)}有限公司",
        "region": region,
        "registered_on": dt.date(2015, 3, 1),
        "tech_domain": "4.5",
        **data,
    }
    return enterprise_create(actor=actor, data=values, via="test")


@pytest.fixture
def firm_a(staff: Any, regions: dict[str, Any]) -> Any:
    return make_enterprise(staff, regions["park_a"], "园区A新材料有限公司")


@pytest.fixture
def firm_b(staff: Any, regions: dict[str, Any]) -> Any:
    from kechuang.enterprises.services import certificate_save, facts_record, ip_item_save

    firm = make_enterprise(staff, regions["town_b"], "镇B精细化工有限公司", is_above_scale=True)
    for year, revenue in ((2018, "3000"), (2019, "3600"), (2020, "4200")):
        facts_record(
            actor=staff,
            enterprise=firm,
            fiscal_year=year,
            source="statistics",
            recorded_on=dt.date(year + 1, 3, 1),
            values={
                "employees": 100,
                "tech_staff": 15,
                "revenue_yuan": Decimal(revenue) * 10000,
                "rd_expense_yuan": Decimal("2000000"),
            },
        )
    ip_item_save(
        actor=staff,
        enterprise=firm,
        data={
            "kind": "invention_patent",
            "number": "ZL201910000001.1",
            "title": "一种催化剂",
            "granted_on": dt.date(2019, 5, 1),
        },
    )
    certificate_save(
        actor=staff,
        enterprise=firm,
        data={"kind": "hnte", "number": "GR201932000001", "issued_on": dt.date(2019, 11, 22)},
    )
    return firm


@pytest.fixture
def enterprise_user(firm_b: Any) -> Any:
    from kechuang.enterprises.models import EnterpriseMember

    user = make_user("qiye", "enterprise", display_name="企业用户")
    EnterpriseMember.objects.create(user=user, enterprise=firm_b)
    return user


@pytest.fixture
def helper_user(firm_a: Any) -> Any:
    from kechuang.enterprises.models import HelperAssignment

    user = make_user("helper", "helper", display_name="帮办员")
    HelperAssignment.objects.create(user=user, enterprise=firm_a)
    return user


@pytest.fixture
def client_for(client: Any) -> Any:
    def login(user: Any) -> Any:
        client.force_login(user)
        return client

    return login


# The demo county (`kechuang demo`) costs about 20 CPU seconds to load, so a run builds
# it once, in a process of its own, and each test process copies it
# (tests/demo_snapshot.py):
# - the build starts as soon as a test process has collected a test that uses
#   `demo_county`, and runs while the processes run the tests that do not: those are
#   moved to the front, the demo tests to the end;
# - a process copies the demo into its test database before its first demo test, and
#   puts the freshly migrated database back as soon as the next test does not use the
#   demo, so no other test ever sees a demo row. Each demo test runs in its own
#   transaction, as usual, so its writes roll back. Should a demo test come later after
#   all (a small `-k` run spread over workers, a plugin that reorders), the demo is
#   copied again: milliseconds, never wrong.


class DemoCounty:
    """The demo county, copied into this process's test database while demo tests run."""

    def __init__(self) -> None:
        self.blocker: Any = None
        self.copy: Any = None
        self.result: Any = None
        self.loaded = False

    def load(self) -> None:
        from django.db import connection

        from kechuang.demo.load import demo_present

        if self.loaded:
            return
        with self.blocker.unblock():
            self.result = self.copy.put(connection)
            self.loaded = True
            assert demo_present(), "the demo county's copy holds no demo"

    def drop(self) -> None:
        from django.db import connection

        from kechuang.demo.load import demo_present

        if not self.loaded:
            return
        self.loaded = False
        with self.blocker.unblock():
            self.copy.take(connection)
            assert not demo_present(), "the demo county outlived its tests"


DEMO = DemoCounty()


def uses_demo(item: Any) -> bool:
    return item is not None and "demo_county" in getattr(item, "fixturenames", ())


def _snapshot(config: Any, kind: str = "demo") -> Any:
    from tests.demo_snapshot import DIR_ENV, Snapshot

    folder = os.environ.get(DIR_ENV)
    if not folder:  # not started by this conftest's pytest_configure (a plugin run)
        folder = tempfile.mkdtemp(prefix="kechuang-demo-")
        os.environ[DIR_ENV] = folder
        config._kechuang_demo_dir = folder
    return Snapshot(Path(folder), kind)


def pytest_configure(config: Any) -> None:
    # The run's folder for the demo build, made by the controlling process; xdist
    # workers inherit the variable.
    from tests.demo_snapshot import DIR_ENV

    if not hasattr(config, "workerinput"):
        folder = tempfile.mkdtemp(prefix="kechuang-demo-")
        os.environ[DIR_ENV] = folder
        config._kechuang_demo_dir = folder


def pytest_unconfigure(config: Any) -> None:
    from tests.demo_snapshot import BUILDS

    for build in BUILDS:
        build.wait()
    folder = getattr(config, "_kechuang_demo_dir", None)
    if folder is None:
        return
    try:
        from django.db import connection

        from tests.demo_snapshot import drop_pg_template

        drop_pg_template(Path(folder), connection)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    # The rules run without Django's database (house style): marked `nodb`, so that the
    # PostgreSQL pass of `make test` does not run the very same pure tests again.
    for item in items:
        if "tests/rules/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.nodb)
    # First the tests that need no database (while the run's migrated database is being
    # built: a worker's first database test waited 15 s for it), then the others, the
    # demo tests last (while the demo is being built). Stable: collection order within.
    items.sort(key=lambda item: 2 if uses_demo(item) else 1 if uses_db(item) else 0)


DB_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_setup", "live_server", "django_db_serialized_rollback"}
)


def uses_db(item: Any) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DB_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_finish(session: Any) -> None:
    if session.config.option.collectonly:
        return
    # The migrated database first (the demo build clones it), then the demo.
    if any("django_db_setup" in getattr(item, "fixturenames", ()) for item in session.items):
        _snapshot(session.config, "migrated").start()
    if any(uses_demo(item) for item in session.items):
        _snapshot(session.config).start()


@pytest.fixture(scope="session")
def django_db_setup(
    request: Any,
    django_test_environment: Any,
    django_db_blocker: Any,
    django_db_modify_db_settings: Any,
) -> Iterator[None]:
    """pytest-django's, except that the test database is a clone of the run's migrated
    database (tests/demo_snapshot.py, built once per run in a process of its own) instead
    of each test process running every migration itself (about 10 CPU s each)."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from tests.demo_snapshot import clone_migrated

    snapshot = _snapshot(request.config, "migrated")
    creation = connection.creation

    def create_test_db(
        verbosity: int = 1, autoclobber: bool = False, serialize: bool = True, keepdb: bool = False
    ) -> str:
        return clone_migrated(snapshot, connection, serialize=serialize)

    with django_db_blocker.unblock():
        creation.create_test_db = create_test_db  # type: ignore[method-assign]
        try:
            db_cfg = setup_databases(
                verbosity=0, interactive=False, aliases={"default"}, serialized_aliases=set()
            )
        finally:
            del creation.create_test_db
    yield
    with django_db_blocker.unblock():
        teardown_databases(db_cfg, verbosity=0)


@pytest.fixture(scope="session")
def _demo_county_session(
    django_db_setup: Any, django_db_blocker: Any, request: Any
) -> Iterator[DemoCounty]:
    # Session scope so that pytest sets it up before the test's own `db` transaction.
    from django.db import connection

    from tests.demo_snapshot import WorkerCopy

    DEMO.blocker = django_db_blocker
    DEMO.copy = WorkerCopy(_snapshot(request.config))
    DEMO.load()
    yield DEMO
    DEMO.drop()
    with django_db_blocker.unblock():
        DEMO.copy.drop(connection)


@pytest.fixture
def demo_county(_demo_county_session: DemoCounty, db: Any) -> Any:
    """The demo county (泰兴市): its `LoadResult`, and database access in a transaction
    on the demo's copy, so a test's own writes roll back with the test."""
    return _demo_county_session.result


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: Any) -> None:
    if uses_demo(item) and DEMO.blocker is not None:
        DEMO.load()  # again, only if a non-demo test ran since the last demo test


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> Iterator[None]:
    result = yield  # the test's own fixtures (and its transaction) go first
    if not uses_demo(nextitem):
        DEMO.drop()
    return result
