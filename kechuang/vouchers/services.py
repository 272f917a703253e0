"""Writes of the voucher capability. Keyword-only arguments and an `actor`; each checks
permission, runs in one transaction and writes the audit log.

Locks, in one order (docs/architecture.md "Concurrent writes"): the programme row
first (`SELECT … FOR UPDATE`: every money move of a programme queues behind it), then
the voucher's application (the frame's transition locks it), then the voucher. Under
the programme lock the service re-reads what it checks (the available amount, the
firm's yearly total, the voucher's stage), writes the ledger entry and moves the
running totals with `F()` updates the database checks (available ≥ 0, totals add up to
the budget); a second payment of one voucher is refused by a unique index besides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import role_of
from kechuang.core import periods
from kechuang.core.audit import audit_log, snapshot
from kechuang.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from kechuang.core.registry import attribute_values
from kechuang.enterprises.models import Certificate, Enterprise, YearlyFacts
from kechuang.programmes import permissions
from kechuang.programmes import services as frame
from kechuang.programmes.models import Application
from kechuang.vouchers import eligibility
from kechuang.vouchers.models import (
    CATEGORY_LABELS,
    EVIDENCE_LABELS,
    PROGRAMME,
    LedgerEntry,
    Provider,
    ProviderDocument,
    ProviderMember,
    Voucher,
    VoucherDocument,
    VoucherProgramme,
)
from kechuang.vouchers.workflow import LIVE, OPEN, WORKFLOW

CENT = Decimal("0.01")
LEDGER_VIA = "voucher-ledger"  # the workflow's guard admits money moves made here only


def invalid(field: str, label: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, label, message)], f"{label}：{message}")


def require(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PermissionDenied(reason)


def _money(value: Any, field: str, label: str, *, positive: bool = True) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise invalid(field, label, "应为金额（元）")
    if value != value.quantize(CENT):
        raise invalid(field, label, "金额精确到分（最多两位小数）")
    if positive and value <= 0:
        raise invalid(field, label, "应大于0")
    return value


def wan_text(yuan: Decimal | None) -> str:
    """Yuan as the pages show money: 万元, exact (3.500001万元), at least two decimals."""
    from kechuang.vouchers.models import wan_text as text

    return text(yuan)


def fen(value: Decimal) -> Decimal:
    """Down to the fen: a subsidy is never rounded up."""
    return value.quantize(CENT, ROUND_DOWN)


def _log(
    actor: Any, action: str, obj: Any, before: Any = None, note: str = "", via: str = "web"
) -> None:
    audit_log(
        actor=actor,
        action=action,
        obj=obj,
        before=before,
        after=snapshot(obj),
        enterprise_id=getattr(obj, "enterprise_id", None),
        via=via,
        note=note,
    )


# -- programmes --------------------------------------------------------------------------------

PROGRAMME_LABELS = {
    "year": "年度",
    "name": "方案名称",
    "budget_yuan": "预算总额",
    "subsidy_ratio": "补贴比例",
    "cap_yuan": "每家企业年度上限",
    "validity_days": "有效期（天）",
    "categories": "服务类别",
    "evidence": "兑付材料",
    "opens_on": "开始申请",
    "closes_on": "申请截止",
}


def _check_programme(data: Mapping[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    L = PROGRAMME_LABELS
    ratio = data.get("subsidy_ratio")
    if not isinstance(ratio, Decimal) or not Decimal(0) < ratio <= 1:
        errors.append(FieldError("subsidy_ratio", L["subsidy_ratio"], "应在0–100%之间（大于0）"))
    for key in ("cap_yuan", "budget_yuan"):
        try:
            _money(data.get(key), key, L[key])
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    days = data.get("validity_days")
    if not isinstance(days, int) or not 1 <= days <= 1000:
        errors.append(FieldError("validity_days", L["validity_days"], "应为1–1000天"))
    cats = list(data.get("categories") or [])
    if not cats or any(c not in CATEGORY_LABELS for c in cats):
        errors.append(FieldError("categories", L["categories"], "至少选择一类，且须为列出的类别"))
    if any(c not in EVIDENCE_LABELS for c in data.get("evidence") or []):
        errors.append(
            FieldError("evidence", L["evidence"], "只能为服务合同、服务发票、服务完成报告")
        )
    return errors


def programme_create(
    *,
    actor: Any,
    region: Region,
    data: Mapping[str, Any],
    on: dt.date | None = None,
    via: str = "web",
) -> VoucherProgramme:
    """A year's programme: its call on the frame, its parameters and its budget (the
    ledger's first entry)."""
    require(permissions.can_decide(actor))
    errors = _check_programme(data)
    year = data.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append(FieldError("year", "年度", "应为2000–2100的年份"))
    if data.get("closes_on") is None:
        errors.append(FieldError("closes_on", "申请截止", "不能为空"))
    if errors:
        raise ValidationFailed(errors)
    assert isinstance(year, int)
    on = on or periods.today()
    with transaction.atomic():
        if VoucherProgramme.objects.filter(region=region, year=year).exists():
            raise invalid("year", "年度", f"{region.name}{year}年的创新券方案已存在")
        seq = (
            VoucherProgramme.objects.filter(year=year).count() + 1
        )  # a city instance: one call per county and year
        call = frame.call_save(
            actor=actor,
            programme=PROGRAMME,
            data={
                "year": year,
                "seq": seq,
                "name": f"{year}年度科技创新券",
                "opens_on": data.get("opens_on"),
                "closes_on": data["closes_on"],
                "budget_yuan": data["budget_yuan"],
            },
            labels={"closes_on": "申请截止", "opens_on": "开始申请"},
            max_seq=99,
            via=via,
        )
        p = VoucherProgramme.objects.create(
            call=call,
            region=region,
            year=year,
            name=str(data.get("name") or f"{region.name}{year}年度科技创新券")[:80],
            document=str(data.get("document") or f"{region.name}{year}年度科技创新券实施方案")[
                :120
            ],
            subsidy_ratio=data["subsidy_ratio"],
            cap_yuan=data["cap_yuan"],
            validity_days=data["validity_days"],
            categories=list(data["categories"]),
            evidence=list(data.get("evidence") or []),
            eligibility=dict(data.get("eligibility") or {}),
        )
        _log(actor, "create", p, via=via)
        _entry(
            actor,
            _lock(p),
            LedgerEntry.Kind.BUDGET,
            on,
            d_available=data["budget_yuan"],
            note=f"下达{year}年度创新券预算",
        )
    p.refresh_from_db()
    return p


