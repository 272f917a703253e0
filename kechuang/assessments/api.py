"""POST /api/v1/assess and GET /api/v1/enterprises/{uscc}/assessment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Body, Router

from kechuang.assessments import services
from kechuang.core import periods
from kechuang.core.errors import FieldError, ValidationFailed
from kechuang.enterprises import selectors

router = Router(tags=["认定评价"])


@router.post("/assess", summary="评价企业数据（assess.md 的输入与输出；一次最多10,000家）")
def assess(
    request: HttpRequest, payload: Body[Any], rules: str | None = None, as_of: dt.date | None = None
) -> dict[str, Any]:
    """Body: a JSON list of objects, or `{"as_of", "rules", "enterprises": [...]}`."""
    records = payload
    if isinstance(payload, dict):
        records = payload.get("enterprises") or payload.get("records")
        rules = payload.get("rules", rules)
        if payload.get("as_of"):
            try:
                as_of = dt.date.fromisoformat(str(payload["as_of"]))
            except ValueError:
                raise ValidationFailed(
                    [FieldError("as_of", "评价日期", "应为 YYYY-MM-DD")]
                ) from None
    if not isinstance(records, list):
        raise ValidationFailed([FieldError("input", "", "请求体应为企业对象列表")])
    return services.assess_records(records, rules=rules, as_of=as_of or periods.today())


@router.get("/enterprises/{uscc}/assessment", summary="企业库中一家企业的评价（按权限范围）")
def enterprise_assessment(
    request: HttpRequest, uscc: str, as_of: dt.date | None = None, rules: str | None = "all"
) -> dict[str, Any]:
    enterprise = selectors.enterprise_get(actor=request.user, uscc=uscc)
    record, doc = services.enterprise_assessment(
        enterprise=enterprise, as_of=as_of or periods.today(), rules=rules
    )
    doc["input"] = record
    return doc
