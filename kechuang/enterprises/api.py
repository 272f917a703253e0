"""/api/v1/enterprises: the registry over HTTP. Handlers parse → call a service or
selector → render; bodies are parsed with the same columns and messages as sheets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Body, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field, create_model

from kechuang.accounts.models import Region
from kechuang.core import periods
from kechuang.core import selectors as core_selectors
from kechuang.core.errors import FieldError, ValidationFailed
from kechuang.core.money import yuan_to_wan
from kechuang.core.openapi import Year, columns_schema, json_body, json_schema
from kechuang.core.tabular import parse_record
from kechuang.enterprises import importing, selectors, services
from kechuang.enterprises.facts import FACT_FIELDS
from kechuang.enterprises.models import Certificate, Enterprise, IPItem, YearlyFacts
from kechuang.rules import tech_domains

router = Router(tags=["企业库"])


class RegionRef(Schema):
    code: str
    name: str


class EnterpriseOut(Schema):
    uscc: str
    name: str
    former_names: list[str]
    region: RegionRef
    address: str
    industry_code: str
    registered_on: dt.date | None
    tech_domain: str
    tech_domain_label: str
    is_above_scale: bool
    is_listed: bool
    status: str
    needs_review: bool
    review_reason: str
    version: str | None = Field(
        None,
        description="编辑版本（仅单个企业的读取与修改返回）：PATCH 时原样传回，"
        "读取后已被他人修改则返回409（列出改动），不写入",
    )


class Page(Schema):
    count: int
    page: int
    page_size: int
    results: list[EnterpriseOut]


def enterprise_out(e: Enterprise, *, with_version: bool = False) -> EnterpriseOut:
    return EnterpriseOut(
        uscc=e.uscc,
        name=e.name,
        former_names=selectors.former_names_of(e),
        region=RegionRef(code=e.region.code, name=e.region.name),
        address=e.address,
        industry_code=e.industry_code,
        registered_on=e.registered_on,
        tech_domain=e.tech_domain,
        tech_domain_label=tech_domains.label(e.tech_domain),
        is_above_scale=e.is_above_scale,
        is_listed=e.is_listed,
        status=e.status,
        needs_review=e.needs_review,
        review_reason=e.review_reason,
        version=services.enterprise_version(e) if with_version else None,
    )


class ListFilters(Schema):
    q: str = ""
    region: str = ""
    domain: str = ""
    cert: str = ""
    on: dt.date | None = None
    above_scale: bool | None = None
    sort: str = "name"
    page: int = 1
    page_size: int = 50


def _region(actor: Any, code: str) -> Region | None:
    return selectors.visible_region(actor, code) if code else None


@router.get("", response=Page, summary="企业列表（按权限范围过滤）")
def enterprise_list(request: HttpRequest, filters: Query[ListFilters]) -> Page:
    qs = selectors.enterprise_list(
        actor=request.user,
        q=filters.q,
        region=_region(request.user, filters.region),
        domain=filters.domain,
        cert=filters.cert,
        on=filters.on,
        above_scale=filters.above_scale,
        sort=filters.sort,
    )
    size = max(1, min(filters.page_size, 500))
    page = max(1, filters.page)
    total, items = selectors.enterprise_page(qs, page=page, size=size)
    return Page(count=total, page=page, page_size=size, results=[enterprise_out(e) for e in items])


# Bodies are parsed by `parse_record` (the sheet's columns and messages); these
# schemas describe them in the OpenAPI document.
EnterpriseIn = columns_schema("EnterpriseIn", importing.ENTERPRISE_COLUMNS)
VERSION_HELP = (
    "编辑版本：读取时得到，修改时原样传回；读取后数据已被他人修改则返回409（列出改动），不写入"
)
EnterprisePatch = create_model(
    "EnterprisePatch",
    __base__=columns_schema("EnterpriseColumnsPatch", importing.ENTERPRISE_COLUMNS, partial=True),
    version=(str | None, Field(None, description=VERSION_HELP)),
)
FactsIn = create_model(
    "FactsIn",
    __base__=columns_schema(
        "FactsColumnsIn", importing.FACT_COLUMNS, exclude=("uscc", "fiscal_year"), partial=True
    ),
    version=(str | None, Field(None, description=VERSION_HELP)),
)
IPIn = columns_schema("IPIn", importing.IP_COLUMNS, exclude=("uscc",))
CertificateIn = columns_schema("CertificateIn", importing.CERTIFICATE_COLUMNS, exclude=("uscc",))


def _enterprise_values(actor: Any, payload: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    try:
        values = parse_record(importing.ENTERPRISE_COLUMNS, payload, partial=partial)
    except ValidationFailed as exc:
        # Report the service's checks of the well-formed fields too: every error at once.
        bad = {e.field for e in exc.errors}
        rest = {k: v for k, v in payload.items() if k not in bad and k != "region"}
        try:
            good = parse_record(importing.ENTERPRISE_COLUMNS, rest, partial=True)
        except ValidationFailed:
            raise exc from None
        _clean, more = services.enterprise_check(good, instance=Enterprise() if partial else None)
        extra = [e for e in more if e.field not in bad and e.field in good]
        raise ValidationFailed([*exc.errors, *extra]) from None
    if "region" in values and values["region"] is not None:
        region = selectors.region_by_code_or_name(values["region"])
        if region is None:
            from kechuang.core.errors import FieldError

            raise ValidationFailed(
                [FieldError("region", "所属镇街/园区", f"“{values['region']}”不存在")]
            )
        values["region"] = region
    if "former_names" in values:
        text = values["former_names"] or ""
        values["former_names"] = [n for n in text.replace(";", "；").split("；") if n.strip()]
    return values


@router.post(
    "",
    response={201: EnterpriseOut},
    summary="新增企业",
    openapi_extra=json_body(json_schema(EnterpriseIn)),
)
def enterprise_create(request: HttpRequest, payload: Body[dict[str, Any]]) -> Status[EnterpriseOut]:
    values = _enterprise_values(request.user, payload, partial=False)
    enterprise = services.enterprise_create(actor=request.user, data=values, via="api")
    return Status(201, enterprise_out(enterprise))


@router.get("/{uscc}", response=EnterpriseOut, summary="企业详情")
def enterprise_detail(request: HttpRequest, uscc: str) -> EnterpriseOut:
    return enterprise_out(
        selectors.enterprise_get(actor=request.user, uscc=uscc), with_version=True
    )


@router.patch(
    "/{uscc}",
    response=EnterpriseOut,
    summary="修改企业",
    openapi_extra=json_body(json_schema(EnterprisePatch)),
)
def enterprise_update(
    request: HttpRequest, uscc: str, payload: Body[dict[str, Any]]
) -> EnterpriseOut:
    enterprise = selectors.enterprise_get(actor=request.user, uscc=uscc)
    body = dict(payload)
    version = _version_of(body)
    values = _enterprise_values(request.user, body, partial=True)
    return enterprise_out(
        services.enterprise_update(
            actor=request.user, enterprise=enterprise, data=values, via="api", version=version
        ),
        with_version=True,
    )


def _version_of(body: dict[str, Any]) -> str | None:
    """Take the edit version out of a write's body."""
    version = body.pop("version", None)
    if version is not None and not isinstance(version, str):
        raise ValidationFailed([FieldError("version", "版本", "应为读取时得到的文本")])
    return version


