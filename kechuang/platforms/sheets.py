"""The other sheets of the app: R&D institutions, incubated projects, talent and
commissioners. Each row goes through the same service as the page's form (its checks,
its Chinese messages), inside one transaction rolled back unless every row passed and
the user confirmed: nothing half-written. The lists' exports have the same columns, so
an edited export imports back (unchanged rows are left alone)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from kechuang.core import periods
from kechuang.core.errors import Conflict, DomainError, FieldError, ValidationFailed
from kechuang.core.imports import ImportKind, ImportPlan, RowResult
from kechuang.core.tabular import Column, map_columns, parse_rows, read_table
from kechuang.platforms import services
from kechuang.platforms.models import (
    LEVELS,
    Commissioner,
    IncubatedProject,
    RdInstitution,
    Talent,
)


def _labels(choices: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {label: key for key, label in choices}


@dataclass
class Row:
    """What a sheet's row is: its key (for the preview), the record it matches, whether
    it equals that record, and how to write it."""

    key: str
    name: str
    existing: Any
    same: bool
    save: Callable[[], Any]


Resolver = Callable[[Any, dict[str, Any], "_Lookups"], Row]


class _Lookups:
    """The actor's enterprises, carriers and regions, read once per sheet."""

    def __init__(self, actor: Any) -> None:
        from kechuang.platforms.selectors import lookups

        self.firms, self.carriers, self.regions = lookups(actor)

    def firm(self, uscc: str | None) -> Any:
        if not uscc:
            return None
        found = self.firms.get(uscc.strip().upper())
        if found is None:
            raise ValidationFailed(
                [FieldError("uscc", "统一社会信用代码", "不在企业库中或不属于本区域")]
            )
        return found

    def carrier(self, name: str | None, label: str = "载体") -> Any:
        if not name:
            return None
        found = self.carriers.get(name.strip())
        if found is None:
            raise ValidationFailed([FieldError("carrier", label, f"找不到“{name}”")])
        return found

    def region(self, name: str | None) -> Any:
        if not name:
            return None
        found = self.regions.get(name.strip())
        if found is None:
            raise ValidationFailed(
                [FieldError("region", "服务区域", f"“{name}”不是本区域的乡镇、园区")]
            )
        return found


def run_sheet(
    *,
    kind: str,
    columns: list[Column],
    resolve: Resolver,
    actor: Any,
    data: bytes,
    filename: str,
    commit: bool,
) -> ImportPlan:
    table = read_table(data, filename, max_rows=5000)
    index, warnings = map_columns(table, columns)
    rows, parse_errors = parse_rows(table, columns, index)
    plan = ImportPlan(kind, warnings=list(warnings))
    failed = {e.row for e in parse_errors}
    look = _Lookups(actor)
    errors: list[FieldError] = []
    seen: dict[str, int] = {}
    with transaction.atomic():
        for row_no, values in rows:
            if row_no in failed:
                continue
            try:
                row = resolve(actor, values, look)
                if row.key in seen:
                    raise ValidationFailed(
                        [FieldError("name", columns[0].label, f"与第{seen[row.key]}行重复")]
                    )
                seen[row.key] = row_no
                status = "new" if row.existing is None else ("unchanged" if row.same else "changed")
                if status != "unchanged":
                    with transaction.atomic():
                        row.save()
            except ValidationFailed as exc:
                errors += [FieldError(e.field, e.label, e.message, row_no) for e in exc.errors] or [
                    FieldError("", "", exc.message, row_no)
                ]
                continue
            except (Conflict, DomainError) as exc:
                errors.append(FieldError("", "", exc.message, row_no))
                continue
            plan.rows.append(RowResult(row_no, status, row.key, row.name))
        plan.errors = errors
        plan.finish(total=len(table.rows), parse_errors=parse_errors)
        if plan.errors and commit:
            transaction.set_rollback(True)
            raise ValidationFailed(plan.errors)
        if not commit or plan.errors:
            transaction.set_rollback(True)
        else:
            plan.imported = True
    return plan


# -- R&D institutions -------------------------------------------------------------------

INSTITUTION_COLUMNS = [
    Column("name", "名称", "text", required=True, max_length=120),
    Column("kind", "类型", "choice", required=True, choices=_labels(RdInstitution.Kind.choices)),
    Column("level", "级别", "choice", required=True, choices=_labels(LEVELS)),
    Column("uscc", "依托企业统一社会信用代码", "text", max_length=30),
    Column("firm", "依托企业", "text", info=True),
    Column("carrier", "依托载体", "text", max_length=100),
    Column("approved_on", "获批日期", "date", required=True),
    Column("document", "批准文号", "text", max_length=80),
    Column("next_review_on", "下次绩效考评", "date"),
]