def programme_budget_adjust(
    *,
    actor: Any,
    programme: VoucherProgramme,
    delta_yuan: Decimal,
    on: dt.date,
    note: str,
    via: str = "web",
) -> VoucherProgramme:
    """Add to (or take from) a programme's budget: a new ledger entry, never an edit.
    The budget cannot fall below what is committed and paid."""
    require(permissions.can_decide(actor))
    delta = _money(delta_yuan, "delta_yuan", "预算调整", positive=False)
    if delta == 0:
        raise invalid("delta_yuan", "预算调整", "不能为0")
    if not note.strip():
        raise invalid("note", "调整原因", "不能为空")
    with transaction.atomic():
        p = _lock(programme)
        if p.available_yuan + delta < 0:
            raise invalid(
                "delta_yuan", "预算调整", f"调减后可用额度为负（可用{wan_text(p.available_yuan)}）"
            )
        _entry(actor, p, LedgerEntry.Kind.BUDGET, on, d_available=delta, note=note.strip())
    programme.refresh_from_db()
    return programme


def _lock(programme: VoucherProgramme) -> VoucherProgramme:
    return VoucherProgramme.objects.select_for_update().get(pk=programme.pk)


def _entry(
    actor: Any,
    programme: VoucherProgramme,
    kind: str,
    on: dt.date,
    *,
    voucher: Voucher | None = None,
    d_available: Decimal = Decimal(0),
    d_committed: Decimal = Decimal(0),
    d_paid: Decimal = Decimal(0),
    note: str = "",
    corrects: LedgerEntry | None = None,
    via: str = "web",
) -> LedgerEntry:
    """Append one entry and move the (locked) programme's totals by the same amounts;
    the database refuses an entry that does not balance and totals below zero."""
    d_budget = d_available + d_committed + d_paid
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                programme=programme,
                voucher=voucher,
                enterprise_id=voucher.enterprise_id if voucher else None,
                kind=kind,
                on=on,
                d_budget=d_budget,
                d_available=d_available,
                d_committed=d_committed,
                d_paid=d_paid,
                note=note[:300],
                corrects=corrects,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            # `programme` is the row locked by the caller: exact Decimal sums, then the
            # database's checks (none below zero) on what is written
            programme.budget_yuan += d_budget
            programme.available_yuan += d_available
            programme.committed_yuan += d_committed
            programme.paid_yuan += d_paid
            programme.save(
                update_fields=["budget_yuan", "available_yuan", "committed_yuan", "paid_yuan"]
            )
    except IntegrityError as exc:
        raise Conflict("该笔款项已记账或额度不足（台账未变），请刷新后重试") from exc
    audit_log(
        actor=actor,
        action="create",
        obj=entry,
        after=snapshot(entry),
        enterprise_id=entry.enterprise_id,
        via=via,
        note=entry.get_kind_display(),
    )
    return entry


# -- providers ---------------------------------------------------------------------------------


