"""Bureau staff belong to a region (migration accounts 0002): an installed county keeps
working — its staff without a region get the smallest region holding every enterprise
(the county), a superuser without a region stays the platform administrator. The
migration's function runs here on the current models (the fields it uses are unchanged)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from tests.conftest import make_enterprise, make_user

pytestmark = pytest.mark.django_db

migration = importlib.import_module("kechuang.accounts.migrations.0002_staff_region")


def test_existing_staff_get_the_county_their_registry_is_in(regions):
    from kechuang.accounts.models import User

    make_enterprise(make_user("root", "staff", is_superuser=True), regions["park_a"])
    make_enterprise(User.objects.get(username="root"), regions["town_b"])
    make_user("kjj", "staff")
    make_user("zhen", "officer", region=regions["town_c"])
    migration.forwards(apps, None)
    got = {u.username: (u.region.code if u.region else None) for u in User.objects.all()}
    assert got == {"kjj": "321283", "root": None, "zhen": "321283102"}


def test_without_enterprises_staff_get_the_root(regions):
    from kechuang.accounts.models import User

    make_user("kjj", "staff")
    migration.forwards(apps, None)
    assert User.objects.get(username="kjj").region == regions["city"]
