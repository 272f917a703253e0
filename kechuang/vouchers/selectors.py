"""Reads of the voucher capability, scoped to the actor; the books' state; and the
figures behind the indicators (what the money brought)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from kechuang.accounts.models import Region
from kechuang.accounts.scoping import role_of, sees_everything
from kechuang.core import periods
from kechuang.core.errors import NotFound
from kechuang.core.sums import ExactSum
from kechuang.enterprises.models import YearlyFacts
from kechuang.vouchers.models import (
    LedgerEntry,
    Provider,
    ProviderDocument,
    ProviderMember,
    Voucher,
    VoucherProgramme,
)
from kechuang.vouchers.workflow import LIVE, OPEN

ZERO = Decimal(0)


def programmes(actor: Any = None) -> QuerySet[VoucherProgramme]:
    qs = VoucherProgramme.objects.select_related("region", "call")
    if actor is not None and not sees_everything(actor):
        region = getattr(actor, "region", None)
        if region is not None:
            county = region if not region.is_area else region.parent
            if county is not None:
                qs = qs.filter(Q(region=county) | Q(region__path__startswith=county.path))
        elif role_of(actor) == "enterprise":
            membership = getattr(actor, "membership", None)
            if membership is not None:
                path = membership.enterprise.region.path
                return qs.filter(pk__in=[p.pk for p in qs if path.startswith(p.region.path)])
            return qs.none()
    return qs.order_by("-year", "region__code")


def programme_get(*, actor: Any, pk: int) -> VoucherProgramme:
    found = programmes(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("创新券方案不存在或无权查看")
    return found


def programme_of_year(actor: Any, year: int) -> VoucherProgramme | None:
    return programmes(actor).filter(year=year).first()


def voucher_queryset(actor: Any) -> QuerySet[Voucher]:
    """The vouchers the actor sees: of the firms in their scope; a provider's user
    (a helper acting for a provider) those spent with the provider."""
    base = Voucher.objects.select_related(
        "application", "enterprise", "enterprise__region", "provider", "programme"
    )
    if role_of(actor) == "helper":
        provider = provider_of(actor)
        if provider is not None:
            return base.filter(provider=provider, enterprise__deleted_at__isnull=True)
    return base.filter(pk__in=Voucher.objects.visible_to(actor).values("pk"))


def voucher_get(*, actor: Any, pk: int) -> Voucher:
    found = voucher_queryset(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("创新券不存在或无权查看")
    return found


def provider_of(actor: Any) -> Provider | None:
    member = (
        getattr(actor, "voucher_provider", None)
        if getattr(actor, "is_authenticated", False)
        else None
    )
    return member.provider if member is not None else None


def providers() -> QuerySet[Provider]:
    files = (
        ProviderDocument.objects.filter(provider=OuterRef("pk"))
        .exclude(file="")
        .order_by()
        .values("provider")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Provider.objects.annotate(
        n_vouchers=Count("vouchers"),
        paid=ExactSum("vouchers__paid_yuan"),
        n_documents=Coalesce(Subquery(files), 0),
    ).order_by("name")


def provider_get(pk: int) -> Provider:
    found = Provider.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound("服务机构不存在")
    return found


def provider_files_get(*, actor: Any, pk: int) -> Provider:
    """A provider whose qualification files the actor may read and add to (404 else)."""
    from kechuang.vouchers.services import can_read_provider_files

    found = Provider.objects.filter(pk=pk).select_related("region").first()
    if found is None or not can_read_provider_files(actor, found)[0]:
        raise NotFound("服务机构不存在或无权查看其资质文件")
    return found


def provider_logins_get(*, actor: Any, pk: int) -> Provider:
    """A provider whose logins the actor opens and closes (404 else)."""
    from kechuang.vouchers.services import can_manage_provider_logins

    found = Provider.objects.filter(pk=pk).select_related("region").first()
    if found is None or not can_manage_provider_logins(actor, found)[0]:
        raise NotFound("服务机构不存在或无权管理其账号")
    return found


def provider_member_get(*, actor: Any, pk: int) -> ProviderMember:
    """A provider's login the actor may disable or enable (404 else)."""
    from kechuang.vouchers.services import can_manage_provider_logins

    found = (
        ProviderMember.objects.filter(pk=pk)
        .select_related("user", "provider", "provider__region")
        .first()
    )
    if found is None or not can_manage_provider_logins(actor, found.provider)[0]:
        raise NotFound("机构账号不存在或无权管理")
    return found