def provider_save(
    *, actor: Any, data: Mapping[str, Any], provider: Provider | None = None, via: str = "web"
) -> Provider:
    require(permissions.can_decide(actor))
    errors: list[FieldError] = []
    name = str(data.get("name") or "").strip()
    if not name:
        errors.append(FieldError("name", "机构名称", "不能为空"))
    cats = list(data.get("categories") or [])
    if not cats or any(c not in CATEGORY_LABELS for c in cats):
        errors.append(FieldError("categories", "服务类别", "至少选择一类，且须为列出的类别"))
    clash = Provider.objects.filter(name=name)
    if provider is not None:
        clash = clash.exclude(pk=provider.pk)
    if name and clash.exists():
        errors.append(FieldError("name", "机构名称", f"“{name}”已登记"))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        obj = Provider.objects.select_for_update().get(pk=provider.pk) if provider else Provider()
        before = snapshot(obj) if provider else None
        obj.name = name[:120]
        obj.categories = cats
        limits = {"uscc": 18, "contact": 40, "phone": 30}
        for key, limit in limits.items():
            setattr(obj, key, str(data.get(key) or "")[:limit])
        obj.qualification_until = data.get("qualification_until")
        if provider is None:
            obj.region = data.get("region") or _county(actor)
        obj.save()
        _log(actor, "update" if provider else "create", obj, before, via=via)
    return obj


def provider_set_status(
    *, actor: Any, provider: Provider, suspend: bool, reason: str, on: dt.date, via: str = "web"
) -> Provider:
    """Suspend a provider (with the reason: no new vouchers with it) or restore it."""
    require(permissions.can_decide(actor))
    if not can_manage_provider_logins(actor, provider)[0]:
        # Another county's bureau: the provider is not theirs to suspend or restore.
        raise PermissionDenied("只有该机构所在县（市、区）科技局可以暂停或恢复该机构")
    if suspend and not reason.strip():
        raise invalid("reason", "暂停原因", "不能为空")
    with transaction.atomic():
        obj = Provider.objects.select_for_update().get(pk=provider.pk)
        before = snapshot(obj)
        obj.status = Provider.Status.SUSPENDED if suspend else Provider.Status.ACTIVE
        obj.status_reason = reason.strip()[:200] if suspend else ""
        obj.status_on = on
        obj.save()
        _log(actor, "update", obj, before, "暂停" if suspend else "恢复", via)
    return obj


def _county(actor: Any) -> Region | None:
    """The county a bureau user answers for (a city bureau: none in particular)."""
    region: Region | None = getattr(actor, "region", None)
    while region is not None and region.kind not in (Region.Kind.COUNTY, Region.Kind.CITY):
        region = region.parent
    return region if region is not None and region.kind == Region.Kind.COUNTY else None


# What a file's first bytes are for each accepted ending: a file is what its name says.
MAGIC: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".zip": (b"PK\x03\x04", b"PK\x05\x06"),
    ".ofd": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}
# A zip's members unpacked may not exceed this, nor this ratio to the zip's size.
ZIP_MAX_UNPACKED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100


def check_upload(file: UploadedFile[bytes], label: str) -> str:
    """The frame's checks on an attachment (type by its ending, size, not empty) and,
    beyond them, that the content is what the ending says (a renamed executable or HTML
    page is refused) and that a zip is no zip bomb. Returns the file's safe base name."""
    import zipfile
    from pathlib import Path

    from django.utils.text import get_valid_filename

    from kechuang.programmes.services import ATTACHMENT_EXTENSIONS, ATTACHMENT_MAX_BYTES

    name = Path((file.name or "").replace("\\", "/")).name
    suffix = Path(name).suffix.lower()
    size = file.size or 0
    if suffix not in ATTACHMENT_EXTENSIONS:
        raise invalid("file", label, f"只接受 {'、'.join(ATTACHMENT_EXTENSIONS)} 文件")
    if size > ATTACHMENT_MAX_BYTES:
        raise invalid("file", label, f"文件超过{ATTACHMENT_MAX_BYTES // 1024 // 1024}MB")
    if size == 0:
        raise invalid("file", label, "文件为空")
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not any(head.startswith(m) for m in MAGIC.get(suffix, ())):
        raise invalid("file", label, f"文件内容不是{suffix[1:].upper()}文件（扩展名与内容不符）")
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(file) as zf:
                unpacked = sum(i.file_size for i in zf.infolist())
        except (zipfile.BadZipFile, OSError, ValueError):
            raise invalid("file", label, "压缩文件已损坏，无法读取") from None
        finally:
            file.seek(0)
        if unpacked > ZIP_MAX_UNPACKED or unpacked > size * ZIP_MAX_RATIO:
            raise invalid("file", label, "压缩文件解压后过大，已拒收")
    stem = get_valid_filename(Path(name).stem) or "file"
    return f"{stem[:80]}{suffix}"


def can_read_provider_files(actor: Any, provider: Provider) -> tuple[bool, str]:
    """The bureau of the provider's county (and the city bureau above it) and the
    provider's own users read and add its qualification files; nobody else."""
    from kechuang.accounts.scoping import covers, is_bureau, sees_everything

    member = getattr(actor, "voucher_provider", None) if role_of(actor) == "helper" else None
    if member is not None and member.provider_id == provider.pk:
        return True, ""
    if is_bureau(actor) and (sees_everything(actor) or covers(actor, provider.region)):
        return True, ""
    return False, "只有该机构所在县（市、区）科技局和机构本身的用户可以查看资质文件"