@router.delete("/{uscc}", response={204: None}, summary="删除企业（仅科技局）")
def enterprise_delete(request: HttpRequest, uscc: str, reason: str = "") -> Status[None]:
    """Soft delete: hidden everywhere, records and files kept; restorable by the bureau."""
    enterprise = selectors.enterprise_get(actor=request.user, uscc=uscc)
    services.enterprise_delete(actor=request.user, enterprise=enterprise, reason=reason, via="api")
    return Status(204, None)


_FACTS_OUT_FIELDS: dict[str, Any] = {
    "fiscal_year": (int, ...),
    **{
        spec.key: (
            str | None if spec.kind == "money" else int | None,
            Field(..., description=f"{spec.label}（{spec.unit}）"),
        )
        for spec in FACT_FIELDS
    },
    "version": (str, Field(..., description=VERSION_HELP)),
}
# One property per fact of FACT_FIELDS, in `facts_out`'s order (money as 万元 text).
FactsOut = create_model("FactsOut", __base__=Schema, **_FACTS_OUT_FIELDS)


def facts_out(f: YearlyFacts) -> dict[str, Any]:
    out: dict[str, Any] = {"fiscal_year": f.fiscal_year}
    for spec in FACT_FIELDS:
        value = getattr(f, spec.name)
        if spec.kind == "money":
            out[spec.key] = None if value is None else str(yuan_to_wan(value))
        else:
            out[spec.key] = value
    out["version"] = services.facts_version(f.enterprise_id, f.fiscal_year, f)
    return out


