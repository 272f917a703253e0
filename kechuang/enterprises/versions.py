"""Optimistic versions of the forms (and API writes) that edit an enterprise's profile
or a year's facts.

A form is given `edit_version(...)`: a signed token of the values it shows. Saving
passes it back; the service, holding the row lock, compares those values with the
current ones and refuses a stale form with every field changed since it was opened
(field, the value now, the value the user typed) before anything is written. The token
carries the values themselves, so no version column is needed and the message can say
what changed; the signature keeps a client from forging the "opened" state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.core import signing

from kechuang.core.audit import jsonable
from kechuang.core.errors import Conflict, FieldError, ValidationFailed

_SALT = "kechuang.enterprises.versions"


def edit_version(obj_key: str, values: Mapping[str, Any]) -> str:
    """The token of a form showing `values` of the record `obj_key`."""
    return signing.dumps(
        {"o": obj_key, "v": {k: _plain(v) for k, v in values.items()}}, salt=_SALT, compress=True
    )


class StaleEdit(Conflict):
    """A form opened before someone else changed the record. `changes` lists
    (field, label, value now, your value); `version` is the token of the values now,
    with which the user may save again on purpose."""

    def __init__(self, changes: list[tuple[str, str, str, str]], version: str) -> None:
        self.changes = changes
        self.version = version
        lines = "；".join(
            f"{label}：现为 {now}，您填写 {yours}" for _n, label, now, yours in changes
        )
        super().__init__(
            f"保存失败：打开表单后，他人已修改了以下数据，本次未写入任何数据。{lines}。"
            "请核对；如仍以您填写的为准，请再次保存"
        )

    def details(self) -> list[FieldError]:
        return [
            FieldError(name, label, _pair(now, yours)) for name, label, now, yours in self.changes
        ]


def check_version(
    token: str,
    *,
    obj_key: str,
    current: Mapping[str, Any],
    yours: Mapping[str, Any],
    label: Callable[[str], str],
    shown: Callable[[str, Any], str],
) -> None:
    """Raise StaleEdit when a value of `current` differs from the one the form was
    opened with (`token`); ValidationFailed when the token is not one of ours."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        data = None
    if not isinstance(data, dict) or data.get("o") != obj_key:
        raise ValidationFailed(
            [FieldError("version", "版本", "无效（不是本记录的表单），请重新打开后再保存")]
        )
    opened: dict[str, Any] = data["v"]
    changed = [n for n in opened if n in current and _plain(current[n]) != opened[n]]
    if changed:
        raise StaleEdit(
            [
                (
                    n,
                    label(n),
                    shown(n, current[n]),
                    shown(n, yours[n]) if n in yours else "",
                )
                for n in changed
            ],
            edit_version(obj_key, current),
        )


def _pair(now: str, yours: str) -> str:
    """The value now and the one typed ("" when the write left the field alone)."""
    return f"现为 {now}，您填写 {yours}" if yours else f"现为 {now}（您未修改此项）"


def _plain(value: Any) -> Any:
    """A value as JSON keeps it, the same however it was read (100.00 == 100.0)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return jsonable(value)