def provider_document_add(
    *,
    actor: Any,
    provider: Provider,
    file: UploadedFile[bytes],
    title: str = "",
    valid_until: dt.date | None = None,
    via: str = "web",
) -> ProviderDocument:
    """Keep a qualification document of a provider: checked (type, size, content),
    stored under the private media root, audited."""
    require(can_read_provider_files(actor, provider))
    safe = check_upload(file, "资质文件")
    with transaction.atomic():
        doc = ProviderDocument(
            provider=provider,
            title=(title.strip() or safe.rsplit(".", 1)[0])[:120],
            size=file.size or 0,
            valid_until=valid_until,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        doc.file.save(safe, file, save=False)
        doc.save()
        audit_log(
            actor=actor,
            action="create",
            obj=doc,
            after={**snapshot(doc, ["provider_id", "title", "size"]), "file": doc.file.name},
            via=via,
            note=f"{provider.name} 资质文件",
        )
    return doc


# -- provider logins ---------------------------------------------------------------------------


def can_manage_provider_logins(actor: Any, provider: Provider) -> tuple[bool, str]:
    """The bureau of the provider's county (or the city bureau above it) opens and
    closes the provider's logins."""
    from kechuang.accounts.scoping import covers, is_bureau, sees_everything

    if is_bureau(actor) and (sees_everything(actor) or covers(actor, provider.region)):
        return True, ""
    return False, "只有该机构所在县（市、区）科技局可以开通或停用机构账号"


USERNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.-")


def provider_login_create(
    *,
    actor: Any,
    provider: Provider,
    username: str,
    password: str,
    display_name: str = "",
    via: str = "web",
) -> ProviderMember:
    """Open a login for a provider: a user of the helper role (帮办员/专家: it answers for
    no region and is assigned no enterprise, so it sees nothing of the registry) linked
    to the provider, with the password the bureau set, to be changed on first use."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError as DjangoValidationError

    require(can_manage_provider_logins(actor, provider))
    user_model = get_user_model()
    name = username.strip().lower()
    errors: list[FieldError] = []
    if not 3 <= len(name) <= 30 or not set(name) <= USERNAME_CHARS:
        errors.append(FieldError("username", "登录名", "应为3–30位小写字母、数字或 _ . -"))
    elif user_model.objects.filter(username__iexact=name).exists():
        errors.append(FieldError("username", "登录名", f"“{name}”已被使用"))
    candidate = user_model(username=name, display_name=display_name.strip()[:60], role="helper")
    if not password:
        errors.append(FieldError("password", "初始密码", "不能为空"))
    else:
        try:
            validate_password(password, candidate)
        except DjangoValidationError as exc:
            errors.extend(FieldError("password", "初始密码", str(m)) for m in exc.messages)
    if errors:
        raise ValidationFailed(errors, "；".join(f"{e.label}：{e.message}" for e in errors))
    with transaction.atomic():
        candidate.set_password(password)
        candidate.save()
        member = ProviderMember.objects.create(
            user=candidate,
            provider=provider,
            initial_password=candidate.password,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_log(
            actor=actor,
            action="create",
            obj=member,
            after={"provider": provider.name, "username": name, "role": "helper"},
            via=via,
            note=f"开通{provider.name}的机构账号{name}",
        )
    return member


def provider_login_set_active(
    *, actor: Any, member: ProviderMember, active: bool, via: str = "web"
) -> ProviderMember:
    """Disable (停用: the login and its open sessions stop working) or re-enable a
    provider's login."""
    require(can_manage_provider_logins(actor, member.provider))
    with transaction.atomic():
        user = type(member.user).objects.select_for_update().get(pk=member.user_id)
        before = {"is_active": user.is_active}
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_log(
            actor=actor,
            action="update",
            obj=member,
            before=before,
            after={"is_active": active},
            via=via,
            note=f"{'启用' if active else '停用'}{member.provider.name}的机构账号{user.username}",
        )
    member.user.refresh_from_db()
    return member


# -- applying ----------------------------------------------------------------------------------


def enterprise_facts(
    enterprise: Enterprise, programme: VoucherProgramme, on: dt.date
) -> dict[str, Any]:
    """What the eligibility rule reads: the registry's facts and, when the points
    capability is installed, the firm's points score and tier (else unknown)."""
    certs = set(
        Certificate.objects.filter(enterprise=enterprise)
        .valid_on(on)
        .values_list("kind", flat=True)
    )
    revenue = (
        YearlyFacts.objects.filter(enterprise=enterprise, fiscal_year=programme.year - 1)
        .values_list("revenue_yuan", flat=True)
        .first()
    )
    points = attribute_values("points_score", [enterprise.pk], programme.year).get(enterprise.pk)
    tier = attribute_values("points_tier", [enterprise.pk], programme.year).get(enterprise.pk)
    return {
        "in_region": enterprise.region.path.startswith(programme.region.path),
        "certificates": certs,
        "points": None if points is None else Decimal(str(points)),
        "tier": tier,
        "revenue_wan": None if revenue is None else Decimal(revenue) / 10000,
    }


def enterprise_eligibility(
    enterprise: Enterprise, programme: VoucherProgramme, on: dt.date
) -> eligibility.Verdict:
    return eligibility.judge(
        programme.eligibility, enterprise_facts(enterprise, programme, on), programme.document
    )


def voucher_apply(
    *,
    actor: Any,
    enterprise: Enterprise,
    programme: VoucherProgramme,
    provider: Provider,
    category: str,
    service: str,
    fee_yuan: Decimal,
    on: dt.date,
    via: str = "web",
) -> Voucher:
    """A firm applies for a voucher: a service of an admitted category with an active
    provider, an estimated fee, within the programme's application dates, meeting its
    eligibility rule."""
    errors: list[FieldError] = []
    require(permissions.can_open(actor, WORKFLOW, enterprise))
    try:
        _money(fee_yuan, "fee_yuan", "预计服务费")
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    if category not in programme.categories:
        errors.append(
            FieldError("category", "服务类别", f"本年度方案支持：{programme.category_labels}")
        )
    elif category not in provider.categories:
        errors.append(
            FieldError(
                "provider", "服务机构", f"“{provider.name}”不提供{CATEGORY_LABELS[category]}服务"
            )
        )
    if provider.status != Provider.Status.ACTIVE:
        errors.append(
            FieldError("provider", "服务机构", f"“{provider.name}”已暂停：{provider.status_reason}")
        )
    if not service.strip():
        errors.append(FieldError("service", "服务内容", "不能为空"))
    call = programme.call
    if not call.is_open_on(on):
        errors.append(
            FieldError(
                "on",
                "申请日期",
                f"不在{programme.name}的申请时间内（截止{call.closes_on:%Y-%m-%d}）",
            )
        )
    verdict = enterprise_eligibility(enterprise, programme, on)
    for reason in verdict.reasons:
        errors.append(FieldError("enterprise", "申请条件", reason))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        p = _lock(programme)
        n = Voucher.objects.filter(programme=p).count() + 1
        app = frame.application_open(
            actor=actor,
            programme=PROGRAMME,
            enterprise=enterprise,
            year=p.year,
            on=on,
            kind=category,
            call=p.call,
            title=f"{CATEGORY_LABELS[category]}：{service.strip()}"[:200],
            amount_requested_yuan=fen(fee_yuan * p.subsidy_ratio),
            via=via,
        )
        voucher = Voucher.objects.create(
            application=app,
            programme=p,
            enterprise=enterprise,
            code=f"KJQ{p.year}{p.region.code[-3:]}-{n:05d}",
            provider=provider,
            category=category,
            service=service.strip()[:200],
            fee_yuan=fee_yuan,
        )
        _log(actor, "create", voucher, via=via)
    return voucher


def _locked_voucher(voucher: Voucher) -> Voucher:
    return (
        Voucher.objects.select_for_update(of=("self",))  # the voucher row only, not the joined ones
        .select_related("application", "enterprise", "programme")
        .get(pk=voucher.pk)
    )


def enterprise_used(
    programme: VoucherProgramme, enterprise_id: int, *, exclude: int | None = None
) -> Decimal:
    """What a firm holds of a programme's money: approved and not released, i.e.
    committed plus paid, over its vouchers (from the ledger)."""
    from kechuang.vouchers.selectors import exact_sums

    qs = LedgerEntry.objects.filter(programme=programme, enterprise_id=enterprise_id)
    if exclude is not None:
        qs = qs.exclude(voucher_id=exclude)
    committed, paid = exact_sums(qs.order_by(), "d_committed", "d_paid")
    return committed + paid


def voucher_approve(
    *,
    actor: Any,
    voucher: Voucher,
    amount_yuan: Decimal,
    on: dt.date,
    note: str = "",
    via: str = "web",
) -> Voucher:
    """Approve an amount and issue the voucher with its expiry: the amount is at most
    the firm's remaining yearly cap, the subsidy ratio of the fee, and the programme's
    available budget — all re-read under the programme's lock."""
    require(permissions.can_decide(actor))
    amount = _money(amount_yuan, "amount_yuan", "核定金额")
    with transaction.atomic():
        p = _lock(voucher.programme)
        v = _locked_voucher(voucher)
        if v.application.stage != "applied":
            raise Conflict(f"创新券{v.code}已处于“{v.stage_label}”环节，不能再核定")
        by_ratio = fen(v.fee_yuan * p.subsidy_ratio)
        room = p.cap_yuan - enterprise_used(p, v.enterprise_id)
        errors = []
        if amount > by_ratio:
            errors.append(
                f"超过服务费的{p.ratio_percent}%（预计服务费{wan_text(v.fee_yuan)}，最多{wan_text(by_ratio)}）"
            )
        if amount > room:
            errors.append(
                f"超过该企业本年度剩余上限（每家{wan_text(p.cap_yuan)}，剩余{wan_text(max(room, Decimal(0)))}）"
            )
        if amount > p.available_yuan:
            errors.append(f"超过本年度剩余预算（可用{wan_text(p.available_yuan)}）")
        if errors:
            raise ValidationFailed(
                [FieldError("amount_yuan", "核定金额", e) for e in errors],
                f"核定金额{wan_text(amount)}：{'；'.join(errors)}",
            )
        before = snapshot(v)
        v.approved_yuan = amount
        v.issued_on = on
        v.expires_on = on + dt.timedelta(days=p.validity_days)
        v.save(update_fields=["approved_yuan", "issued_on", "expires_on"])
        frame.application_transition(
            actor=actor,
            application=v.application,
            to="issued",
            on=on,
            note=note or f"核定{wan_text(amount)}，有效期至{v.expires_on:%Y-%m-%d}",
            via=LEDGER_VIA,
        )
        _entry(
            actor,
            p,
            LedgerEntry.Kind.COMMIT,
            on,
            voucher=v,
            d_available=-amount,
            d_committed=amount,
            note=f"{v.code} 发券",
            via=via,
        )
        _log(actor, "update", v, before, "核定发券", via)
    voucher.refresh_from_db()
    return voucher


def voucher_reject(
    *, actor: Any, voucher: Voucher, reason: str, on: dt.date, via: str = "web"
) -> Voucher:
    require(permissions.can_decide(actor))
    if not reason.strip():
        raise invalid("reason", "不予批准的原因", "不能为空")
    return _close(actor, voucher, "rejected", reason, on, via)


def voucher_cancel(
    *, actor: Any, voucher: Voucher, reason: str, on: dt.date, via: str = "web"
) -> Voucher:
    """Cancel (作废): a firm withdraws its application; the bureau cancels a voucher
    not yet paid, releasing its amount."""
    if not reason.strip():
        raise invalid("reason", "作废原因", "不能为空")
    return _close(actor, voucher, "cancelled", reason, on, via)


def _close(actor: Any, voucher: Voucher, to: str, reason: str, on: dt.date, via: str) -> Voucher:
    require(permissions.can_work_on(actor, WORKFLOW, voucher.enterprise))
    with transaction.atomic():
        p = _lock(voucher.programme)
        v = _locked_voucher(voucher)
        _release_and_move(actor, p, v, to, reason.strip(), on, via)
    voucher.refresh_from_db()
    voucher.application.refresh_from_db()
    return voucher


def _release_and_move(
    actor: Any, p: VoucherProgramme, v: Voucher, to: str, reason: str, on: dt.date, via: str
) -> None:
    held = (
        (v.approved_yuan or Decimal(0)) - v.paid_yuan if v.application.stage in LIVE else Decimal(0)
    )
    before = snapshot(v)
    v.reason = reason[:300]
    v.save(update_fields=["reason"])
    frame.application_transition(
        actor=actor, application=v.application, to=to, on=on, note=reason, via=LEDGER_VIA
    )
    if held > 0:
        _entry(
            actor,
            p,
            LedgerEntry.Kind.RELEASE,
            on,
            voucher=v,
            d_available=held,
            d_committed=-held,
            note=f"{v.code} {WORKFLOW.label_of(to)}：{reason}",
            via=via,
        )
    _log(actor, "update", v, before, WORKFLOW.label_of(to), via)


def vouchers_expire(
    *, actor: Any, on: dt.date, programme: VoucherProgramme | None = None, via: str = "web"
) -> int:
    """The bureau's expiry run (the button, `kechuang vouchers_expire`): expire every
    voucher issued and not claimed whose validity ended before `on`, releasing its
    amount. Returns how many."""
    require(permissions.can_decide(actor))
    return _expire(on=on, programme=programme, voucher=None, actor=actor, via=via)


def vouchers_expire_due(
    *, on: dt.date | None = None, voucher: Voucher | None = None, via: str = "auto"
) -> int:
    """Automatic expiry, run before a voucher page, the API or a service reads or moves
    vouchers: whatever is past its expiry on `on` (today by default; `voucher` alone
    when given) is expired and released now, whoever is looking. Idempotent and cheap
    when nothing is due (one indexed query); locked like every money move (programme,
    then voucher), so two requests expiring at once expire each voucher once. The move
    is made in the name of the programme's county bureau (the workflow's expiry is a
    bureau move), marked `auto` in the audit log."""
    day = on or periods.today()
    due = Voucher.objects.filter(application__stage__in=OPEN, expires_on__lt=day)
    if voucher is not None:
        due = due.filter(pk=voucher.pk)
    if not due.exists():
        return 0
    return _expire(on=day, programme=None, voucher=voucher, actor=None, via=via)


def _bureau_of(programme: VoucherProgramme) -> Any:
    """The user the automatic expiry acts as: a bureau user of the programme's county
    (else of the city above it, else the platform administrator)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(role="staff") | Q(is_superuser=True))
    )
    region: Region | None = programme.region
    while region is not None:
        found = users.filter(region=region).order_by("pk").first()
        if found is not None:
            return found
        region = region.parent
    return users.filter(is_superuser=True, region__isnull=True).order_by("pk").first()


def _expiry_day(v: Voucher, on: dt.date) -> dt.date:
    """The automatic expiry's date: the day after the validity ended (not the day
    somebody happened to look), never before the voucher's last event, never after `on`."""
    assert v.expires_on is not None
    day = min(on, v.expires_on + dt.timedelta(days=1))
    latest = v.application.events.order_by("-on", "-id").values_list("on", flat=True).first()
    return max(day, latest) if latest is not None else day


