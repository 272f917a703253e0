import json

import pytest
from django.core.management import call_command

from kechuang.accounts.models import ApiToken
from kechuang.enterprises.models import YearlyFacts
from tests.conftest import new_uscc

pytestmark = pytest.mark.django_db


def test_openapi_is_served(client, staff):
    client.force_login(staff)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/enterprises" in response.json()["paths"]


def test_token_auth_and_chinese_not_escaped(client, staff, firm_b, capsys):
    call_command("token", "create", "staff")
    key = capsys.readouterr().out.strip()
    assert key.startswith("kc_") and ApiToken.objects.get().prefix == key[:8]
    response = client.get(f"/api/v1/enterprises/{firm_b.uscc}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert "镇B精细化工有限公司" in response.content.decode()
    assert client.get("/api/v1/enterprises", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_one_error_shape(client, staff, regions):
    client.force_login(staff)
    response = client.post(
        "/api/v1/enterprises",
        data=json.dumps({"uscc": "91440300192203821", "name": "", "region": "园区A"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    labels = {d["label"]: d["message"] for d in error["details"]}
    assert labels["统一社会信用代码"] == "应为18位，实际17位"
    missing = client.get("/api/v1/enterprises/914403001922038216").json()
    assert missing == {
        "error": {"code": "not_found", "message": "企业不存在或无权查看", "details": []}
    }


def test_create_update_and_facts_through_api(client, staff, regions):
    client.force_login(staff)
    code = new_uscc()
    created = client.post(
        "/api/v1/enterprises",
        data={"uscc": code, "name": "接口公司", "region": "321283401", "tech_domain": "8.4"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["region"]["name"] == "园区A"
    patched = client.patch(
        f"/api/v1/enterprises/{code}",
        data={"is_above_scale": "是"},
        content_type="application/json",
    )
    assert patched.json()["is_above_scale"] is True
    put = client.put(
        f"/api/v1/enterprises/{code}/facts/2020",
        data={"employees": 50, "tech_staff": 60, "revenue": "100"},
        content_type="application/json",
    )
    assert put.status_code == 422
    assert put.json()["error"]["details"][0]["message"] == "科技人员数不能大于职工总数"
    put = client.put(
        f"/api/v1/enterprises/{code}/facts/2020",
        data={"employees": 50, "tech_staff": 6, "revenue": "100.5", "source": "税务"},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["revenue"] == "100.5"
    assert str(YearlyFacts.objects.get(enterprise__uscc=code).revenue_yuan) == "1005000.00"
    text_in_number = client.put(
        f"/api/v1/enterprises/{code}/facts/2020",
        data={"revenue": "很多"},
        content_type="application/json",
    )
    assert text_in_number.json()["error"]["details"][0]["message"] == "“很多”不是数字"


def test_import_over_api_previews_then_commits(client, staff, firm_b):
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["统一社会信用代码", "会计年度", "职工总数", "数据来源"])
    wb.active.append([firm_b.uscc, 2016, 70, "统计"])
    buf = io.BytesIO()
    wb.save(buf)
    client.force_login(staff)
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile("f.xlsx", buf.getvalue())
    preview = client.post("/api/v1/imports/facts", {"file": f})
    assert preview.json()["counts"]["new"] == 1 and not preview.json()["imported"]
    f = SimpleUploadedFile("f.xlsx", buf.getvalue())
    done = client.post("/api/v1/imports/facts?commit=true", {"file": f})
    assert done.json()["imported"] is True
    assert YearlyFacts.objects.filter(enterprise=firm_b, fiscal_year=2016).exists()


def test_audit_api_is_for_staff(client, staff, officer_b, firm_b):
    client.force_login(officer_b)
    assert client.get(f"/api/v1/enterprises/{firm_b.uscc}/audit").status_code == 403
    client.force_login(staff)
    entries = client.get(f"/api/v1/enterprises/{firm_b.uscc}/audit").json()
    assert {e["action"] for e in entries} == {"create"}


def test_docs_page_is_local_and_for_logged_in_users(client, staff):
    assert client.get("/api/v1/docs").status_code == 302
    client.force_login(staff)
    html = client.get("/api/v1/docs").content.decode()
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "http" not in html  # nothing from another host
