"""One way to write a page. Every HTML view parses its parameters here, calls a service
or selector, and renders; domain errors become pages by themselves.

- `params`: `year_param` (kept in the session), `plan_year_param`, `date_param`, `page_param`, `choice_param`, `flag_param`,
  `region_param` — the query-string parameters every page shares, parsed once.
- `downloads`: `xlsx_response`, `file_response` — a download with a Chinese file name.
- `errors`: `require` (a permission check → 403), `DomainErrorMiddleware` (NotFound → 404,
  PermissionDenied → 403, ValidationFailed → 400, Conflict → 409, in the site layout).
- `listing`: `Listing` + `Column` + `Filter` — one filtered, paged, sortable, exportable
  table, rendered by `components/listing.html`.

A list page, whole (see `kechuang/core/views.py` and `kechuang/enterprises/views.py`):

    AUDIT = Listing(name="audit", title="操作日志", columns=[...], sorts={...})

    @login_required
    def audit_list(request):
        table = AUDIT.build(request, selectors.audit_list(actor=request.user))
        return table.response() or render(request, "core/audit_list.html", {"table": table})

This package imports nothing of ours but `core` (the layer test checks it).
"""

from kechuang.core.web.downloads import XLSX, file_response, xlsx_response
from kechuang.core.web.errors import DomainErrorMiddleware, require
from kechuang.core.web.listing import Column, Filter, Listing, ListingPage
from kechuang.core.web.params import (
    choice_param,
    date_param,
    flag_param,
    kept_year,
    page_param,
    plan_year_param,
    region_param,
    text_param,
    year_param,
)

__all__ = [
    "XLSX",
    "Column",
    "DomainErrorMiddleware",
    "Filter",
    "Listing",
    "ListingPage",
    "choice_param",
    "date_param",
    "file_response",
    "flag_param",
    "kept_year",
    "page_param",
    "plan_year_param",
    "region_param",
    "require",
    "text_param",
    "xlsx_response",
    "year_param",
]