@router.get(
    "/{uscc}/facts",
    # FactsOut is built from FACT_FIELDS at import, so mypy cannot use it as a type.
    response=list[FactsOut],  # type: ignore[valid-type]
    summary="年度数据（金额单位万元）",
)
def facts_list(request: HttpRequest, uscc: str) -> list[dict[str, Any]]:
    enterprise = selectors.enterprise_get(actor=request.user, uscc=uscc)
    return [facts_out(f) for f in selectors.facts_by_year(enterprise)]


@router.put(
    "/{uscc}/facts/{year}",
    response=FactsOut,
    summary="录入或更正某年度数据（金额单位万元；null 表示未知）",
    openapi_extra=json_body(json_schema(FactsIn)),
)
def facts_put(
    request: HttpRequest, uscc: str, year: Year, payload: Body[dict[str, Any]]
) -> dict[str, Any]:
    enterprise = selectors.enterprise_get(actor=request.user, uscc=uscc)
    body = dict(payload)
    version = _version_of(body)
    body.setdefault("source", "enterprise")
    body["fiscal_year"] = year
    body["uscc"] = enterprise.uscc
    parsed = parse_record(importing.FACT_COLUMNS, body, partial=True)
    values = {spec.name: parsed[spec.key] for spec in FACT_FIELDS if spec.key in parsed}
    facts = services.facts_record(
        actor=request.user,
        enterprise=enterprise,
        fiscal_year=year,
        values=values,
        source=parsed["source"],
        recorded_on=parsed.get("recorded_on"),
        note=parsed.get("note") or "",
        via="api",
        version=version,
    )
    return facts_out(facts)


class IPOut(Schema):
    kind: str
    kind_label: str
    ip_class: str
    number: str
    title: str
    granted_on: dt.date
    acquisition: str
    is_valid: bool


@router.get("/{uscc}/ip", response=list[IPOut], summary="知识产权")
def ip_list(request: HttpRequest, uscc: str) -> list[IPOut]:
    enterprise = selectors.enterprise_get(actor=request.user, uscc=uscc)
    return [_ip_out(i) for i in selectors.ip_items_of(enterprise)]


def _ip_out(i: IPItem) -> IPOut:
    return IPOut(
        kind=i.kind,
        kind_label=i.get_kind_display(),
        ip_class=i.ip_class,
        number=i.number,
        title=i.title,
        granted_on=i.granted_on,
        acquisition=i.acquisition,
        is_valid=i.is_valid,
    )


@router.post(
    "/{uscc}/ip",
    response={201: IPOut},
    summary="登记知识产权",
    openapi_extra=json_body(json_schema(IPIn)),
)
def ip_create(request: HttpRequest, uscc: str, payload: Body[dict[str, Any]]) -> Status[IPOut]:
    enterprise = selectors.enterprise_get(actor=request.user, uscc=uscc)
    parsed = parse_record(importing.IP_COLUMNS, {**payload, "uscc": enterprise.uscc})
    parsed.pop("uscc")
    data = {k: v for k, v in parsed.items() if v is not None}
    item = services.ip_item_save(actor=request.user, enterprise=enterprise, data=data, via="api")
    return Status(201, _ip_out(item))


