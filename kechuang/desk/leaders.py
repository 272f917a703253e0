"""局领导 and 帮办员 of a county: who the county's bureau designated as its leaders
(`BureauLeader`), whom linkage and the helpers' 分管领导 are picked from, whom an
overdue request or problem is escalated to, and which helpers are a county's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from kechuang.accounts.models import Region, User
from kechuang.desk.models import BureauLeader, HelperProfile


def designated(county: Region | Any | None) -> QuerySet[BureauLeader]:
    """The county's active 局领导 (active accounts), in their order (督办 first)."""
    if county is None:
        return BureauLeader.objects.none()
    return BureauLeader.objects.filter(
        county=county, active=True, user__is_active=True
    ).select_related("user")


def leader_pool(own: Region | None) -> QuerySet[User]:
    """The leaders picked under `own` (a bureau's region): for a county that designated
    its 局领导, only those; for one that has not yet, all its bureau staff. Under the city,
    each county by its own rule (and the city bureau's own staff)."""
    if own is None:
        return User.objects.none()
    staff = User.objects.filter(role="staff", is_active=True, region__path__startswith=own.path)
    rows = BureauLeader.objects.filter(active=True).filter(
        Q(county__path__startswith=own.path) | Q(county__path__in=_ancestor_paths(own))
    )
    counties = set(rows.values_list("county__path", flat=True))
    if not counties:
        return staff.order_by("display_name", "username")
    other = Q()
    for path in counties:
        other &= ~Q(region__path__startswith=path)
    return staff.filter(Q(pk__in=rows.values("user_id")) | other).order_by(
        "display_name", "username"
    )


def county_staff(region: Region | None) -> QuerySet[User]:
    """The bureau staff of the county (and city) above `region`: whom an escalation goes
    to when there is neither a 分管领导 nor a designated 局领导."""
    if region is None:
        return User.objects.none()
    return User.objects.filter(role="staff", is_active=True, region__isnull=False).filter(
        region__path__in=_ancestor_paths(region)
    )


@dataclass
class Escalation:
    """Whom an overdue request or problem goes to: `kind` is the `ESCALATION_CHOICES`
    key, `lead` the one recorded as 升级至 (None for the bureau's staff), `told` every
    user notified."""

    kind: str
    lead: User | None
    told: list[User] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How the event and the notice say it."""
        if self.kind == "leader":
            return f"升级至分管领导{self.lead}督办"
        if self.kind == "bureau":
            names = "、".join(str(u) for u in self.told)
            return f"升级至局领导{names}督办（未设分管领导）"
        return "升级至科技局督办（未设分管领导，本县（市、区）未指定局领导）"


def escalation(leader: User | None, county: Region | None, region: Region | None) -> Escalation:
    """The helper's or owner's 分管领导; else the county's designated 局领导; else the
    bureau staff of the county above `region`."""
    if leader is not None and leader.is_active:
        return Escalation("leader", leader, [leader])
    chosen = [row.user for row in designated(county)]
    if chosen:
        return Escalation("bureau", chosen[0], chosen)
    return Escalation("staff", None, list(county_staff(region)))


def helpers_of(county: Region | Any | None) -> QuerySet[User]:
    """The active helpers of `county` (their profile's county)."""
    if county is None:
        return User.objects.none()
    return User.objects.filter(role="helper", is_active=True, desk_profile__county=county).order_by(
        "display_name", "username"
    )


def helpers_under(own: Region | None) -> QuerySet[User]:
    """The active helpers of the counties in or above `own` (a bureau's or officer's
    region): whom a problem may be given to, whose visits may be recorded."""
    if own is None:
        return User.objects.none()
    return User.objects.filter(role="helper", is_active=True).filter(
        Q(desk_profile__county__path__startswith=own.path)
        | Q(desk_profile__county__path__in=_ancestor_paths(own))
    )


def unplaced_helpers() -> QuerySet[User]:
    """Active helpers of no county yet (a new account): offered to a county's bureau to
    take in."""
    return (
        User.objects.filter(role="helper", is_active=True)
        .filter(Q(desk_profile__isnull=True) | Q(desk_profile__county__isnull=True))
        .order_by("display_name", "username")
    )


def helper_county(helper: Any) -> Region | None:
    """The county of a helper (None when not placed)."""
    if helper is None:
        return None
    profile = HelperProfile.objects.filter(user=helper).select_related("county").first()
    return profile.county if profile is not None else None


def _ancestor_paths(region: Region) -> list[str]:
    parts = region.path.strip("/").split("/")
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