def provider_logins(*, actor: Any, provider: Provider) -> list[ProviderMember] | None:
    """The provider's logins, for the bureau that manages them (None for anybody else)."""
    from kechuang.vouchers.services import can_manage_provider_logins

    if not can_manage_provider_logins(actor, provider)[0]:
        return None
    return list(provider.members.select_related("user").order_by("user__username"))


def must_change_password(actor: Any) -> bool:
    """A provider's user still on the password the bureau set."""
    member = getattr(actor, "voucher_provider", None) if role_of(actor) == "helper" else None
    return bool(member is not None and member.must_change_password)


def provider_documents(*, actor: Any, provider: Provider) -> list[ProviderDocument] | None:
    """The provider's qualification files, newest first; None for who may not read them."""
    from kechuang.vouchers.services import can_read_provider_files

    if not can_read_provider_files(actor, provider)[0]:
        return None
    return list(provider.documents.select_related("uploaded_by").order_by("-uploaded_at", "-id"))


def provider_document_get(*, actor: Any, pk: int) -> ProviderDocument:
    """A qualification file the actor may read (404 for anybody else, and for a note
    without a file)."""
    from kechuang.vouchers.services import can_read_provider_files

    found = (
        ProviderDocument.objects.filter(pk=pk)
        .exclude(file="")
        .select_related("provider", "provider__region")
        .first()
    )
    if found is None or not can_read_provider_files(actor, found.provider)[0]:
        raise NotFound("资质文件不存在或无权查看")
    return found


def active_providers(category: str | None = None) -> list[Provider]:
    rows = list(Provider.objects.filter(status=Provider.Status.ACTIVE).order_by("name"))
    return [p for p in rows if category is None or category in p.categories]


def ledger_queryset(actor: Any, programme: VoucherProgramme | None = None) -> QuerySet[LedgerEntry]:
    """The ledger: bureau staff see every entry (budget lines included); others the
    entries of the firms they see."""
    qs = LedgerEntry.objects.select_related("voucher", "enterprise", "programme", "created_by")
    if role_of(actor) != "staff":
        qs = qs.visible_to(actor)
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs.order_by("on", "id")


@dataclass(frozen=True)
class Books:
    """A programme's (or a firm's) money, from the ledger's entries."""

    budget: Decimal
    available: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def balanced(self) -> bool:
        return self.budget == self.available + self.committed + self.paid


def exact_sums(qs: QuerySet[Any], *fields: str) -> list[Decimal]:
    """Σ of each field, exact to the fen. Summed here, not by the database: SQLite adds
    decimals as floats (0.1 + 0.2 ≠ 0.3); each value read is exact."""
    out = [ZERO] * len(fields)
    for row in qs.values_list(*fields):
        out = [a + (b or ZERO) for a, b in zip(out, row, strict=True)]
    return out


def books(programme: VoucherProgramme, enterprise_id: int | None = None) -> Books:
    qs = LedgerEntry.objects.filter(programme=programme)
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    return Books(*exact_sums(qs.order_by(), "d_budget", "d_available", "d_committed", "d_paid"))


def enterprise_books(programme: VoucherProgramme) -> list[dict[str, Any]]:
    """Per firm: its cap, committed, paid and headroom (cap − committed − paid)."""
    per: dict[int, dict[str, Any]] = {}
    for eid, name, c, p in (
        LedgerEntry.objects.filter(programme=programme, enterprise__isnull=False)
        .order_by("enterprise__name", "id")
        .values_list("enterprise_id", "enterprise__name", "d_committed", "d_paid")
    ):
        row = per.setdefault(
            eid, {"enterprise_id": eid, "enterprise": name, "committed": ZERO, "paid": ZERO}
        )
        row["committed"] += c
        row["paid"] += p
    for row in per.values():
        row["cap"] = programme.cap_yuan
        row["headroom"] = programme.cap_yuan - row["committed"] - row["paid"]
    return list(per.values())


