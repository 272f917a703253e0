"""Panels of the enterprise page: each capability declares its panel in its
`contributions` module (`PANELS`); the page's view renders them in order and never
names them. A panel's context comes from selectors only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any]]
    order: int = 100


def panels() -> list[Panel]:
    from kechuang.core.registry import collect

    return sorted(collect("PANELS"), key=lambda p: (p.order, p.key))
