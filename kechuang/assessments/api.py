"""POST /api/v1/assess and GET /api/v1/enterprises/{uscc}/assessment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, NotRequired

from django.http import HttpRequest
from ninja import Body, Router, Schema
from pydantic import ConfigDict, Field, create_model
from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from kechuang.assessments import services
from kechuang.core import periods
from kechuang.core.errors import FieldError, ValidationFailed
from kechuang.core.openapi import json_body, json_schema
from kechuang.enterprises import selectors
from kechuang.rules.fields import FIELDS

router = Router(tags=["认定评价"])

# The result document of assess.md, as TypedDicts: a request may hold 10,000
# enterprises (30,000 results), and pydantic checks plain dicts about ten times faster
# than it builds models. Keys in the order the rules engine writes them.


class ScoreOut(TypedDict):
    lo: int
    hi: int
    mid: int


class CriterionOut(TypedDict):
    id: str
    label: str
    clause: str
    value: float | None
    threshold: float | None
    passed: bool | None
    ambiguous: bool
    note: str | None
    remedy: str | None


class SubscoreOut(TypedDict):
    id: str
    lo: int
    hi: int
    ambiguous: bool


class ResultOut(TypedDict):
    uscc: str | None
    name: str | None
    ruleset: str
    verdict: str | None
    route: str | None
    score: ScoreOut | None
    criteria: list[CriterionOut]
    subscores: list[SubscoreOut]
    warnings: list[str]


class AssessmentOut(TypedDict):
    as_of: str
    rulesets: list[str]
    results: list[ResultOut]
    warnings: NotRequired[list[str]]  # input-level, when there are any
    input: NotRequired[dict[str, Any]]  # the registry's record, for a registered enterprise


# The input record (assess.md "Input"): its keys, or the Chinese headers (extra keys).
_KIND_TYPES: dict[str, Any] = {
    "money": Decimal,
    "int": int,
    "score": int,
    "bool": bool,
    "date": dt.date,
    "domain": str,
    "text": str,
}
_RECORD_FIELDS: dict[str, Any] = {
    f.key: (
        _KIND_TYPES[f.kind] | None,
        Field(... if f.required else None, description=f"{f.header}（{f.unit}）{f.help}"),
    )
    for f in FIELDS
}


class _OpenRecord(Schema):
    model_config = ConfigDict(extra="allow")


AssessRecordIn = create_model("AssessRecordIn", __base__=_OpenRecord, **_RECORD_FIELDS)


class AssessIn(Schema):
    as_of: dt.date | None = None
    rules: str | None = None
    enterprises: list[AssessRecordIn] | None = None  # type: ignore[valid-type]  # built from FIELDS
    records: list[AssessRecordIn] | None = None  # type: ignore[valid-type]  # built from FIELDS


_ASSESS_BODY = {
    "anyOf": [
        {"type": "array", "items": json_schema(AssessRecordIn)},
        json_schema(AssessIn),
    ]
}


@router.post(
    "/assess",
    response=AssessmentOut,
    summary="评价企业数据（assess.md 的输入与输出；一次最多10,000家）",
    openapi_extra=json_body(_ASSESS_BODY),
)
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


@router.get(
    "/enterprises/{uscc}/assessment",
    response=AssessmentOut,
    summary="企业库中一家企业的评价（按权限范围）",
)
def enterprise_assessment(
    request: HttpRequest, uscc: str, as_of: dt.date | None = None, rules: str | None = "all"
) -> dict[str, Any]:
    enterprise = selectors.enterprise_get(actor=request.user, uscc=uscc)
    record, doc = services.enterprise_assessment(
        enterprise=enterprise, as_of=as_of or periods.today(), rules=rules
    )
    doc["input"] = record
    return doc
