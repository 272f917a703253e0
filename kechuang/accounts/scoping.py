"""Who sees what. Every selector filters through `visible_to(actor)`: bureau staff and
officers see their region and everything below it (a county bureau its county, the city
bureau every county of the city, an officer their town or park), an enterprise user
their own record, a helper what is assigned to them, anybody else nothing.

Bureau staff without a region see nothing, except a superuser without a region: the
platform administrator, who sees the whole instance (`sees_everything`). A region always
scopes, superuser or not, so the demo's `kjj` (a superuser of 泰兴市) sees 泰兴市 only.

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


def sees_everything(actor: Any) -> bool:
    """The platform administrator: a superuser without a region sees the whole instance."""
    return role_of(actor) == User.Role.STAFF and actor.is_superuser and actor.region_id is None


def scope_region(actor: Any) -> Region | None:
    """The region bureau staff and officers answer for (None: none, or everything for
    the platform administrator; see `sees_everything`)."""
    if role_of(actor) in (User.Role.STAFF, User.Role.OFFICER) and actor.region_id:
        region: Region = actor.region
        return region
    return None


def covers(actor: Any, region: Region | None) -> bool:
    """Whether `region` lies in the part of the area tree `actor` answers for (bureau
    staff and officers; enterprise users and helpers answer for no region)."""
    if region is None:
        return False
    if sees_everything(actor):
        return True
    own = scope_region(actor)
    return own is not None and own.contains(region)


def records_limit_path(actor: Any) -> str | None:
    """Where figures computed from records may come from for `actor` (a region path;
    None: anywhere). Bureau staff: their region; an officer: their county, so that the
    towns and parks of one county are ranked on the same footing; anybody else: nowhere."""
    if sees_everything(actor):
        return None
    own = scope_region(actor)
    while own is not None and own.is_area and own.parent is not None:
        own = own.parent
    return own.path if own is not None else "\0"


def enterprise_scope_q(actor: Any, prefix: str = "") -> Q:
    """A filter for rows related to enterprises (`prefix` = path to the enterprise,
    e.g. "enterprise__"), limited to what `actor` may see — never a deleted
    enterprise's."""
    return _scope_q(actor, prefix) & alive_q(prefix)


def scope_q_with_deleted(actor: Any, prefix: str = "") -> Q:
    """`enterprise_scope_q` without leaving deleted enterprises out: only for the
    已删除企业 page, restore and purge."""
    return _scope_q(actor, prefix)


def _scope_q(actor: Any, prefix: str) -> Q:
    role = role_of(actor)
    if role in (User.Role.STAFF, User.Role.OFFICER):
        if sees_everything(actor):
            return Q()
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
    """Rows whose enterprise lies in `region` or below (`prefix` as above); deleted
    enterprises are left out by the callers (`enterprise_scope_q`, `in_region`)."""
    return Q(**{f"{prefix}region__path__startswith": region.path})


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
        return self.filter(region_subtree_q(region, self._prefix()) & alive_q(self._prefix()))


def region_scope_q(actor: Any) -> Q:
    """Regions an actor may pick or see figures for."""
    if sees_everything(actor):
        return Q()
    own = scope_region(actor)
    if own is not None:
        return Q(path__startswith=own.path)
    return NOTHING


def visible_regions(actor: Any, *, with_parent: bool = False) -> QuerySet[Region]:
    regions = Region.objects.visible_to(actor)
    return regions.select_related("parent") if with_parent else regions


def is_bureau(actor: Any) -> bool:
    """Bureau staff (of a county, of the city, or the platform administrator)."""
    return role_of(actor) == User.Role.STAFF


def is_city_bureau(actor: Any) -> bool:
    """Bureau staff above county level (the city bureau, or the platform administrator):
    they pick a county and see city-wide totals."""
    if not is_bureau(actor):
        return False
    own = scope_region(actor)
    return sees_everything(actor) or (own is not None and own.kind == Region.Kind.CITY)


def bureau_counties(actor: Any) -> list[Region]:
    """The counties a bureau user answers for: their own county, or every county of
    their city (all counties for the platform administrator)."""
    if not is_bureau(actor):
        return []
    qs = Region.objects.filter(region_scope_q(actor), kind=Region.Kind.COUNTY)
    own = scope_region(actor)
    if own is not None and own.kind == Region.Kind.COUNTY:
        return [own]
    return list(qs.order_by("sort_order", "code"))


def made_by_scope_q(actor: Any, field: str) -> Q:
    """Rows made by a user (`field` names the user, e.g. "actor" of a job): one's own;
    bureau staff also those of the users of their region; the platform administrator
    all. For what a user ran over their scope: jobs, stored assessment runs."""
    if sees_everything(actor):
        return Q()
    own = scope_region(actor) if is_bureau(actor) else None
    mine = Q(**{f"{field}_id": getattr(actor, "pk", None)})
    if own is None:
        return mine
    return mine | Q(**{f"{field}__region__path__startswith": own.path})


def job_scope_q(actor: Any) -> Q:
    """Jobs (`core.jobs.Job.actor`): `made_by_scope_q`."""
    return made_by_scope_q(actor, "actor")


def audit_scope_q(actor: Any, enterprise_id: int | None = None) -> Q:
    """Audit entries `actor` may read: about an enterprise they may see, or written by a
    user of their region (targets, statistics, regions). The whole trail for the platform
    administrator. (AuditLog.enterprise_id is a plain id, so the enterprise is looked up
    by the app registry: accounts does not import enterprises.) With `enterprise_id`,
    for the entries about that one enterprise: the scope is then one firm looked up, not
    every firm of the region (a province has hundreds of thousands)."""
    from django.apps import apps

    if sees_everything(actor):
        return Q()
    own = scope_region(actor)
    if own is None:
        return NOTHING
    enterprise_model = apps.get_model("enterprises", "Enterprise")
    # deleted enterprises' trail included (the base manager holds them)
    ids = enterprise_model._base_manager.filter(region_subtree_q(own))
    if enterprise_id is not None:
        ids = ids.filter(pk=enterprise_id)
    return Q(enterprise_id__in=ids.values("pk")) | Q(
        enterprise_id__isnull=True, actor__region__path__startswith=own.path
    )
