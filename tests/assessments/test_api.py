import json

import pytest

from tests.assessments.test_services import H1

pytestmark = pytest.mark.django_db


def test_post_assess_returns_the_contract_shape(client, staff):
    client.force_login(staff)
    response = client.post(
        "/api/v1/assess?as_of=2025-06-15&rules=hnte-2016",
        data=json.dumps([H1]),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    doc = response.json()
    assert doc["as_of"] == "2025-06-15" and doc["rulesets"] == ["hnte-2016"]
    r = doc["results"][0]
    assert set(r) >= {
        "uscc",
        "name",
        "ruleset",
        "verdict",
        "route",
        "score",
        "criteria",
        "subscores",
        "warnings",
    }
    c = r["criteria"][0]
    assert set(c) >= {
        "id",
        "label",
        "clause",
        "value",
        "threshold",
        "passed",
        "ambiguous",
        "note",
        "remedy",
    }
    assert "国科发火〔2016〕32号" in response.content.decode()  # Chinese unescaped


def test_post_assess_rejects_bad_input_with_every_error(client, staff):
    client.force_login(staff)
    response = client.post(
        "/api/v1/assess",
        data=json.dumps([{**H1, "employees": "x"}, {**H1}]),
        content_type="application/json",
    )
    assert response.status_code == 422
    messages = [d["message"] for d in response.json()["error"]["details"]]
    assert any("第2行 职工总数" in m for m in messages)
    assert any("第3行 统一社会信用代码" in m and "重复" in m for m in messages)


def test_enterprise_assessment_is_scoped(client, officer_a, officer_b, firm_b):
    client.force_login(officer_a)
    assert client.get(f"/api/v1/enterprises/{firm_b.uscc}/assessment").status_code == 404
    client.force_login(officer_b)
    doc = client.get(f"/api/v1/enterprises/{firm_b.uscc}/assessment?as_of=2021-06-30").json()
    assert {r["ruleset"] for r in doc["results"]} == {
        "hnte-2016",
        "tech-sme-2017",
        "jiangsu-pool-2018",
    }
    assert doc["input"]["revenue_y3"] == "4200"
