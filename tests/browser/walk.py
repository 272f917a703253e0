"""What the page walk visits: every GET route without parameters, and the pages of a
few demo records each role may see (`test_walk.py`), and what counts as English."""

from __future__ import annotations

import re
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ("kjj", "huangqiao", "kaifaqu", "qiye", "bangban")
# The city demo's users (`kechuang.demo.city`): the city bureau, and the bureau and a
# town officer of another county, who must see nothing of 泰兴市.
CITY_ROLES = ("shikjj", "xinghua", "dainan")
OTHER_COUNTY_ROLES = ("xinghua", "dainan")

# Routes that are not pages: downloads, POST-only actions, the admin, the API (its
# docs page is visited on its own), logging out.
SKIP = re.compile(
    r"^(admin/|api/v1/(?!docs$)|accounts/logout/)|\.xlsx$|/export|/download|/new/$"
    r"|/propose/$|/decide/$|/leave/$|/grade/$|/regrade/$|/transition/$|/visit/$"
    r"|/document/$|/status/$|/delete/$|/revoke/$|/confirm/|/upload/|-selected/$"
)

# Words a Chinese officer reads as they are: product and format names, units, codes.
ALLOWED = {
    "kechuang",  # the product's own name beside 科创云
    "api",
    "excel",
    "word",
    "pdf",
    "zip",
    "csv",
    "json",
    "jsonl",
    "xlsx",
    "docx",
    "md",
    "markdown",
    "parquet",
    "gdp",  # 地区生产总值, written GDP in statistics
    "ui",  # Swagger UI
    "mb",
    "kb",
    "uscc",
    "id",
    "swagger",  # the API docs page is Swagger UI
    "openapi",
    "token",
    "bearer",
    "http",
    "https",
    "url",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "cma",  # 检验检测机构资质认定 mark, written CMA on every report
    "cnas",  # 中国合格评定国家认可委员会, written CNAS
    "vocs",  # 挥发性有机物, written VOCs in environmental projects
    "cod",  # 化学需氧量, written COD in wastewater work
    "pvc",  # 聚氯乙烯, written PVC
    "mems",  # 微机电系统, written MEMS
    "ie",  # 电机能效等级 IE1–IE5 (the walk splits "IE4" into its letters)
}
WORD = re.compile(r"[A-Za-z]{2,}")
# Codes that contain letters and are data, not words: USCC (91321283MA1MR5HB8P), patent
# and certificate numbers (ZL…, GR…), technical-domain codes.
CODE = re.compile(r"\b[0-9A-Z]*[0-9][0-9A-Z]*\b|\b(?:ZL|GR)\d[\d.]*\b")


def english_words(text: str) -> list[str]:
    """The English words in visible text outside the allow-list."""
    text = CODE.sub(" ", text)
    return sorted({w for w in WORD.findall(text) if w.lower() not in ALLOWED})


def static_routes() -> list[str]:
    """Every URL route with no parameter, as a path."""
    out: list[str] = []

    def walk(resolver: Any, prefix: str) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if "<" not in route and not SKIP.search(route):
                    out.append("/" + route.replace("^", "").replace("$", ""))

    walk(get_resolver(), "")
    return list(dict.fromkeys(out))


def record_pages(user: Any) -> list[str]:
    """Pages of demo records the user may see: an enterprise (and its forms, its
    self-assessment, its cultivation ledger), the user's region's dashboard and one of
    its drill-downs, a job."""
    from kechuang.core.models import Job
    from kechuang.cultivation.selectors import ledger_queryset
    from kechuang.enterprises.selectors import enterprise_queryset

    urls: list[str] = []
    ledger = ledger_queryset(user).order_by("pk").first()
    firm = ledger.enterprise if ledger else enterprise_queryset(user).order_by("pk").first()
    if firm is not None:
        year = firm.facts.order_by("-fiscal_year").values_list("fiscal_year", flat=True)
        urls += [
            f"/enterprises/{firm.pk}/",
            f"/enterprises/{firm.pk}/edit/",
            f"/enterprises/{firm.pk}/ip/new/",
            f"/enterprises/{firm.pk}/certificates/new/",
            f"/assess/enterprise/{firm.pk}/",
            f"/cultivation/enterprise/{firm.pk}/",
        ]
        if year:
            urls.append(f"/enterprises/{firm.pk}/facts/{year[0]}/")
    if ledger is not None:
        urls.append(f"/cultivation/ledgers/{ledger.pk}/")
    region = user.region
    if region is not None and region.kind == "city":
        urls += [f"/targets/region/{region.code}/", "/targets/region/321283/"]
    elif region is not None or user.role == "staff":
        code = region.code if region is not None else "321283"
        urls += [f"/targets/region/{code}/", f"/targets/region/{code}/hnte_valid/records/"]
    job = Job.objects.filter(actor=user).order_by("pk").first()
    if job is not None:
        urls.append(f"/jobs/{job.pk}/")
    urls += platform_pages(user)
    return urls


def platform_pages(user: Any) -> list[str]:
    """One record page of each kind of 平台人才 the user may see (staff and officers)."""
    from kechuang.platforms import selectors

    if user.role not in ("staff", "officer") and not user.is_superuser:
        return []
    urls: list[str] = []
    for name, qs in (
        ("institutions", selectors.institutions(actor=user)),
        ("carriers", selectors.carriers(actor=user)),
        ("projects", selectors.projects(actor=user).filter(stage="approved")),
        ("commissioners", selectors.commissioners(actor=user)),
    ):
        found = qs.order_by("pk").first()
        if found is not None:
            urls.append(f"/platforms/{name}/{found.pk}/")
    campaign = selectors.campaigns(user).first()
    if campaign is not None:
        urls.append(f"/platforms/campaigns/{campaign.pk}/")
    return urls


# The text a user reads: the rendered text (without code samples, which are literal
# commands), the options of every select and the placeholders. On the API docs page,
# Swagger UI's own buttons are a third-party tool's English: only our title and
# description (its `.info` block) are checked there.
VISIBLE_TEXT_JS = """() => {
  const swagger = document.querySelector('#swagger-ui');
  const root = swagger ? swagger.querySelector('.info') : document.body;
  if (!root) return '';
  let text = root.innerText;
  for (const el of root.querySelectorAll('code, pre, kbd')) {
    if (el.innerText) text = text.split(el.innerText).join(' ');
  }
  if (!swagger) {
    for (const o of document.querySelectorAll('option')) text += '\\n' + o.textContent;
    for (const el of document.querySelectorAll('[placeholder]')) text += '\\n' + el.placeholder;
  }
  return text;
}"""
