"""Pages of the voucher capability: parse → call a selector or service → render.
Records named in the URL are looked up in the actor's scope (404 outside it); refusals
are said in Chinese on the page they came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.accounts.scoping import role_of
from kechuang.core import periods
from kechuang.core.errors import DomainError, FieldError, PermissionDenied, ValidationFailed
from kechuang.core.money import MoneyError, wan_to_yuan
from kechuang.core.web import (
    Column,
    Filter,
    Listing,
    file_response,
    require,
    text_param,
    year_param,
)
from kechuang.programmes.selectors import attachment_get, events_of
from kechuang.vouchers import selectors, services
from kechuang.vouchers.models import CATEGORIES, EVIDENCE, LedgerEntry, Voucher
from kechuang.vouchers.workflow import WORKFLOW


def provider_gate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A provider's user on the password the bureau set changes it before anything else."""
    from functools import wraps

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if selectors.must_change_password(request.user):
            messages.warning(request, "首次登录请先修改科技局设置的初始密码")
            return redirect("accounts:password_change")
        return view(request, *args, **kwargs)

    return wrapped


def expire_first(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Vouchers past their expiry are expired before the page reads them (one cheap
    query when none is due): nobody has to press the button or run the command."""
    from functools import wraps

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        services.vouchers_expire_due()
        return view(request, *args, **kwargs)

    return wrapped


def _staff(user: Any) -> tuple[bool, str]:
    return (True, "") if role_of(user) == "staff" else (False, "只有科技局可以办理")


def _run(request: HttpRequest, fn: Callable[[], Any], ok: str) -> bool:
    try:
        fn()
    except ValidationFailed as exc:
        messages.error(request, "；".join(exc.lines()) or exc.message)
        return False
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, ok)
    return True


def _wan(request: HttpRequest, name: str, label: str) -> Any:
    """A 万元 amount typed in a form → yuan (Decimal), or a Chinese error."""
    raw = request.POST.get(name, "").strip()
    if not raw:
        raise ValidationFailed([FieldError(name, label, "不能为空")], f"{label}：不能为空")
    try:
        return wan_to_yuan(raw)
    except MoneyError as exc:
        raise ValidationFailed([FieldError(name, label, str(exc))], f"{label}：{exc}") from None


def _day(request: HttpRequest) -> dt.date:
    raw = request.POST.get("on", "").strip()
    if not raw:
        return periods.today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(
            [FieldError("on", "日期", "应为YYYY-MM-DD")], "日期：应为YYYY-MM-DD"
        ) from None


def _stage_text(v: Voucher) -> str:
    return v.application.stage_label


VOUCHERS = Listing(
    name="vouchers",
    title="创新券",
    columns=[
        Column("code", "券号", sort="code", link=lambda v: f"/vouchers/{v.pk}/"),
        Column("enterprise.name", "企业", sort="enterprise__name"),
        Column("enterprise.region.name", "所在地区"),
        Column("programme.year", "年度", sort="programme__year"),
        Column("category_label", "服务类别"),
        Column("provider.name", "服务机构", sort="provider__name"),
        Column("fee_yuan", "预计服务费（万元）", money=True, sort="fee_yuan"),
        Column("approved_yuan", "核定金额（万元）", money=True, sort="approved_yuan"),
        Column("paid_yuan", "已兑付（万元）", money=True, sort="paid_yuan"),
        Column("expires_on", "有效期至", sort="expires_on"),
        Column("stage", "环节", value=_stage_text),
    ],
    filters=[
        Filter(
            "year",
            "年度",
            kind="year",
            choices=lambda r: [(y, f"{y}年") for y in selectors.programme_years()],
            default=lambda r: selectors.default_year(),
        ),
        Filter("stage", "环节", choices=WORKFLOW.choices()),
        Filter("category", "服务类别", choices=CATEGORIES),
        Filter("q", "企业", kind="text", placeholder="企业名称或券号"),
    ],
    default_sort="-code",
    page_size=50,
    attributes="enterprise",  # innovation points (and other declared attributes)
)


@login_required
@expire_first
@provider_gate
def index(request: HttpRequest) -> HttpResponseBase:
    table = VOUCHERS.build(request, lambda f: selectors.voucher_list(actor=request.user, **f))
    year = table.filters.get("year")
    ctx = selectors.index_context(actor=request.user, year=year)
    return table.export_response() or render(
        request, "vouchers/index.html", {"table": table, **ctx}
    )


@login_required
def apply(request: HttpRequest) -> HttpResponseBase:
    """A firm (or its area's officer, or the bureau) applies for a voucher."""
    ctx = selectors.apply_context(
        actor=request.user,
        year=year_param(request, selectors.default_year() + 1),
        firm_id=text_param(request, "uscc"),
    )
    if request.method == "POST":

        def go() -> Any:
            firm = selectors.applicant(
                actor=request.user,
                uscc=request.POST.get("uscc", ""),
                pk=request.POST.get("enterprise", ""),
            )
            prog = selectors.programme_get(
                actor=request.user, pk=int(request.POST.get("programme") or 0)
            )
            provider = selectors.provider_get(int(request.POST.get("provider") or 0))
            ctx["made"] = services.voucher_apply(
                actor=request.user,
                enterprise=firm,
                programme=prog,
                provider=provider,
                category=request.POST.get("category", ""),
                service=request.POST.get("service", ""),
                fee_yuan=_wan(request, "fee", "预计服务费"),
                on=periods.today(),
            )

        try:
            go()
        except ValueError:
            messages.error(request, "请选择企业、方案和服务机构")
        except ValidationFailed as exc:
            messages.error(request, "；".join(exc.lines()) or exc.message)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已提交申请，券号{ctx['made'].code}")
            return redirect("vouchers:voucher", pk=ctx["made"].pk)
    return render(request, "vouchers/apply.html", ctx)


@login_required
@expire_first
@provider_gate
def voucher(request: HttpRequest, pk: int) -> HttpResponse:
    v = selectors.voucher_get(actor=request.user, pk=pk)
    return render(
        request,
        "vouchers/voucher.html",
        selectors.voucher_context(actor=request.user, voucher=v, events=events_of(v.application)),
    )


def _voucher_post(
    request: HttpRequest, pk: int, fn: Callable[[Voucher], Any], ok: str
) -> HttpResponse:
    v = selectors.voucher_get(actor=request.user, pk=pk)
    _run(request, lambda: fn(v), ok)
    return redirect("vouchers:voucher", pk=v.pk)


@login_required
@require_POST
def voucher_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _voucher_post(
        request,
        pk,
        lambda v: services.voucher_approve(
            actor=request.user,
            voucher=v,
            amount_yuan=_wan(request, "amount", "核定金额"),
            on=_day(request),
        ),
        "已核定并发券",
    )


@login_required
@require_POST
def voucher_close(request: HttpRequest, pk: int) -> HttpResponse:
    to = request.POST.get("to", "")
    reason = request.POST.get("reason", "")

    def go(v: Voucher) -> Any:
        if to == "rejected":
            return services.voucher_reject(
                actor=request.user, voucher=v, reason=reason, on=_day(request)
            )
        return services.voucher_cancel(
            actor=request.user, voucher=v, reason=reason, on=_day(request)
        )

    return _voucher_post(request, pk, go, "已不予批准" if to == "rejected" else "已作废")


@login_required
@require_POST
def voucher_move(request: HttpRequest, pk: int) -> HttpResponse:
    return _voucher_post(
        request,
        pk,
        lambda v: services.voucher_move(
            actor=request.user,
            voucher=v,
            to=request.POST.get("to", ""),
            on=_day(request),
            note=request.POST.get("note", ""),
            expected_stage=request.POST.get("stage") or None,
        ),
        "已办理",
    )


@login_required
@require_POST
def voucher_claim(request: HttpRequest, pk: int) -> HttpResponse:
    return _voucher_post(
        request,
        pk,
        lambda v: services.voucher_claim(
            actor=request.user,
            voucher=v,
            invoice_yuan=_wan(request, "invoice", "发票金额"),
            on=_day(request),
        ),
        "已申请兑付",
    )


@login_required
@require_POST
def voucher_pay(request: HttpRequest, pk: int) -> HttpResponse:
    return _voucher_post(
        request,
        pk,
        lambda v: services.voucher_pay(actor=request.user, voucher=v, on=_day(request)),
        "已兑付",
    )


@login_required
@require_POST
def voucher_upload(request: HttpRequest, pk: int) -> HttpResponse:
    upload = request.FILES.get("file")

    def go(v: Voucher) -> Any:
        if upload is None:
            raise ValidationFailed(
                [FieldError("file", "兑付材料", "请选择文件")], "兑付材料：请选择文件"
            )
        return services.voucher_attach(
            actor=request.user, voucher=v, kind=request.POST.get("kind", ""), file=upload
        )

    return _voucher_post(request, pk, go, "材料已上传")


@login_required
def document(request: HttpRequest, pk: int) -> HttpResponse:
    doc = attachment_get(actor=request.user, pk=pk)
    with doc.file.open("rb") as fh:
        data = fh.read()
    return file_response(data, (doc.file.name or "").rsplit("/", 1)[-1], "application/octet-stream")


# -- programmes and the ledger -----------------------------------------------------------------


@login_required
@expire_first
def programmes(request: HttpRequest) -> HttpResponse:
    require(_staff_or_officer(request.user))
    return render(
        request, "vouchers/programmes.html", selectors.programmes_context(actor=request.user)
    )


def _staff_or_officer(user: Any) -> tuple[bool, str]:
    return (
        (True, "")
        if role_of(user) in ("staff", "officer")
        else (False, "只有科技局和园区/乡镇可以查看")
    )


@login_required
@expire_first
def programme(request: HttpRequest, pk: int) -> HttpResponse:
    require(_staff_or_officer(request.user))
    p = selectors.programme_get(actor=request.user, pk=pk)
    return render(
        request,
        "vouchers/programme.html",
        selectors.programme_context(actor=request.user, programme=p),
    )


@login_required
def programme_new(request: HttpRequest) -> HttpResponse:
    require(_staff(request.user))
    if request.method == "POST":

        def go() -> Any:
            try:
                ratio = services.parse_ratio(request.POST.get("ratio", ""))
                days = int(request.POST.get("validity_days") or 0)
                year = int(request.POST.get("year") or 0)
                closes = dt.date.fromisoformat(request.POST.get("closes_on", ""))
                opens = (
                    dt.date.fromisoformat(request.POST.get("opens_on", ""))
                    if request.POST.get("opens_on")
                    else None
                )
            except ValueError:
                raise ValidationFailed(
                    [FieldError("form", "方案", "年度、有效期为整数，日期为YYYY-MM-DD")],
                    "年度、有效期应为整数，日期应为YYYY-MM-DD",
                ) from None
            min_points = request.POST.get("min_points", "").strip()
            return services.programme_create(
                actor=request.user,
                region=selectors.county_of(request.user),
                data={
                    "year": year,
                    "budget_yuan": _wan(request, "budget", "预算总额"),
                    "cap_yuan": _wan(request, "cap", "每家企业年度上限"),
                    "subsidy_ratio": ratio,
                    "validity_days": days,
                    "categories": request.POST.getlist("categories"),
                    "evidence": request.POST.getlist("evidence"),
                    "opens_on": opens,
                    "closes_on": closes,
                    "document": request.POST.get("document", ""),
                    "eligibility": {
                        "certificates": request.POST.getlist("certificates"),
                        **({"min_points": min_points} if min_points else {}),
                    },
                },
            )

        if _run(request, go, "已建立年度方案并下达预算"):
            return redirect("vouchers:programmes")
    return render(
        request,
        "vouchers/programme_new.html",
        {"categories": CATEGORIES, "evidence": EVIDENCE, "year": periods.today().year},
    )


@login_required
@require_POST
def programme_expire(request: HttpRequest, pk: int) -> HttpResponse:
    p = selectors.programme_get(actor=request.user, pk=pk)
    _run(
        request,
        lambda: services.vouchers_expire(actor=request.user, on=periods.today(), programme=p),
        "已处理到期未用的创新券",
    )
    return redirect("vouchers:programme", pk=p.pk)


LEDGER = Listing(
    name="voucher_ledger",
    title="创新券台账",
    columns=[
        Column("on", "日期", sort="on"),
        Column("kind", "类别", value=lambda e: e.get_kind_display()),
        Column("voucher.code", "券号"),
        Column("enterprise.name", "企业"),
        Column("d_budget", "预算变动（万元）", money=True),
        Column("d_available", "可用变动（万元）", money=True),
        Column("d_committed", "占用变动（万元）", money=True),
        Column("d_paid", "兑付变动（万元）", money=True),
        Column("note", "说明"),
        Column("created_by", "记账人"),
    ],
    filters=[Filter("kind", "类别", choices=LedgerEntry.Kind.choices)],
    default_sort="on",
    page_size=100,
    attributes="enterprise",  # innovation points (and other declared attributes)
)


@login_required
@expire_first
def ledger(request: HttpRequest, pk: int) -> HttpResponseBase:
    require(_staff_or_officer(request.user))
    p = selectors.programme_get(actor=request.user, pk=pk)
    table = LEDGER.build(
        request, lambda f: selectors.ledger_list(actor=request.user, programme=p, **f)
    )
    return table.export_response() or render(
        request, "vouchers/ledger.html", {"table": table, "p": p}
    )


# -- provider logins ----------------------------------------------------------------------------


@login_required
@require_POST
def provider_login_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The bureau opens a login for the provider with an initial password."""
    p = selectors.provider_logins_get(actor=request.user, pk=pk)
    _run(
        request,
        lambda: services.provider_login_create(
            actor=request.user,
            provider=p,
            username=request.POST.get("username", ""),
            password=request.POST.get("password", ""),
            display_name=request.POST.get("display_name", ""),
        ),
        "已开通机构账号；请将登录名和初始密码告知机构，首次登录须修改密码",
    )
    return redirect("vouchers:provider", pk=p.pk)


@login_required
@require_POST
def provider_login_status(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.provider_member_get(actor=request.user, pk=pk)
    active = request.POST.get("active") == "1"
    _run(
        request,
        lambda: services.provider_login_set_active(
            actor=request.user, member=member, active=active
        ),
        "已启用机构账号" if active else "已停用机构账号",
    )
    return redirect("vouchers:provider", pk=member.provider_id)


# -- providers ---------------------------------------------------------------------------------

PROVIDERS = Listing(
    name="voucher_providers",
    title="服务机构",
    columns=[
        Column("name", "机构名称", sort="name", link=lambda p: f"/vouchers/providers/{p.pk}/"),
        Column("category_labels", "服务类别"),
        Column("n_documents", "资质文件（份）"),
        Column("qualification_until", "资质有效期至"),
        Column("status", "状态", value=lambda p: p.get_status_display()),
        Column("status_reason", "暂停原因"),
        Column("n_vouchers", "创新券（张）"),
        Column("paid", "已兑付（万元）", money=True),
    ],
    default_sort="name",
)


@login_required
def providers(request: HttpRequest) -> HttpResponseBase:
    require(_staff_or_officer(request.user))
    table = PROVIDERS.build(request, selectors.providers())
    return table.export_response() or render(
        request,
        "vouchers/providers.html",
        {"table": table, "can_edit": role_of(request.user) == "staff"},
    )


@login_required
def provider_new(request: HttpRequest) -> HttpResponse:
    require(_staff(request.user))
    if request.method == "POST":

        def go() -> Any:
            until = request.POST.get("qualification_until", "").strip()
            try:
                until_day = dt.date.fromisoformat(until) if until else None
            except ValueError:
                raise ValidationFailed(
                    [FieldError("qualification_until", "资质有效期至", "应为YYYY-MM-DD")],
                    "资质有效期至：应为YYYY-MM-DD",
                ) from None
            return services.provider_save(
                actor=request.user,
                data={
                    "name": request.POST.get("name", ""),
                    "uscc": request.POST.get("uscc", ""),
                    "categories": request.POST.getlist("categories"),
                    "qualification_until": until_day,
                    "contact": request.POST.get("contact", ""),
                    "phone": request.POST.get("phone", ""),
                },
            )

        if _run(request, go, "服务机构已登记"):
            return redirect("vouchers:providers")
    return render(request, "vouchers/provider_new.html", {"categories": CATEGORIES})


@login_required
@expire_first
def provider(request: HttpRequest, pk: int) -> HttpResponse:
    require(_staff_or_officer(request.user))
    p = selectors.provider_get(pk)
    return render(
        request,
        "vouchers/provider.html",
        selectors.provider_context(actor=request.user, provider=p),
    )


@login_required
@require_POST
def provider_status(request: HttpRequest, pk: int) -> HttpResponse:
    p = selectors.provider_get(pk)
    suspend = request.POST.get("suspend") == "1"
    _run(
        request,
        lambda: services.provider_set_status(
            actor=request.user,
            provider=p,
            suspend=suspend,
            reason=request.POST.get("reason", ""),
            on=periods.today(),
        ),
        "已暂停" if suspend else "已恢复",
    )
    return redirect("vouchers:provider", pk=p.pk)


def _date_or_none(request: HttpRequest, name: str, label: str) -> dt.date | None:
    raw = request.POST.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(
            [FieldError(name, label, "应为YYYY-MM-DD")], f"{label}：应为YYYY-MM-DD"
        ) from None


@login_required
@provider_gate
@require_POST
def provider_document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The bureau of the provider's county, or the provider's own user, adds a
    qualification file."""
    p = selectors.provider_files_get(actor=request.user, pk=pk)
    upload = request.FILES.get("file")

    def go() -> Any:
        if upload is None:
            raise ValidationFailed(
                [FieldError("file", "资质文件", "请选择文件")], "资质文件：请选择文件"
            )
        return services.provider_document_add(
            actor=request.user,
            provider=p,
            file=upload,
            title=request.POST.get("title", ""),
            valid_until=_date_or_none(request, "valid_until", "有效期至"),
        )

    _run(request, go, "资质文件已上传")
    if selectors.provider_of(request.user) == p:
        return redirect("vouchers:my_provider")
    return redirect("vouchers:provider", pk=p.pk)


@login_required
@provider_gate
def provider_document(request: HttpRequest, pk: int) -> HttpResponse:
    """A qualification file, for the bureau of the provider's county and its own users."""
    doc = selectors.provider_document_get(actor=request.user, pk=pk)
    with doc.file.open("rb") as fh:
        data = fh.read()
    return file_response(data, (doc.file.name or "").rsplit("/", 1)[-1], "application/octet-stream")


@login_required
@expire_first
@provider_gate
def my_provider(request: HttpRequest) -> HttpResponse:
    """A provider's own view: the vouchers spent with it."""
    p = selectors.provider_of(request.user) if role_of(request.user) == "helper" else None
    if p is None:
        raise PermissionDenied("当前用户不是服务机构用户")
    return render(
        request,
        "vouchers/provider.html",
        selectors.provider_context(actor=request.user, provider=p),
    )