def _expire(
    *,
    on: dt.date,
    programme: VoucherProgramme | None,
    voucher: Voucher | None,
    actor: Any,
    via: str,
) -> int:
    due = Voucher.objects.filter(application__stage__in=OPEN, expires_on__lt=on)
    if programme is not None:
        due = due.filter(programme=programme)
    if voucher is not None:
        due = due.filter(pk=voucher.pk)
    n = 0
    for pid in sorted(set(due.values_list("programme_id", flat=True))):
        with transaction.atomic():
            p = VoucherProgramme.objects.select_for_update().get(pk=pid)
            by = actor if actor is not None else _bureau_of(p)
            if by is None:
                continue  # nobody can act for this county: left to the bureau's run
            for v in (
                due.filter(programme_id=pid)
                .select_for_update(of=("self",))
                .select_related("application", "enterprise", "programme")
                .order_by("pk")
            ):
                if v.application.stage not in OPEN:
                    continue  # expired (or moved) by another request meanwhile
                day = on if actor is not None else _expiry_day(v, on)
                _release_and_move(
                    by,
                    p,
                    v,
                    "expired",
                    f"有效期至{v.expires_on:%Y-%m-%d}，逾期未使用"
                    + ("（系统自动到期）" if actor is None else ""),
                    day,
                    via,
                )
                n += 1
    return n


