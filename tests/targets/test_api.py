from __future__ import annotations

from typing import Any


def test_api_lists_indicators_with_no_data_as_null(client_for: Any, staff: Any, county_firms: Any):
    response = client_for(staff).get("/api/v1/indicators?region=321283&year=2020")
    assert response.status_code == 200
    by_id = {i["id"]: i for i in response.json()["indicators"]}
    assert by_id["hnte_new"]["value"] == 2 and by_id["hnte_new"]["records"] == 2
    assert by_id["voucher_redeemed_wan"]["value"] is None
    assert by_id["voucher_redeemed_wan"]["status"] == "no data"
    assert "新认定国家高企" in response.content.decode()  # not \\u-escaped


def test_api_records_are_scoped_to_the_officers_area(
    client_for: Any, officer_a: Any, county_firms: Any
):
    c = client_for(officer_a)
    ok = c.get("/api/v1/indicators/hnte_valid/records?region=321283401&year=2020")
    assert ok.status_code == 200 and ok.json()["count"] == 2
    refused = c.get("/api/v1/indicators/hnte_valid/records?region=321283101&year=2020")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"


def test_api_targets_crud_for_staff_and_refused_for_officers(
    client_for: Any, staff: Any, officer_a: Any, regions: Any
):
    import json

    c = client_for(staff)
    body = {
        "region": "321283",
        "year": 2021,
        "indicator": "hnte_valid",
        "value": "260",
        "comparison": "gt",
    }
    created = c.post("/api/v1/targets", json.dumps(body), content_type="application/json")
    assert created.status_code == 201
    pk = created.json()["id"]
    body["value"] = "270"
    assert (
        c.put(f"/api/v1/targets/{pk}", json.dumps(body), content_type="application/json").json()[
            "value"
        ]
        == "270"
    )  # decimals as strings, like the registry API
    assert len(c.get("/api/v1/targets?year=2021").json()) == 1
    o = client_for(officer_a)
    assert (
        o.post("/api/v1/targets", json.dumps(body), content_type="application/json").status_code
        == 403
    )
    c = client_for(staff)
    assert c.delete(f"/api/v1/targets/{pk}").status_code == 204


def test_api_target_with_a_bad_body_is_422_for_staff(client_for: Any, staff: Any, regions: Any):
    response = client_for(staff).post("/api/v1/targets", "{}", content_type="application/json")
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid"
