"""Who sees what. Every selector filters through `visible_to(actor)`: bureau staff see
the county, an officer their region and its children, an enterprise user their own
record, a helper what is assigned to them, anybody else nothing.

Area scoping is one queryset method. A model related to an enterprise declares the
lookup path to it and uses `ScopedQuerySet` (or a subclass) as its manager:

    class YearlyFacts(models.Model):
        enterprise_path = "enterprise__"
        objects = ScopedQuerySet.as_manager()

    YearlyFacts.objects.visible_to(actor).in_region(town).filter(fiscal_year=2020)

Regions have the same two methods (`Region.objects.visible_to(actor)`, `.in_region(r)`).
"""

from __future__ import annotations

from typing import Any, Self, TypeVar

from django.db.models import Model, Q, QuerySet

from kechuang.accounts.models import Region, User

NOTHING = Q(pk__in=[])


def role_of(actor: Any) -> str | None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return None
    if actor.is_superuser:
        return User.Role.STAFF
    return str(actor.role)


def alive_q(prefix: str = "") -> Q:
    """Rows of enterprises that have not been deleted (soft delete: a deleted
    enterprise's records stay in their tables, seen only on the 已删除企业 page)."""
    return Q(**{f"{prefix}deleted_at__isnull": True})


def enterprise_scope_q(actor: Any, prefix: str = "") -> Q:
    """A filter for rows related to enterprises (`prefix` = path to the enterprise,
    e.g. "enterprise__"), limited to what `actor` may see — never a deleted
    enterprise's."""
    return _scope_q(actor, prefix) & alive_q(prefix)


def _scope_q(actor: Any, prefix: str) -> Q:
    role = role_of(actor)
    if role == User.Role.STAFF:
        return Q()
    if role == User.Role.OFFICER:
        if actor.region_id is None:
            return NOTHING
        return region_subtree_q(actor.region, prefix)
    if role == User.Role.ENTERPRISE:
        membership = getattr(actor, "membership", None)
        if membership is None:
            return NOTHING
        return Q(**{f"{prefix}pk": membership.enterprise_id})
    if role == User.Role.HELPER:
        return Q(**{f"{prefix}helper_assignments__user": actor})
    return NOTHING


def region_subtree_q(region: Region, prefix: str = "") -> Q:
    """Rows whose enterprise lies in `region` or below (`prefix` as above), deleted
    enterprises left out."""
    return Q(**{f"{prefix}region__path__startswith": region.path}) & alive_q(prefix)


_M = TypeVar("_M", bound=Model)


class ScopedQuerySet(QuerySet[_M]):
    """`visible_to(actor)` and `in_region(region)` for any model related to an
    enterprise; the model's `enterprise_path` says how ("" for Enterprise itself)."""

    def _prefix(self) -> str:
        return str(getattr(self.model, "enterprise_path", ""))

    def visible_to(self, actor: Any) -> Self:
        """The rows `actor` may see."""
        qs = self.filter(enterprise_scope_q(actor, self._prefix()))
        # A helper's rows come through their assignments: one row per assignment.
        return qs.distinct() if role_of(actor) == User.Role.HELPER else qs

    def in_region(self, region: Region | None) -> Self:
        """The rows of enterprises in `region` or below; all rows for None."""
        if region is None:
            return self
        return self.filter(region_subtree_q(region, self._prefix()))


def region_scope_q(actor: Any) -> Q:
    """Regions an actor may pick or see figures for."""
    role = role_of(actor)
    if role == User.Role.STAFF:
        return Q()
    if role == User.Role.OFFICER and actor.region_id:
        return Q(path__startswith=actor.region.path)
    return NOTHING


def visible_regions(actor: Any, *, with_parent: bool = False) -> QuerySet[Region]:
    regions = Region.objects.visible_to(actor)
    return regions.select_related("parent") if with_parent else regions


def is_bureau(actor: Any) -> bool:
    return role_of(actor) == User.Role.STAFF