# -- using and redeeming -----------------------------------------------------------------------


def voucher_attach(
    *, actor: Any, voucher: Voucher, kind: str, file: UploadedFile[bytes], via: str = "web"
) -> VoucherDocument:
    """Upload a piece of evidence (contract, invoice, report) to the firm's own voucher."""
    if kind not in EVIDENCE_LABELS:
        raise invalid("kind", "材料类别", "应为服务合同、服务发票或服务完成报告")
    require(permissions.can_work_on(actor, WORKFLOW, voucher.enterprise))
    if voucher.application.stage not in LIVE:
        raise invalid(
            "file", "兑付材料", f"创新券{voucher.code}已{voucher.stage_label}，不能再上传"
        )
    with transaction.atomic():
        doc = frame.attachment_add(
            actor=actor,
            enterprise=voucher.enterprise,
            application=voucher.application,
            file=file,
            title=f"{EVIDENCE_LABELS[kind]}：{file.name or ''}"[:120],
            via=via,
        )
        return VoucherDocument.objects.create(voucher=voucher, kind=kind, attachment=doc)


def _expire_if_due(voucher: Voucher, on: dt.date) -> None:
    """A voucher used past its expiry is expired first (its own transaction: the
    expiry stands though the move is then refused)."""
    if voucher.application.stage in OPEN and vouchers_expire_due(
        on=min(on, periods.today()), voucher=voucher
    ):
        voucher.refresh_from_db()
        voucher.application.refresh_from_db()
        raise invalid(
            "on",
            "办理日期",
            f"创新券{voucher.code}已于{voucher.expires_on:%Y年%m月%d日}过期，"
            "不能再使用或申请兑付（已自动置为已过期并释放额度）",
        )


