"""The 平台人才 overview with a year picked: what that year added, and that year's
核实再登记; without one, what is on record."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_year_picker_shows_what_the_year_added(client: Any, staff: Any, records: Any) -> None:
    client.force_login(staff)
    url = reverse("platforms:index")
    on_record = client.get(url).context
    assert (on_record["year"], on_record["n_institutions"], on_record["n_talent"]) == (None, 1, 1)
    y2019 = client.get(url, {"year": "2019"}).context
    assert (y2019["n_institutions"], y2019["n_talent"], y2019["n_projects"]) == (1, 0, 0)
    y2020 = client.get(url, {"year": "2020"})
    assert (y2020.context["n_institutions"], y2020.context["n_talent"]) == (0, 1)
    assert y2020.context["n_projects"] == 1 and y2020.context["n_incubated"] == 1
    body = y2020.content.decode()
    assert "2020年获批研发机构" in body and "2020年新推荐" in body
    # a year that is not offered is the same as none
    assert client.get(url, {"year": "1900"}).context["year"] is None
