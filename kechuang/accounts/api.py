from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from kechuang.accounts.scoping import visible_regions

router = Router(tags=["账户与区域"])


class RegionOut(Schema):
    code: str
    name: str
    kind: str
    parent: str | None


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    region: str | None
    enterprise: str | None


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    membership = getattr(user, "membership", None)
    return MeOut(
        username=user.get_username(),
        display_name=getattr(user, "display_name", ""),
        role=getattr(user, "role", ""),
        region=user.region.code if getattr(user, "region", None) else None,  # type: ignore[union-attr]
        enterprise=membership.enterprise.uscc if membership else None,
    )


@router.get("/regions", response=list[RegionOut], summary="可见区域")
def regions(request: HttpRequest) -> list[RegionOut]:
    return [
        RegionOut(code=r.code, name=r.name, kind=r.kind, parent=r.parent.code if r.parent else None)
        for r in visible_regions(request.user, with_parent=True)
    ]