def voucher_move(
    *,
    actor: Any,
    voucher: Voucher,
    to: str,
    on: dt.date,
    note: str = "",
    expected_stage: str | None = None,
    via: str = "web",
) -> Voucher:
    """A step without money: contract signed, service done, claim checked or returned."""
    if to not in ("contracted", "delivered", "checked"):
        raise invalid("to", "环节", "该环节须通过相应的办理入口")
    _expire_if_due(voucher, on)
    frame.application_transition(
        actor=actor,
        application=voucher.application,
        to=to,
        on=on,
        note=note,
        expected_stage=expected_stage,
        via=via,
    )
    voucher.refresh_from_db()
    return voucher


def voucher_claim(
    *, actor: Any, voucher: Voucher, invoice_yuan: Decimal, on: dt.date, via: str = "web"
) -> Voucher:
    """Claim redemption (申请兑付) with the invoiced fee: the amount to pay is the
    subsidy ratio of the invoice, at most the approved amount; refused after expiry."""
    require(permissions.can_work_on(actor, WORKFLOW, voucher.enterprise))
    invoice = _money(invoice_yuan, "invoice_yuan", "发票金额")
    _expire_if_due(voucher, on)
    with transaction.atomic():
        p = _lock(voucher.programme)
        v = _locked_voucher(voucher)
        if v.expires_on is not None and on > v.expires_on:
            raise invalid(
                "on",
                "申请兑付日期",
                f"创新券{v.code}已于{v.expires_on:%Y年%m月%d日}过期，不能申请兑付",
            )
        before = snapshot(v)
        v.invoice_yuan = invoice
        v.claimed_yuan = min(v.approved_yuan or Decimal(0), fen(invoice * p.subsidy_ratio))
        v.save(update_fields=["invoice_yuan", "claimed_yuan"])
        frame.application_transition(
            actor=actor,
            application=v.application,
            to="claimed",
            on=on,
            note=f"发票{wan_text(invoice)}，申请兑付{wan_text(v.claimed_yuan)}",
            via=via,
        )
        _log(actor, "update", v, before, "申请兑付", via)
    voucher.refresh_from_db()
    return voucher