class CertificateOut(Schema):
    kind: str
    kind_label: str
    number: str
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None
    batch: str
    revoked_on: dt.date | None
    valid_today: bool


def _cert_out(c: Certificate) -> CertificateOut:

    return CertificateOut(
        kind=c.kind,
        kind_label=c.get_kind_display(),
        number=c.number,
        issued_on=c.issued_on,
        valid_from=c.valid_from,
        valid_until=c.valid_until,
        batch=c.batch,
        revoked_on=c.revoked_on,
        valid_today=c.is_valid_on(periods.today()),
    )


@router.get("/{uscc}/certificates", response=list[CertificateOut], summary="资质证书")
def certificate_list(request: HttpRequest, uscc: str) -> list[CertificateOut]:
    enterprise = selectors.enterprise_get(actor=request.user, uscc=uscc)
    return [_cert_out(c) for c in selectors.certificates_of(enterprise)]


@router.post(
    "/{uscc}/certificates",
    response={201: CertificateOut},
    summary="登记资质证书",
    openapi_extra=json_body(json_schema(CertificateIn)),
)
def certificate_create(
    request: HttpRequest, uscc: str, payload: Body[dict[str, Any]]
) -> Status[CertificateOut]:
    enterprise = selectors.enterprise_get(actor=request.user, uscc=uscc)
    parsed = parse_record(importing.CERTIFICATE_COLUMNS, {**payload, "uscc": enterprise.uscc})
    parsed.pop("uscc")
    data = {k: v for k, v in parsed.items() if v is not None}
    cert = services.certificate_save(
        actor=request.user, enterprise=enterprise, data=data, via="api"
    )
    return Status(201, _cert_out(cert))


class AuditOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    object_type: str
    object: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    via: str


@router.get("/{uscc}/audit", response=list[AuditOut], summary="操作日志（仅科技局）")
def audit_list(request: HttpRequest, uscc: str) -> list[AuditOut]:
    enterprise = selectors.enterprise_get(actor=request.user, uscc=uscc)
    entries = core_selectors.audit_list(actor=request.user, enterprise_id=enterprise.pk)[:500]
    return [
        AuditOut(
            at=a.at,
            actor=a.actor_name,
            action=a.action,
            object_type=a.object_type,
            object=a.object_repr,
            before=a.before,
            after=a.after,
            via=a.via,
        )
        for a in entries
    ]


imports_router = Router(tags=["导入"])


class ImportErrorOut(Schema):
    row: int | None
    field: str
    label: str
    message: str
    text: str


class ImportRowOut(Schema):
    row: int
    status: str
    key: str
    name: str


class ImportOut(Schema):
    kind: str
    imported: bool
    counts: dict[str, int]
    errors: list[ImportErrorOut]
    warnings: list[str]
    rows: list[ImportRowOut]


@imports_router.post(
    "/{kind}",
    response=ImportOut,
    summary="导入Excel/CSV：commit=false 预览，commit=true 全部有效时写入",
)
def import_sheet(
    request: HttpRequest, kind: str, file: File[UploadedFile], commit: bool = False
) -> dict[str, Any]:
    plan = importing.import_run(
        actor=request.user,
        kind=kind,
        data=file.read(),
        filename=file.name or "upload",
        commit=commit,
    )
    return {
        "kind": plan.kind,
        "imported": plan.imported,
        "counts": plan.counts,
        "errors": [e.as_dict() | {"text": str(e)} for e in plan.errors],
        "warnings": plan.warnings,
        "rows": [
            {"row": r.row, "status": r.status, "key": r.key, "name": r.name}
            for r in plan.rows[:1000]
        ],
    }
