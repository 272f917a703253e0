"""Numbers, dates and yes/no as officials write them: `{% load kc %}`.

Thin wrappers over `kechuang.core.formats`, which the exports and the report builder
call too, so a page, a sheet and a report show one figure the same way."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from kechuang.core import formats

register = template.Library()


@register.filter
def wan(value_wan: object, places: int = 2) -> str:
    """An amount already in 万元: `{{ v|wan }}` → 5,500,000.00."""
    return formats.wan(value_wan, places)


@register.filter
def yuan_wan(yuan: object, places: int = 2) -> str:
    """An amount in yuan shown in 万元: `{{ e.revenue_yuan|yuan_wan }}` → 1,234.57."""
    return formats.yuan_as_wan(yuan, places)


@register.filter
def count(value: object) -> str:
    """A count as an integer with separators: 17.4 → 17."""
    return formats.count(value)


@register.filter
def num(value: object, places: int = 2) -> str:
    """A number with fixed decimals and separators."""
    return formats.number(value, places)


@register.filter
def pct(value: object, places: int = 1) -> str:
    """A value already in per cent: 46.83 → 46.8%."""
    return formats.percent(value, places)


@register.filter
def ratio(fraction: object, places: int = 1) -> str:
    """A fraction: 0.2656 → 26.6%."""
    return formats.ratio(fraction, places)


@register.filter
def day(value: dt.date | dt.datetime | None) -> str:
    """2021-06-30 (a timestamp in local time)."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.day(value)


@register.filter
def day_cn(value: dt.date | dt.datetime | None) -> str:
    """2021年6月30日."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.day_cn(value)


@register.filter
def minute(value: dt.datetime | None) -> str:
    """2021-06-30 14:05 in local time."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.minute(value)


@register.filter
def yesno_cn(value: object) -> str:
    """是 / 否 / —."""
    return formats.yesno(value)


@register.filter
def years(days: object) -> str:
    """A length in days as years: 7346 → 20年."""
    return formats.years(days)


@register.filter
def verdict(value: str | None) -> str:
    """pass → 通过, fail → 未通过, uncertain → 待定."""
    return formats.verdict(value)


@register.filter
def ruleset_title(ruleset_id: str) -> str:
    """hnte-2016 → 高新技术企业认定（2016年版）."""
    return formats.ruleset_title(ruleset_id)


@register.filter
def measure(value: object, indicator: object) -> str:
    """An indicator's value in its unit's format: `{{ v.value|measure:v.indicator }}`."""
    unit = str(getattr(indicator, "unit", indicator or ""))
    return formats.measure(value, unit, int(getattr(indicator, "decimals", 0) or 0))


# -- the frame's links and files, drawn on every page ---------------------------------------


@register.simple_tag
def frame_url(name: str) -> str:
    """`{% url name %}` of a URL that takes no argument, reversed once per URL
    configuration and script prefix (`core.registry.frame_url`)."""
    from kechuang.core.registry import frame_url as reversed_url

    return reversed_url(name)


_static_urls: dict[str, tuple[Any, bool, str]] = {}


@register.simple_tag
def frame_static(path: str) -> str:
    """`{% static path %}`, asked of the static files' storage once per storage (a
    settings change makes another) and DEBUG."""
    from django.conf import settings
    from django.core.files.storage import storages
    from django.templatetags.static import static

    storage = storages["staticfiles"]
    found = _static_urls.get(path)
    if found is None or found[0] is not storage or found[1] != settings.DEBUG:
        found = _static_urls[path] = (storage, settings.DEBUG, static(path))
    return found[2]
