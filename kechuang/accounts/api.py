from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from kechuang.accounts import services
from kechuang.accounts.models import ApiToken
from kechuang.accounts.scoping import visible_regions
from kechuang.core.openapi import ClosedSchema

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


class TokenOut(Schema):
    prefix: str = Field(description="密钥的前8位，用来指认令牌")
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    live: bool = Field(description="未过期且未吊销")
    state: str = Field(description="有效 / 已过期 / 已吊销（原因）")


class TokenCreated(TokenOut):
    key: str = Field(description="令牌密钥：只在创建时返回这一次")


class TokenIn(ClosedSchema):
    name: str = Field("", max_length=60, description="用途，如“统计报送脚本”")
    days: int | None = Field(None, description="有效天数（默认与上限为系统设置）")


def _token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        prefix=token.prefix,
        name=token.name,
        created_at=token.created_at,
        expires_at=token.expires_at,
        last_used_at=token.last_used_at,
        live=token.is_live,
        state=token.state,
    )


@router.get("/tokens", response=list[TokenOut], summary="本人的API令牌")
def tokens(request: HttpRequest) -> list[TokenOut]:
    return [_token_out(t) for t in services.api_token_list(actor=request.user)]


@router.post(
    "/tokens",
    response={201: TokenCreated},
    summary="创建API令牌（须登录会话；密钥只返回一次）",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status[TokenCreated]:
    token, key = services.api_token_create(
        actor=request.user,
        name=payload.name,
        days=payload.days,
        by_token=getattr(request, "bearer_token", False),
    )
    return Status(201, TokenCreated(**_token_out(token).model_dump(), key=key))


@router.delete("/tokens/{prefix}", response=TokenOut, summary="吊销本人的API令牌")
def token_revoke(request: HttpRequest, prefix: str) -> TokenOut:
    return _token_out(services.api_token_revoke(actor=request.user, prefix=prefix))