def _institution(actor: Any, v: dict[str, Any], look: _Lookups) -> Row:
    from kechuang.platforms.selectors import institution_match

    firm, carrier = look.firm(v.get("uscc")), look.carrier(v.get("carrier"), "依托载体")
    data = {**v, "enterprise": firm, "carrier": carrier}
    existing = institution_match(v["name"], firm, carrier, v["kind"])
    same = existing is not None and all(
        getattr(existing, k) == (v.get(k) or ("" if k == "document" else None))
        for k in ("level", "approved_on", "document", "next_review_on")
    )
    return Row(
        f"{v['name']}",
        str(firm or carrier or ""),
        existing,
        same,
        lambda: services.institution_save(
            actor=actor, data=data, institution=existing, via="import"
        ),
    )


def institution_rows(items: Iterable[RdInstitution]) -> Iterable[list[Any]]:
    for i in items:
        yield [
            i.name,
            i.get_kind_display(),
            i.get_level_display(),
            i.enterprise.uscc if i.enterprise else None,
            i.enterprise.name if i.enterprise else None,
            i.carrier.name if i.carrier else None,
            i.approved_on,
            i.document or None,
            i.next_review_on,
        ]


# -- incubated projects ------------------------------------------------------------------

INCUBATED_COLUMNS = [
    Column("carrier", "载体", "text", required=True, max_length=100),
    Column("name", "项目名称", "text", required=True, max_length=120),
    Column("field", "领域", "text", required=True, max_length=40),
    Column("leader", "负责人", "text", required=True, max_length=40),
    Column(
        "talent_category",
        "人才类别",
        "choice",
        required=True,
        choices=_labels(IncubatedProject.Talent.choices),
    ),
    Column("entered_on", "入驻日期", "date", required=True),
    Column(
        "status", "状态", "choice", required=True, choices=_labels(IncubatedProject.Status.choices)
    ),
    Column("graduated_on", "毕业日期", "date"),
]


def _incubated(actor: Any, v: dict[str, Any], look: _Lookups) -> Row:
    from kechuang.platforms.selectors import incubated_match

    carrier = look.carrier(v["carrier"])
    existing = incubated_match(carrier, v["name"])
    same = existing is not None and all(
        getattr(existing, k) == v.get(k)
        for k in ("field", "leader", "talent_category", "entered_on", "status", "graduated_on")
    )
    return Row(
        f"{carrier.name} {v['name']}",
        carrier.name,
        existing,
        same,
        lambda: services.incubated_save(
            actor=actor, carrier=carrier, data=v, project=existing, via="import"
        ),
    )


def incubated_rows(items: Iterable[IncubatedProject]) -> Iterable[list[Any]]:
    for p in items:
        yield [
            p.carrier.name,
            p.name,
            p.field,
            p.leader,
            p.get_talent_category_display(),
            p.entered_on,
            p.get_status_display(),
            p.graduated_on,
        ]


# -- talent -----------------------------------------------------------------------------

TALENT_COLUMNS = [
    Column("name", "姓名", "text", required=True, max_length=40),
    Column(
        "programme", "人才计划", "choice", required=True, choices=_labels(Talent.Programme.choices)
    ),
    Column("year", "入选（引进）年度", "year", required=True),
    Column("field", "专业领域", "text", max_length=40),
    Column("uscc", "所在企业统一社会信用代码", "text", max_length=30),
    Column("firm", "所在企业", "text", info=True),
    Column("carrier", "所在载体", "text", max_length=100),
]


def _talent(actor: Any, v: dict[str, Any], look: _Lookups) -> Row:
    from kechuang.platforms.selectors import talent_match

    firm, carrier = look.firm(v.get("uscc")), look.carrier(v.get("carrier"), "所在载体")
    data = {**v, "enterprise": firm, "carrier": carrier}
    existing = talent_match(v["name"], v["programme"], v["year"], firm, carrier)
    same = existing is not None and existing.field == (v.get("field") or "")
    return Row(
        f"{v['name']} {v['year']}",
        str(firm or carrier or ""),
        existing,
        same,
        lambda: services.talent_save(actor=actor, data=data, talent=existing, via="import"),
    )