def voucher_pay(
    *, actor: Any, voucher: Voucher, on: dt.date, note: str = "", via: str = "web"
) -> Voucher:
    """Pay (兑付) a checked claim: the claimed amount moves from committed to paid, the
    rest of the approval is released. Under the programme lock, once: a second payment
    finds the voucher paid (and the database would refuse a second pay entry)."""
    require(permissions.can_decide(actor))
    with transaction.atomic():
        p = _lock(voucher.programme)
        v = _locked_voucher(voucher)
        if v.application.stage != "checked":
            raise Conflict(f"创新券{v.code}处于“{v.stage_label}”环节，不能兑付")
        amount = v.claimed_yuan or Decimal(0)
        approved = v.approved_yuan or Decimal(0)
        if amount <= 0 or amount > approved:
            raise invalid(
                "claimed_yuan",
                "申请兑付",
                f"兑付金额{wan_text(amount)}不在核定金额{wan_text(approved)}之内",
            )
        before = snapshot(v)
        v.paid_yuan = amount
        v.paid_on = on
        v.save(update_fields=["paid_yuan", "paid_on"])
        frame.application_transition(
            actor=actor,
            application=v.application,
            to="paid",
            on=on,
            note=note or f"兑付{wan_text(amount)}",
            via=LEDGER_VIA,
        )
        _entry(
            actor,
            p,
            LedgerEntry.Kind.PAY,
            on,
            voucher=v,
            d_committed=-amount,
            d_paid=amount,
            note=f"{v.code} 兑付",
            via=via,
        )
        if approved > amount:
            _entry(
                actor,
                p,
                LedgerEntry.Kind.RELEASE,
                on,
                voucher=v,
                d_committed=-(approved - amount),
                d_available=approved - amount,
                note=f"{v.code} 兑付后释放未用额度",
                via=via,
            )
        _log(actor, "update", v, before, "兑付", via)
    voucher.refresh_from_db()
    return voucher


def payment_correct(
    *, actor: Any, voucher: Voucher, amount_yuan: Decimal, on: dt.date, note: str, via: str = "web"
) -> LedgerEntry:
    """A payment found wrong (overpaid, refunded by the firm): a correction entry moves
    the amount from paid back to available; the original entry stays."""
    require(permissions.can_decide(actor))
    amount = _money(amount_yuan, "amount_yuan", "更正金额")
    if not note.strip():
        raise invalid("note", "更正原因", "不能为空")
    with transaction.atomic():
        p = _lock(voucher.programme)
        v = _locked_voucher(voucher)
        if amount > v.paid_yuan:
            raise invalid("amount_yuan", "更正金额", f"超过已兑付金额{wan_text(v.paid_yuan)}")
        paid_entry = LedgerEntry.objects.filter(voucher=v, kind=LedgerEntry.Kind.PAY).first()
        before = snapshot(v)
        v.paid_yuan -= amount
        v.save(update_fields=["paid_yuan"])
        entry = _entry(
            actor,
            p,
            LedgerEntry.Kind.CORRECTION,
            on,
            voucher=v,
            d_paid=-amount,
            d_available=amount,
            note=f"{v.code} 更正：{note.strip()}",
            corrects=paid_entry,
            via=via,
        )
        _log(actor, "update", v, before, "兑付更正", via)
    return entry


def role_may_apply(actor: Any) -> bool:
    return role_of(actor) in WORKFLOW.open_roles


def application_of(voucher: Voucher) -> Application:
    return voucher.application


def parse_ratio(raw: str) -> Decimal:
    """A subsidy ratio typed as a percentage ("50", "50%") → 0.5."""
    text = raw.strip().rstrip("%％").strip()
    try:
        value = Decimal(text) / 100
    except ArithmeticError:
        raise invalid("subsidy_ratio", "补贴比例", f"“{raw}”不是百分数") from None
    if not value.is_finite():
        raise invalid("subsidy_ratio", "补贴比例", f"“{raw}”不是百分数")
    return value.quantize(Decimal("0.0001"))
