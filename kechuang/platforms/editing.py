"""Edit pages of institutions, carriers, incubated projects, talent and commissioners
(corrections without an import): one form per record kind, declared as data; parse →
the kind's save service (audited, Chinese errors naming the field) → render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from kechuang.platforms import selectors, services
from kechuang.platforms.models import LEVELS, Carrier, IncubatedProject, RdInstitution, Talent
from kechuang.platforms.views import _act, _carrier, _ctx, _date, _firm, _int, _region


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, select, date, number, enterprise, carrier, region
    choices: tuple[tuple[str, str], ...] = ()
    value: Callable[[Any], Any] = lambda obj: ""


def _attr(name: str) -> Callable[[Any], Any]:
    return lambda obj: getattr(obj, name) or ""


def _firm_key(obj: Any) -> str:
    return obj.enterprise.uscc if obj.enterprise_id else ""


def _carrier_name(obj: Any) -> str:
    return obj.carrier.name if obj.carrier_id else ""


@dataclass(frozen=True)
class Form:
    title: str
    get: Callable[..., Any]
    save: Callable[[Any, Any, dict[str, Any]], Any]
    fields: tuple[Field, ...]
    back: Callable[[Any], str]


def _text(name: str, label: str) -> Field:
    return Field(name, label, value=_attr(name))


def _date_field(name: str, label: str) -> Field:
    return Field(
        name,
        label,
        "date",
        value=lambda o: (getattr(o, name) or "") and getattr(o, name).isoformat(),
    )


FORMS: dict[str, Form] = {
    "institution": Form(
        "研发机构",
        selectors.institution_get,
        lambda actor, obj, data: services.institution_save(actor=actor, data=data, institution=obj),
        (
            _text("name", "名称"),
            Field("kind", "类型", "select", tuple(RdInstitution.Kind.choices), _attr("kind")),
            Field("level", "级别", "select", tuple(LEVELS), _attr("level")),
            Field(
                "enterprise", "依托企业（统一社会信用代码或全称）", "enterprise", value=_firm_key
            ),
            Field("carrier", "或依托载体（名称）", "carrier", value=_carrier_name),
            _date_field("approved_on", "获批日期"),
            _date_field("next_review_on", "下次绩效考评"),
            _text("document", "批准文号"),
        ),
        lambda o: reverse("platforms:institution", args=[o.pk]),
    ),
    "carrier": Form(
        "研发载体",
        selectors.carrier_get,
        lambda actor, obj, data: services.carrier_save(actor=actor, data=data, carrier=obj),
        (
            _text("name", "名称"),
            Field("kind", "类型", "select", tuple(Carrier.Kind.choices), _attr("kind")),
            Field("level", "级别", "select", tuple(LEVELS), _attr("level")),
            _text("operator", "运营主体"),
            Field("region", "所在区域", "region", value=lambda o: o.region.code),
            _date_field("recognised_on", "认定日期"),
            _text("note", "备注"),
        ),
        lambda o: reverse("platforms:carrier", args=[o.pk]),
    ),
    "incubated": Form(
        "入孵项目",
        selectors.incubated_get,
        lambda actor, obj, data: services.incubated_save(
            actor=actor, carrier=obj.carrier, data=data, project=obj
        ),
        (
            _text("name", "项目名称"),
            _text("field", "领域"),
            _text("leader", "负责人"),
            Field(
                "talent_category",
                "人才类别",
                "select",
                tuple(IncubatedProject.Talent.choices),
                _attr("talent_category"),
            ),
            _date_field("entered_on", "入驻日期"),
            Field(
                "status", "状态", "select", tuple(IncubatedProject.Status.choices), _attr("status")
            ),
            _date_field("graduated_on", "毕业日期"),
        ),
        lambda o: reverse("platforms:incubated"),
    ),
    "talent": Form(
        "人才",
        selectors.talent_get,
        lambda actor, obj, data: services.talent_save(actor=actor, data=data, talent=obj),
        (
            _text("name", "姓名"),
            Field(
                "programme",
                "人才计划",
                "select",
                tuple(Talent.Programme.choices),
                _attr("programme"),
            ),
            Field("year", "入选（引进）年度", "number", value=_attr("year")),
            _text("field", "专业领域"),
            Field(
                "enterprise", "所在企业（统一社会信用代码或全称）", "enterprise", value=_firm_key
            ),
            Field("carrier", "或所在载体（名称）", "carrier", value=_carrier_name),
        ),
        lambda o: reverse("platforms:talent"),
    ),
    "commissioner": Form(
        "科技特派员",
        selectors.commissioner_get,
        lambda actor, obj, data: services.commissioner_update(
            actor=actor, commissioner=obj, data=data
        ),
        (
            _text("name", "姓名"),
            _text("institution", "派出单位"),
            _text("expertise", "专业领域"),
            _text("phone", "联系电话"),
            Field("region", "服务区域", "region", value=lambda o: o.region.code),
        ),
        lambda o: reverse("platforms:commissioner", args=[o.pk]),
    ),
}

_PARSE: dict[str, Callable[[HttpRequest, str], Any]] = {
    "date": _date,
    "number": _int,
    "enterprise": lambda request, name: _firm(request),
    "carrier": lambda request, name: _carrier(request),
    "region": lambda request, name: _region(request),
}


@login_required
def edit(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    services._require(services.can_manage(request.user))
    form = FORMS[kind]
    obj = form.get(actor=request.user, pk=pk)
    if request.method == "POST":

        def save() -> Any:
            data = {
                f.name: _PARSE[f.kind](request, f.name)
                if f.kind in _PARSE
                else request.POST.get(f.name, "")
                for f in form.fields
            }
            return form.save(request.user, obj, data)

        if _act(request, save, f"已保存{form.title}"):
            return redirect(form.back(obj))
    values = {
        f.name: request.POST.get(f.name, "") if request.method == "POST" else f.value(obj)
        for f in form.fields
    }
    return render(
        request,
        "platforms/edit.html",
        _ctx(
            request,
            title=f"编辑{form.title}：{obj}",
            fields=[
                (f, str(values[f.name] if values[f.name] is not None else "")) for f in form.fields
            ],
            back=form.back(obj),
        ),
    )