def enterprise_page(*, actor: Any, enterprise: Any) -> dict[str, Any]:
    """The panel on the enterprise page: the firm's vouchers and, per programme year,
    what it used of its cap."""
    vouchers = list(
        voucher_queryset(actor)
        .filter(enterprise=enterprise)
        .order_by("-programme__year", "-id")[:20]
    )
    can_apply = role_of(actor) in ("staff", "officer", "enterprise")
    return {"e": enterprise, "vouchers": vouchers, "can_apply": can_apply}


def expiring(actor: Any, day: dt.date, within: int = 30) -> QuerySet[Voucher]:
    """Issued vouchers not yet claimed that expire within `within` days (or have)."""
    return (
        voucher_queryset(actor)
        .filter(application__stage__in=OPEN, expires_on__lte=day + dt.timedelta(days=within))
        .order_by("expires_on", "id")
    )


def awaiting(actor: Any) -> QuerySet[Voucher]:
    """Vouchers waiting for the actor's decision: staff approve and pay; officers check."""
    role = role_of(actor)
    stages = {"staff": ("applied", "claimed", "checked"), "officer": ("claimed",)}.get(
        role or "", ()
    )
    return (
        voucher_queryset(actor)
        .filter(application__stage__in=stages)
        .order_by("application__updated_at")
    )


# -- what the money brought (indicators) -------------------------------------------------------


def paid_in(region: Region, year: int) -> QuerySet[LedgerEntry]:
    """Payments (and their corrections) dated in `year`, firms in the region's subtree."""
    return LedgerEntry.objects.in_region(region).filter(on__year=year).exclude(d_paid=0)


def has_programme(region: Region, year: int) -> bool:
    """Whether a voucher programme covers the region in that year, or money was paid
    in it (else the figures are "no data", never a made-up zero)."""
    for p in VoucherProgramme.objects.filter(year=year).select_related("region"):
        if region.path.startswith(p.region.path) or p.region.path.startswith(region.path):
            return True
    return paid_in(region, year).exists()


def redeemed(region: Region, year: int) -> tuple[Decimal, int]:
    """Σ paid in the year (yuan) and the number of vouchers paid."""
    qs = paid_in(region, year)
    (total,) = exact_sums(qs.order_by(), "d_paid")
    return total, qs.filter(kind=LedgerEntry.Kind.PAY).count()


def redeeming_firms(region: Region, year: int) -> list[int]:
    """Firms with a net payment in the year (a fully corrected payment does not count)."""
    net: dict[int, Decimal] = {}
    for eid, amount in paid_in(region, year).order_by().values_list("enterprise_id", "d_paid"):
        net[eid] = net.get(eid, ZERO) + amount
    return sorted(e for e, s in net.items() if s > 0)


def rd_of(firms: list[int], year: int) -> tuple[Decimal | None, int]:
    """Σ R&D spending (yuan) of fiscal `year` of `firms` (those that reported it)."""
    qs = YearlyFacts.objects.filter(
        enterprise_id__in=firms, fiscal_year=year, rd_expense_yuan__isnull=False
    )
    values = list(qs.values_list("rd_expense_yuan", flat=True))
    return (sum(values, ZERO) if values else None), len(values)


def issued_of_year(region: Region, year: int) -> QuerySet[Voucher]:
    """Vouchers of the year's programme that were issued (approved), firms in region."""
    return Voucher.objects.in_region(region).filter(
        programme__year=year, approved_yuan__isnull=False
    )


def unredeemed(region: Region, year: int, day: dt.date) -> tuple[Decimal, Decimal, int]:
    """(approved, not paid, vouchers) of the year's issued vouchers: what was issued
    but (so far) never redeemed — expired, cancelled or still open."""
    rows = list(issued_of_year(region, year).values_list("approved_yuan", "paid_yuan"))
    approved = sum((a or ZERO for a, _p in rows), ZERO)
    return approved, approved - sum((p for _a, p in rows), ZERO), len(rows)


