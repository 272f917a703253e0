"""Role tests on a user object by its attributes, for the frame's own declarations
(core reads no app of ours: `kechuang.accounts.scoping` has the full scoping rules)."""

from __future__ import annotations

from typing import Any


def has_role(user: Any, *roles: str) -> bool:
    """Whether an authenticated, active `user` has one of `roles` (a superuser counts
    as bureau staff)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False):
        return "staff" in roles
    return getattr(user, "role", None) in roles


def is_staff_user(user: Any) -> bool:
    return has_role(user, "staff")


def is_staff_or_officer(user: Any) -> bool:
    return has_role(user, "staff", "officer")
