"""The demo county's vouchers (C5), 2019–2021, so that the 2020 report gives the seed's
figures ("兑现科技创新券628.34万元，带动61家企业投入研发费用1.24亿元"):

- a programme a year (parameters, budget, the call) and a dozen service providers,
  through the services;
- 2020: 61 firms redeem vouchers worth exactly 6,283,400.00 yuan in 2020; the 61 are
  chosen among the registry's firms with a valid HNTE or tech-SME certificate so that
  their 2020 R&D spending (their yearly facts, not touched here) adds up to exactly
  124,000,000 yuan; besides, vouchers rejected, cancelled and expired (each with its
  reason), so that the unredeemed rate is not a made-up zero;
- 2019: a smaller year (the leverage's year before);
- 2021: the year in progress, vouchers at every stage.

Vouchers, their applications, events and ledger entries are written in bulk (a few
thousand rows) with the amounts the services would have written; the programmes' totals
are then set from the ledger and the books are checked (budget = available + committed
+ paid, per programme and per firm), or the demo fails."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from kechuang.accounts.models import Region
from kechuang.core.audit import audit_log
from kechuang.enterprises.models import Certificate, Enterprise, YearlyFacts
from kechuang.programmes.models import Application, Event
from kechuang.vouchers import services
from kechuang.vouchers.models import (
    CATEGORY_LABELS,
    PROGRAMME,
    LedgerEntry,
    Provider,
    Voucher,
    VoucherProgramme,
)
from kechuang.vouchers.selectors import books

SEED = 2020_0628
COUNTY = "321283"
# From the seed: "兑现科技创新券628.34万元，带动61家企业投入研发费用1.24亿元"
REDEEMED_2020 = Decimal("6283400.00")
FIRMS_2020 = 61
RD_2020 = Decimal("124000000.00")
# Demo design (not in the seed).
PARAMS: dict[int, dict[str, Any]] = {
    2019: {"budget": Decimal("5000000"), "paid": Decimal("4136850.00"), "firms": 47},
    2020: {"budget": Decimal("8000000"), "paid": REDEEMED_2020, "firms": FIRMS_2020},
    2021: {"budget": Decimal("8000000"), "paid": None, "firms": 40},
}
CAP = Decimal("200000")
RATIO = Decimal("0.5")
VALIDITY = 270
PROVIDERS = [
    ("泰兴市产品质量检验检测中心", ["testing", "instrument"], "CMA检验检测机构资质认定"),
    ("江苏精细化工中试服务有限公司", ["design", "instrument", "testing"], "省级公共技术服务平台"),
    ("泰州市科技情报研究所", ["novelty"], "科技查新资质（教育部查新工作站）"),
    ("江苏泰知知识产权代理有限公司", ["ip"], "专利代理机构执业许可证"),
    ("南京工业大学技术转移中心泰兴分中心", ["transfer", "design"], "国家技术转移示范机构"),
    ("江南大学食品检测中心", ["testing"], "CNAS认可实验室"),
    ("泰兴市工业设计中心", ["design"], "省级工业设计中心"),
    ("江苏大学泰兴研究院", ["design", "transfer", "testing"], "高校新型研发机构"),
    ("泰州市知识产权服务中心", ["ip", "novelty"], "知识产权服务品牌机构"),
    ("扬子江大型仪器共享平台", ["instrument"], "省大型科学仪器共享服务平台"),
    ("苏州大学技术转移研究院", ["transfer"], "国家技术转移示范机构"),
    ("泰兴市计量测试所", ["testing", "instrument"], "计量授权证书"),
]
SERVICES = {
    "testing": ["产品性能检测", "原材料成分分析", "环境可靠性试验"],
    "design": ["新产品结构设计", "工艺流程优化设计", "中试放大设计"],
    "novelty": ["科技查新（项目申报）", "专利检索分析"],
    "ip": ["发明专利申请代理", "专利导航分析", "知识产权贯标"],
    "transfer": ["技术成果转让对接", "联合攻关技术服务"],
    "instrument": ["大型仪器共享测试", "电镜分析测试"],
}


def _d(y: int, m: int, d: int) -> dt.date:
    return dt.date(y, m, d)


def _scan(title: str) -> Any:
    """A one-page PDF standing in for the scanned qualification certificate."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = f"%PDF-1.4\n% {title}\n%%EOF\n".encode()
    return SimpleUploadedFile(f"{title}.pdf", body, content_type="application/pdf")