# -- pages -------------------------------------------------------------------------------------


def programme_years() -> list[int]:
    """Years with a programme, and this year (the list's year choices)."""
    years = set(VoucherProgramme.objects.values_list("year", flat=True))
    return sorted(years | {periods.today().year}, reverse=True)


def default_year() -> int:
    """The latest programme year up to this year (the page's default)."""
    today = periods.today()
    year = (
        VoucherProgramme.objects.filter(year__lte=today.year)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return int(year or today.year)


def county_of(actor: Any) -> Region:
    region = getattr(actor, "region", None)
    if region is None:
        raise NotFound("当前用户没有所属地区")
    county: Region = region.parent if region.is_area and region.parent_id else region
    return county


def voucher_list(
    *, actor: Any, year: int | None = None, stage: str = "", category: str = "", q: str = ""
) -> QuerySet[Voucher]:
    qs = voucher_queryset(actor)
    if year:
        qs = qs.filter(programme__year=year)
    if stage:
        qs = qs.filter(application__stage=stage)
    if category:
        qs = qs.filter(category=category)
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(code__icontains=q))
    return qs


def index_context(*, actor: Any, year: int | None) -> dict[str, Any]:
    role = role_of(actor)
    p = programmes(actor).filter(year=year).first() if year else None
    return {
        "programme": p,
        "books": books(p) if p is not None and role in ("staff", "officer") else None,
        "is_staff": role == "staff",
        "can_apply": role in ("staff", "officer", "enterprise"),
        "staff_or_officer": role in ("staff", "officer"),
        "my_provider": provider_of(actor) if role == "helper" else None,
        "expiring_n": expiring(actor, periods.today()).count(),
    }


def apply_context(*, actor: Any, year: int, firm_id: str) -> dict[str, Any]:
    from kechuang.vouchers.models import CATEGORIES

    today = periods.today()
    open_progs = [p for p in programmes(actor) if p.call.is_open_on(today)]
    firms: list[Any] = []
    if role_of(actor) == "enterprise":
        membership = getattr(actor, "membership", None)
        firms = [membership.enterprise] if membership is not None else []
    verdicts = []
    if len(firms) == 1:
        from kechuang.vouchers.services import enterprise_eligibility

        verdicts = [(p, enterprise_eligibility(firms[0], p, today)) for p in open_progs]
    # a firm is offered only the programmes it qualifies for (the service would refuse
    # the others); staff pick the firm on the form, so every open programme is offered
    offered = [p for p, v in verdicts if v.eligible] if verdicts else open_progs
    return {
        "programmes": open_progs,
        "offered": offered,
        "firms": firms,
        "pick_firm": role_of(actor) != "enterprise",
        "firm_id": firm_id,
        "providers": active_providers(),
        "categories": CATEGORIES,
        "verdicts": verdicts,
        "today": today,
        "year": year,
    }


def applicant(*, actor: Any, uscc: str, pk: str) -> Any:
    """The firm applying: its own (an enterprise user), or one in the actor's scope
    named by its 统一社会信用代码."""
    from kechuang.enterprises.selectors import enterprise_queryset

    qs = enterprise_queryset(actor)
    if role_of(actor) == "enterprise":
        found = qs.filter(pk=int(pk)).first() if pk.isdigit() else None
    else:
        found = qs.filter(uscc=uscc.strip().upper()).first()
    if found is None:
        raise NotFound("统一社会信用代码不在企业库中，或该企业不属于本区域")
    return found


