from __future__ import annotations

from typing import Any

from django import forms

from kechuang.accounts.models import Region
from kechuang.core import periods
from kechuang.core.errors import ValidationFailed
from kechuang.core.money import wan_to_yuan, yuan_to_wan
from kechuang.enterprises.facts import FACT_FIELDS, Source
from kechuang.enterprises.models import TECH_DOMAIN_CHOICES, Certificate, Enterprise, IPItem
from kechuang.rules import ip_classes

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceErrorsMixin:
    """Put a service's field errors on the form's fields (others on the form)."""

    def add_service_errors(self, exc: ValidationFailed) -> None:
        form: Any = self
        for error in exc.errors:
            name = error.field if error.field in form.fields else None
            form.add_error(name, error.message if name else str(error))
        if not exc.errors:
            form.add_error(None, exc.message)


class VersionedMixin:
    """A form that edits a record carries the edit version of what it showed
    (kechuang.enterprises.versions); a stale one is refused with what changed."""

    def set_version(self, token: str) -> None:
        """Show `token` (after a refused save: the values now, so that saving again
        overrides them on purpose)."""
        form: Any = self
        if form.is_bound:
            form.data = form.data.copy()
            form.data["version"] = token
        else:
            form.initial["version"] = token

    def opened_version(self) -> str | None:
        form: Any = self
        return form.cleaned_data.get("version") or None


class EnterpriseForm(VersionedMixin, ServiceErrorsMixin, forms.Form):
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    uscc = forms.CharField(label="统一社会信用代码", max_length=30)
    name = forms.CharField(label="企业名称", max_length=120)
    former_names = forms.CharField(label="曾用名", required=False, help_text="多个用；分隔")
    region = forms.ModelChoiceField(
        label="所属镇街/园区", queryset=Region.objects.none(), empty_label="（请选择）"
    )
    address = forms.CharField(label="地址", max_length=200, required=False)
    industry_code = forms.CharField(
        label="行业代码", max_length=5, required=False, help_text="如 C2614"
    )
    registered_on = forms.DateField(label="成立日期", required=False, widget=DATE_INPUT)
    tech_domain = forms.ChoiceField(
        label="技术领域", choices=[("", "—"), *TECH_DOMAIN_CHOICES], required=False
    )
    is_above_scale = forms.BooleanField(label="规上工业企业", required=False)
    is_listed = forms.BooleanField(label="上市企业", required=False)
    status = forms.ChoiceField(
        label="经营状态", choices=Enterprise.Status.choices, initial="active"
    )
    contact_name = forms.CharField(label="联系人", max_length=40, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)

    def __init__(self, *args: Any, regions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["region"]
        field.queryset = regions if regions is not None else Region.objects.none()

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["former_names"] = [
            n for n in (data.get("former_names") or "").replace(";", "；").split("；") if n.strip()
        ]
        return data

    @classmethod
    def initial_for(cls, e: Enterprise) -> dict[str, Any]:
        return {
            "uscc": e.uscc,
            "name": e.name,
            "former_names": "；".join(f.name for f in e.former_names.all()),
            "region": e.region_id,
            "address": e.address,
            "industry_code": e.industry_code,
            "registered_on": e.registered_on,
            "tech_domain": e.tech_domain,
            "is_above_scale": e.is_above_scale,
            "is_listed": e.is_listed,
            "status": e.status,
            "contact_name": e.contact_name,
            "contact_phone": e.contact_phone,
        }


class FactsForm(VersionedMixin, ServiceErrorsMixin, forms.Form):
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    source = forms.ChoiceField(label="数据来源", choices=Source.CHOICES)
    recorded_on = forms.DateField(label="记录日期", widget=DATE_INPUT)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in FACT_FIELDS:
            if spec.kind == "money":
                self.fields[spec.name] = forms.DecimalField(
                    label=spec.header,
                    required=False,
                    max_digits=18,
                    decimal_places=6,
                    min_value=None if spec.may_be_negative else 0,
                    help_text=spec.help,
                    error_messages={
                        "invalid": "应为数字",
                        "max_decimal_places": "小数位不能超过6位",
                        "min_value": "不能为负数",
                    },
                )
            else:
                self.fields[spec.name] = forms.IntegerField(
                    label=spec.header,
                    required=False,
                    min_value=0,
                    help_text=spec.help,
                    error_messages={"invalid": "应为整数", "min_value": "不能为负数"},
                )

    @staticmethod
    def initial_for(facts: Any) -> dict[str, Any]:
        """The form's values for a year's facts (money in 万元); defaults for a new year."""
        initial: dict[str, Any] = {"source": "enterprise", "recorded_on": periods.today()}
        if facts is not None:
            for spec in FACT_FIELDS:
                value = getattr(facts, spec.name)
                money = spec.kind == "money" and value is not None
                initial[spec.name] = yuan_to_wan(value) if money else value
        return initial

    def service_values(self) -> dict[str, Any]:
        """The facts as the service takes them (money in yuan)."""
        values = {}
        for spec in FACT_FIELDS:
            value = self.cleaned_data.get(spec.name)
            money = spec.kind == "money" and value is not None
            values[spec.name] = wan_to_yuan(value) if money else value
        return values


class IPForm(ServiceErrorsMixin, forms.Form):
    """`still_valid` maps to IPItem.is_valid (a form field may not shadow is_valid())."""

    kind = forms.ChoiceField(
        label="类型", choices=[(k, n) for k, (n, _c) in ip_classes.KINDS.items()]
    )
    number = forms.CharField(label="授权号/登记号", max_length=40)
    title = forms.CharField(label="名称", max_length=200)
    granted_on = forms.DateField(label="授权日期", widget=DATE_INPUT)
    acquisition = forms.ChoiceField(
        label="获得方式", choices=IPItem.Acquisition.choices, initial="self"
    )
    still_valid = forms.BooleanField(label="有效", required=False, initial=True)


def ip_form_data(form: IPForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["is_valid"] = data.pop("still_valid")
    return data


class CertificateForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label="类型", choices=Certificate.Kind.choices)
    number = forms.CharField(label="证书编号/入库编号", max_length=40)
    issued_on = forms.DateField(label="发证日期", widget=DATE_INPUT)
    valid_from = forms.DateField(
        label="有效期起", required=False, widget=DATE_INPUT, help_text="默认为发证日期"
    )
    valid_until = forms.DateField(
        label="有效期止",
        required=False,
        widget=DATE_INPUT,
        help_text="高企默认三年；科技型中小企业默认当年年底",
    )
    batch = forms.CharField(label="批次", max_length=40, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)