def talent_rows(items: Iterable[Talent]) -> Iterable[list[Any]]:
    for t in items:
        yield [
            t.name,
            t.get_programme_display(),
            t.year,
            t.field or None,
            t.enterprise.uscc if t.enterprise else None,
            t.enterprise.name if t.enterprise else None,
            t.carrier.name if t.carrier else None,
        ]


# -- commissioners ----------------------------------------------------------------------

COMMISSIONER_COLUMNS = [
    Column("name", "姓名", "text", required=True, max_length=40),
    Column("institution", "派出单位", "text", required=True, max_length=80),
    Column("expertise", "专业领域", "text", required=True, max_length=80),
    Column("phone", "联系电话", "text", max_length=20),
    Column("region", "服务区域", "text", required=True, max_length=60),
    Column("status", "状态", "text", info=True),
    Column("registered_on", "登记日期", "date"),
]


def _commissioner(actor: Any, v: dict[str, Any], look: _Lookups) -> Row:
    from kechuang.platforms.selectors import commissioner_match

    region = look.region(v["region"])
    data = {**v, "region": region}
    existing = commissioner_match(v["name"], v["institution"])
    same = existing is not None and (
        existing.expertise == v["expertise"]
        and existing.phone == (v.get("phone") or "")
        and existing.region_id == region.pk
    )
    on = v.get("registered_on") or periods.today()
    if existing is None:

        def save() -> Any:
            return services.commissioner_register(
                actor=actor, data=data, registered_on=on, via="import"
            )
    else:

        def save() -> Any:
            return services.commissioner_update(
                actor=actor, commissioner=existing, data=data, via="import"
            )

    return Row(f"{v['name']}（{v['institution']}）", region.name, existing, same, save)


def commissioner_rows(items: Iterable[Commissioner]) -> Iterable[list[Any]]:
    for c in items:
        yield [
            c.name,
            c.institution,
            c.expertise,
            c.phone or None,
            c.region.name,
            c.get_status_display(),
            c.registered_on,
        ]


# -- the kinds ----------------------------------------------------------------------------


def _kind(
    key: str,
    title: str,
    columns: list[Column],
    resolve: Resolver,
    rows: Callable[[Iterable[Any]], Iterable[list[Any]]],
    items: Callable[[Any], Iterable[Any]],
    permission: Callable[[Any], tuple[bool, str]],
    note: str,
    order: int,
) -> ImportKind:
    def run(*, actor: Any, data: bytes, filename: str, commit: bool) -> ImportPlan:
        return run_sheet(
            kind=key,
            columns=columns,
            resolve=resolve,
            actor=actor,
            data=data,
            filename=filename,
            commit=commit,
        )

    def export(
        *, actor: Any, region: str = "", year: int | None = None
    ) -> tuple[list[str], Iterable[list[Any]]]:
        return [c.header for c in columns], rows(items(actor))

    return ImportKind(
        key=key,
        title=title,
        columns=columns,
        run=run,
        permission=permission,
        note=note,
        export=export,
        order=order,
    )


def kinds() -> list[ImportKind]:
    from kechuang.platforms import selectors

    return [
        _kind(
            "rd_institutions",
            "研发机构",
            INSTITUTION_COLUMNS,
            _institution,
            institution_rows,
            lambda a: selectors.institutions(actor=a).order_by("name"),
            services.can_manage,
            "每行一个研发机构：依托企业（统一社会信用代码）或依托载体二选一。",
            710,
        ),
        _kind(
            "incubated_projects",
            "入孵项目",
            INCUBATED_COLUMNS,
            _incubated,
            incubated_rows,
            lambda a: selectors.incubated(actor=a).order_by("carrier__name", "name"),
            services.can_manage,
            "每行一个入孵项目；载体须已登记。",
            711,
        ),
        _kind(
            "talent",
            "人才",
            TALENT_COLUMNS,
            _talent,
            talent_rows,
            lambda a: selectors.talent(actor=a).order_by("-year", "name"),
            services.can_manage,
            "每行一名人才：所在企业（统一社会信用代码）或所在载体二选一。",
            712,
        ),
        _kind(
            "commissioners",
            "科技特派员",
            COMMISSIONER_COLUMNS,
            _commissioner,
            commissioner_rows,
            lambda a: selectors.commissioners(actor=a).order_by("name"),
            services.can_decide,
            "每行一名在册科技特派员（如省科技厅名单）；服务区域填乡镇、园区名称。",
            713,
        ),
    ]
