"""Who sees what. Every selector filters through `enterprise_scope_q`: bureau staff see
the county, an officer their region and its children, an enterprise user their own
record, a helper what is assigned to them, anybody else nothing."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from kechuang.accounts.models import Region, User

NOTHING = Q(pk__in=[])


def role_of(actor: Any) -> str | None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return None
    if actor.is_superuser:
        return User.Role.STAFF
    return str(actor.role)


def enterprise_scope_q(actor: Any, prefix: str = "") -> Q:
    """A filter for rows related to enterprises (`prefix` = path to the enterprise,
    e.g. "enterprise__"), limited to what `actor` may see."""
    role = role_of(actor)
    if role == User.Role.STAFF:
        return Q()
    if role == User.Role.OFFICER:
        if actor.region_id is None:
            return NOTHING
        return Q(**{f"{prefix}region__path__startswith": actor.region.path})
    if role == User.Role.ENTERPRISE:
        membership = getattr(actor, "membership", None)
        if membership is None:
            return NOTHING
        return Q(**{f"{prefix}pk": membership.enterprise_id})
    if role == User.Role.HELPER:
        return Q(**{f"{prefix}helper_assignments__user": actor})
    return NOTHING


def region_scope_q(actor: Any) -> Q:
    """Regions an actor may pick or see figures for."""
    role = role_of(actor)
    if role == User.Role.STAFF:
        return Q()
    if role == User.Role.OFFICER and actor.region_id:
        return Q(path__startswith=actor.region.path)
    return NOTHING


def visible_regions(actor: Any) -> Any:
    return Region.objects.filter(region_scope_q(actor))


def is_bureau(actor: Any) -> bool:
    return role_of(actor) == User.Role.STAFF


class ScopedQuerySet(models.QuerySet):
    """A queryset of rows that belong to an enterprise (`enterprise_path` leads to it):
    `.visible_to(actor)` is the one way to scope them, `.in_region(region)` limits them
    to a region's subtree."""

    enterprise_path = "enterprise__"

    def visible_to(self, actor: Any) -> Any:
        return self.filter(enterprise_scope_q(actor, self.enterprise_path))

    def in_region(self, region: Region | None) -> Any:
        if region is None:
            return self
        return self.filter(**{f"{self.enterprise_path}region__path__startswith": region.path})