def _providers(actor: Any, county: Region) -> list[Provider]:
    out = []
    for name, cats, qual in PROVIDERS:
        p = services.provider_save(
            actor=actor,
            data={
                "name": name,
                "categories": cats,
                "qualification_until": _d(2023, 12, 31),
                "contact": "业务部",
                "region": county,
            },
            via="demo",
        )
        services.provider_document_add(
            actor=actor,
            provider=p,
            file=_scan(qual),
            title=qual,
            valid_until=_d(2023, 12, 31),
            via="demo",
        )
        out.append(p)
    services.provider_set_status(
        actor=actor,
        provider=out[-1],
        suspend=True,
        reason="2021年抽查发现出具报告不规范，暂停受理新券",
        on=_d(2021, 4, 15),
        via="demo",
    )
    return out


def _programme(actor: Any, county: Region, year: int) -> VoucherProgramme:
    return services.programme_create(
        actor=actor,
        region=county,
        on=_d(year, 2, 20),
        via="demo",
        data={
            "year": year,
            "budget_yuan": PARAMS[year]["budget"],
            "subsidy_ratio": RATIO,
            "cap_yuan": CAP,
            "validity_days": VALIDITY,
            "categories": [c for c, _ in CATEGORY_LABELS.items()],
            "evidence": ["contract", "invoice", "report"],
            "eligibility": {"certificates": ["hnte", "tech_sme"], "min_points": 60},
            "opens_on": _d(year, 3, 1),
            "closes_on": _d(year, 10, 31),
            "document": f"泰兴市{year}年度科技创新券实施方案（演示参数）",
        },
    )


def _eligible(county: Region, year: int) -> dict[int, Decimal]:
    """Firms holding a valid HNTE or tech-SME certificate on 1 March of `year`, with
    their R&D spending of the year (when reported)."""
    day = _d(year, 3, 1)
    firms = set(
        Certificate.objects.filter(kind__in=["hnte", "tech_sme"])
        .in_region(county)
        .valid_on(day)
        .values_list("enterprise_id", flat=True)
    )
    rd = dict(
        YearlyFacts.objects.filter(
            enterprise_id__in=firms, fiscal_year=year, rd_expense_yuan__isnull=False
        ).values_list("enterprise_id", "rd_expense_yuan")
    )
    return {k: Decimal(v) for k, v in rd.items()}