def voucher_context(*, actor: Any, voucher: Voucher, events: Any) -> dict[str, Any]:
    from kechuang.vouchers.models import EVIDENCE, EVIDENCE_LABELS
    from kechuang.vouchers.workflow import WORKFLOW

    role = role_of(actor)
    stage = voucher.application.stage
    nexts = WORKFLOW.next_stages(stage, role)
    p = voucher.programme
    return {
        "v": voucher,
        "p": p,
        "events": list(events),
        "docs": list(voucher.documents.select_related("attachment").order_by("kind", "id")),
        "entries": list(voucher.entries.order_by("on", "id")),
        "evidence": [(k, EVIDENCE_LABELS[k]) for k, _ in EVIDENCE if k in p.evidence]
        or list(EVIDENCE),
        "nexts": nexts,
        "can_approve": "issued" in nexts,
        "can_reject": "rejected" in nexts,
        "can_cancel": "cancelled" in nexts,
        "can_contract": "contracted" in nexts,
        "can_deliver": "delivered" in nexts and stage == "contracted",
        "can_return": "delivered" in nexts and stage == "claimed",
        "can_claim": "claimed" in nexts,
        "can_check": "checked" in nexts,
        "can_pay": "paid" in nexts,
        "can_upload": stage in LIVE and role in ("staff", "officer", "enterprise"),
        "ratio_max": services_fen(voucher.fee_yuan * p.subsidy_ratio),
        "room": p.cap_yuan - enterprise_held(p, voucher.enterprise_id),
        "today": periods.today(),
        "expired": bool(voucher.expires_on and voucher.expires_on < periods.today()),
    }


def services_fen(value: Decimal) -> Decimal:
    from kechuang.vouchers.services import fen

    return fen(value)


def enterprise_held(programme: VoucherProgramme, enterprise_id: int) -> Decimal:
    return books(programme, enterprise_id).committed + books(programme, enterprise_id).paid


def programmes_context(*, actor: Any) -> dict[str, Any]:
    rows = list(programmes(actor))
    return {"rows": [(p, books(p)) for p in rows], "is_staff": role_of(actor) == "staff"}


def programme_context(*, actor: Any, programme: VoucherProgramme) -> dict[str, Any]:
    by_stage = dict(
        Voucher.objects.filter(programme=programme)
        .values_list("application__stage")
        .annotate(n=Count("id"))
        .values_list("application__stage", "n")
    )
    from kechuang.vouchers.workflow import WORKFLOW

    return {
        "p": programme,
        "books": books(programme),
        "stages": [(s.label, by_stage.get(s.key, 0)) for s in WORKFLOW.stages],
        "firms": enterprise_books(programme) if role_of(actor) == "staff" else [],
        "is_staff": role_of(actor) == "staff",
    }


def ledger_list(
    *, actor: Any, programme: VoucherProgramme, kind: str = ""
) -> QuerySet[LedgerEntry]:
    qs = ledger_queryset(actor, programme)
    return qs.filter(kind=kind) if kind else qs


def provider_context(*, actor: Any, provider: Provider) -> dict[str, Any]:
    rows = list(
        # The vouchers used with the provider that the reader may see: an officer those
        # of their area's firms, a county's bureau its county's, never another county's.
        voucher_queryset(actor)
        .filter(provider=provider, enterprise__deleted_at__isnull=True)
        .select_related("enterprise", "application", "programme")
        .order_by("-programme__year", "-id")[:200]
    )
    return {
        "provider": provider,
        "documents": provider_documents(actor=actor, provider=provider),
        "logins": provider_logins(actor=actor, provider=provider),
        "vouchers": rows,
        "paid": sum((v.paid_yuan for v in rows), ZERO),
        "is_staff": role_of(actor) == "staff",
    }


# -- the API -------------------------------------------------------------------------------------


def programme_rows(*, actor: Any, year: int | None = None) -> list[VoucherProgramme]:
    qs = programmes(actor)
    return list(qs.filter(year=year) if year else qs)


def sees_books(actor: Any) -> bool:
    """The programme's books are the bureau's and the officers' (as on the pages)."""
    return role_of(actor) in ("staff", "officer")


def page_of(qs: QuerySet[Voucher], *, page: int, size: int) -> tuple[int, list[Voucher]]:
    start = (page - 1) * size
    return qs.count(), list(qs.order_by("-id")[start : start + size])