def choose_firms(rd: dict[int, Decimal], n: int, total: Decimal, rng: random.Random) -> list[int]:
    """`n` firms whose R&D adds up to exactly `total`: n−3 drawn at random (then
    nudged until what is left is what three firms typically spend), the last three
    found by their sum (one firm, and a pair from a table of pair sums).
    Deterministic for a seed."""
    ids = sorted(rd)
    if len(ids) < n + 3:
        raise RuntimeError(f"符合条件的企业只有{len(ids)}家，不足{n}家")
    for _attempt in range(200):
        head = rng.sample(ids, n - 3)
        rest_ids = [i for i in ids if i not in set(head)]
        typical = sorted(rd[i] for i in rest_ids)[len(rest_ids) // 2] * 3
        for _step in range(2000):
            rest = total - sum((rd[i] for i in head), Decimal(0))
            if typical / 2 <= rest <= typical * 2:
                break
            k = rng.randrange(len(head))
            j = rng.randrange(len(rest_ids))
            # swap when it moves the rest towards the typical three
            gain = rd[head[k]] - rd[rest_ids[j]]
            if (rest < typical and gain > 0) or (rest > typical and gain < 0):
                head[k], rest_ids[j] = rest_ids[j], head[k]
        rest = total - sum((rd[i] for i in head), Decimal(0))
        pairs: dict[Decimal, tuple[int, int]] = {}
        for a_pos, a in enumerate(rest_ids):
            for b in rest_ids[a_pos + 1 :]:
                pairs.setdefault(rd[a] + rd[b], (a, b))
        for i in rest_ids:
            pair = pairs.get(rest - rd[i])
            if pair is not None and i not in pair:
                return [*head, i, *pair]
    raise RuntimeError("没有找到研发投入之和恰为目标值的企业组合")


def _split(total: Decimal, parts: int, rng: random.Random, hi: Decimal) -> list[Decimal]:
    """`parts` amounts in yuan (to the fen), each in [2000, hi], adding up to `total`."""
    for _ in range(1000):
        raw = [rng.uniform(0.3, 1.7) for _ in range(parts)]
        scale = float(total) / sum(raw)
        amounts = [Decimal(str(round(r * scale, 2))) for r in raw]
        amounts[-1] = total - sum(amounts[:-1], Decimal(0))
        if all(Decimal(2000) <= a <= hi for a in amounts):
            return amounts
    raise RuntimeError("无法拆分创新券金额")


class _Writer:
    """Collects vouchers with their applications, events and entries; writes them in bulk."""

    def __init__(self, actor: Any, programme: VoucherProgramme, rng: random.Random) -> None:
        self.actor, self.p, self.rng = actor, programme, rng
        self.rows: list[dict[str, Any]] = []
        self.scale = 1.0  # the year in progress moves faster, so nothing lies after "today"

    def add(
        self,
        firm: int,
        provider: Provider,
        *,
        applied: dt.date,
        path: list[str],
        approved: Decimal | None = None,
        paid: Decimal | None = None,
        reason: str = "",
    ) -> None:
        cat = self.rng.choice(provider.categories)
        self.rows.append(
            {
                "firm": firm,
                "provider": provider,
                "cat": cat,
                "service": self.rng.choice(services_for(cat)),
                "applied": applied,
                "path": path,
                "approved": approved,
                "paid": paid,
                "reason": reason,
            }
        )

    def write(self) -> int:
        p, rng = self.p, self.rng
        apps = []
        for r in self.rows:
            approved = r["approved"]
            fee = (approved or Decimal(rng.randrange(10000, 300000))) / RATIO
            fee = (fee * Decimal(str(rng.choice([1, 1, 1.1, 1.25])))).quantize(Decimal("0.01"))
            r["fee"] = fee
            apps.append(
                Application(
                    programme=PROGRAMME,
                    call=p.call,
                    enterprise_id=r["firm"],
                    year=p.year,
                    kind=r["cat"],
                    stage=r["path"][-1],
                    title=f"{CATEGORY_LABELS[r['cat']]}：{r['service']}",
                    amount_requested_yuan=services.fen(fee * RATIO),
                )
            )
        Application.objects.bulk_create(apps, batch_size=500)
        vouchers, events, dates = [], [], []
        for n, (r, app) in enumerate(zip(self.rows, apps, strict=True), start=1):
            day = r["applied"]
            stamp: dict[str, dt.date] = {}
            prev = ""
            gaps = {
                "issued": 12,
                "contracted": 15,
                "delivered": 50,
                "claimed": 8,
                "checked": 10,
                "paid": 12,
                "rejected": 20,
                "cancelled": 40,
                "expired": 0,
            }
            for stage in r["path"]:
                if stage != "applied":
                    day = day + dt.timedelta(
                        days=round((gaps[stage] + rng.randrange(0, 6)) * self.scale)
                    )
                stamp[stage] = day
                events.append(
                    Event(
                        application=app,
                        from_stage=prev,
                        stage=stage,
                        on=day,
                        by=self.actor,
                        by_name=str(self.actor),
                        note={
                            "applied": "建立",
                            "rejected": r["reason"],
                            "cancelled": r["reason"],
                        }.get(stage, ""),
                    )
                )
                prev = stage
            issued = stamp.get("issued")
            expires = issued + dt.timedelta(days=VALIDITY) if issued else None
            if "expired" in stamp and expires is not None:
                # expired the day after its validity ended
                stamp["expired"] = expires + dt.timedelta(days=1)
                events[-1].on = stamp["expired"]
            paid = r["paid"] or Decimal(0)
            invoice = paid / RATIO if paid else None
            vouchers.append(
                Voucher(
                    application=app,
                    programme=p,
                    enterprise_id=r["firm"],
                    code=f"KJQ{p.year}{p.region.code[-3:]}-{n:05d}",
                    provider=r["provider"],
                    category=r["cat"],
                    service=r["service"],
                    fee_yuan=r["fee"],
                    approved_yuan=r["approved"],
                    issued_on=issued,
                    expires_on=expires,
                    invoice_yuan=invoice,
                    claimed_yuan=paid
                    if "claimed" in stamp and paid
                    else (r["approved"] if "claimed" in stamp else None),
                    paid_yuan=paid,
                    paid_on=stamp.get("paid"),
                    reason=r["reason"],
                )
            )
            dates.append(stamp)
        Event.objects.bulk_create(events, batch_size=1000)
        Voucher.objects.bulk_create(vouchers, batch_size=500)
        entries = []
        for v, stamp in zip(vouchers, dates, strict=True):
            if v.approved_yuan is None:
                continue
            a = v.approved_yuan
            e = {
                "programme": p,
                "voucher": v,
                "enterprise_id": v.enterprise_id,
                "created_by": self.actor,
            }
            entries.append(
                LedgerEntry(
                    kind="commit",
                    on=stamp["issued"],
                    d_available=-a,
                    d_committed=a,
                    note=f"{v.code} 发券",
                    **e,
                )
            )
            if "paid" in stamp:
                entries.append(
                    LedgerEntry(
                        kind="pay",
                        on=stamp["paid"],
                        d_committed=-v.paid_yuan,
                        d_paid=v.paid_yuan,
                        note=f"{v.code} 兑付",
                        **e,
                    )
                )
                if a > v.paid_yuan:
                    entries.append(
                        LedgerEntry(
                            kind="release",
                            on=stamp["paid"],
                            d_committed=-(a - v.paid_yuan),
                            d_available=a - v.paid_yuan,
                            note=f"{v.code} 兑付后释放未用额度",
                            **e,
                        )
                    )
            for end in ("expired", "cancelled"):
                if end in stamp:
                    entries.append(
                        LedgerEntry(
                            kind="release",
                            on=stamp[end],
                            d_committed=-a,
                            d_available=a,
                            note=f"{v.code} {v.reason}",
                            **e,
                        )
                    )
        for x in entries:
            x.d_budget = x.d_available + x.d_committed + x.d_paid
        LedgerEntry.objects.bulk_create(entries, batch_size=1000)
        b = books(p)
        VoucherProgramme.objects.filter(pk=p.pk).update(
            budget_yuan=b.budget,
            available_yuan=b.available,
            committed_yuan=b.committed,
            paid_yuan=b.paid,
        )
        audit_log(
            actor=self.actor,
            action="create",
            obj=p,
            via="demo",
            note=f"演示数据：{len(vouchers)}张创新券，{len(entries)}笔台账分录",
        )
        return len(apps) + len(events) + len(vouchers) + len(entries)


def services_for(category: str) -> list[str]:
    return SERVICES[category]


def _date_in(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _past_year(
    actor: Any,
    county: Region,
    year: int,
    provs: list[Provider],
    rng: random.Random,
    rd_total: Decimal | None,
) -> int:
    p = _programme(actor, county, year)
    spec = PARAMS[year]
    rd = _eligible(county, year)
    firms = (
        choose_firms(rd, spec["firms"], rd_total, rng)
        if rd_total is not None
        else rng.sample(sorted(i for i in rd if rd[i] < Decimal(8_000_000)), spec["firms"])
    )
    active = [x for x in provs if x.status == Provider.Status.ACTIVE] or provs
    # how many vouchers each firm redeems (1 or 2), and the amounts
    per_firm = _split(spec["paid"], len(firms), rng, CAP * Decimal("0.8"))
    slots: list[tuple[int, Decimal]] = []
    for firm, amount in zip(firms, per_firm, strict=True):
        if amount > 60000 and rng.random() < 0.3:  # two vouchers, e.g. testing and design
            first = (amount * Decimal(str(rng.uniform(0.35, 0.65)))).quantize(Decimal("0.01"))
            slots += [(firm, first), (firm, amount - first)]
        else:
            slots.append((firm, amount))
    w = _Writer(actor, p, rng)
    full = ["applied", "issued", "contracted", "delivered", "claimed", "checked", "paid"]
    for firm, amount in slots:
        # some approvals were above what the invoice finally justified (the rest released)
        approved = (
            amount if rng.random() < 0.7 else (amount * Decimal("1.2")).quantize(Decimal("0.01"))
        )
        w.add(
            firm,
            rng.choice(active),
            applied=_date_in(rng, _d(year, 3, 1), _d(year, 7, 31)),
            path=full,
            approved=approved,
            paid=amount,
        )
    others = [i for i in sorted(rd) if i not in set(firms)]
    losers = rng.sample(others, 16)
    for firm in losers[:6]:
        w.add(
            firm,
            rng.choice(active),
            applied=_date_in(rng, _d(year, 3, 1), _d(year, 4, 10)),
            path=["applied", "issued", "contracted", "expired"],
            approved=Decimal(rng.randrange(20, 90) * 1000),
        )
    for firm in losers[6:10]:
        w.add(
            firm,
            rng.choice(active),
            applied=_date_in(rng, _d(year, 3, 1), _d(year, 9, 1)),
            path=["applied", "issued", "cancelled"],
            approved=Decimal(rng.randrange(20, 90) * 1000),
            reason="企业调整研发计划，申请作废",
        )
    for firm in losers[10:16]:
        w.add(
            firm,
            rng.choice(active),
            applied=_date_in(rng, _d(year, 3, 1), _d(year, 9, 1)),
            path=["applied", "rejected"],
            reason="服务内容属企业日常生产检验，不属于创新券支持范围",
        )
    return w.write()


def _current_year(actor: Any, county: Region, provs: list[Provider], rng: random.Random) -> int:
    year = 2021
    p = _programme(actor, county, year)
    rd = _eligible(county, 2020)  # 2021 facts are not in yet: last year's firms
    firms = rng.sample(sorted(rd), PARAMS[year]["firms"])
    active = [x for x in provs if x.status == Provider.Status.ACTIVE]
    w = _Writer(actor, p, rng)
    w.scale = 0.6  # the longest path (≤ 137 days × 0.6) ends before the demo's 30 June
    full = ["applied", "issued", "contracted", "delivered", "claimed", "checked", "paid"]
    for i, firm in enumerate(firms):
        cut = [2, 3, 4, 5, 6, 7, 1][i % 7]  # stages reached by 30 June
        path = full[:cut]
        approved = Decimal(rng.randrange(10, 95) * 1000) if cut > 1 else None
        paid = approved if cut == 7 else None
        w.add(
            firm,
            rng.choice(active),
            applied=_date_in(rng, _d(year, 3, 1), _d(year, 3, 10)),
            path=path,
            approved=approved,
            paid=paid,
        )
    return w.write()


def load_demo_vouchers(actor: Any) -> int:
    """Idempotent: a second call does nothing."""
    if VoucherProgramme.objects.exists():
        return 0
    county = Region.objects.get(code=COUNTY)
    rng = random.Random(SEED)
    with transaction.atomic():
        provs = _providers(actor, county)
        n = len(provs)
        n += _past_year(actor, county, 2019, provs, rng, None)
        n += _past_year(actor, county, 2020, provs, rng, RD_2020)
        n += _current_year(actor, county, provs, rng)
        _check_books()
    return n


def _check_books() -> None:
    for p in VoucherProgramme.objects.all():
        b = books(p)
        if not b.balanced or (b.budget, b.available, b.committed, b.paid) != (
            p.budget_yuan,
            p.available_yuan,
            p.committed_yuan,
            p.paid_yuan,
        ):
            raise RuntimeError(f"{p.name}：台账不平")
        per_firm: dict[int, Decimal] = defaultdict(Decimal)
        for firm, c, paid in LedgerEntry.objects.filter(
            programme=p, enterprise__isnull=False
        ).values_list("enterprise_id", "d_committed", "d_paid"):
            per_firm[firm] += c + paid
        if any(v > p.cap_yuan or v < 0 for v in per_firm.values()):
            raise RuntimeError(f"{p.name}：企业超过年度上限")


__all__ = ["Enterprise", "Q", "choose_firms", "load_demo_vouchers"]
