"""A programme's workflow declared as data: its stages, `(from, to) → roles`, guards
that return `(allowed, reason)` and hooks run on entering a stage. The generic services
(`kechuang.programmes.services`) read these tables; no service spells a transition out
in an if-chain. An app registers its workflow once, in its `contributions` module."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kechuang.programmes.models import Application

STAFF = "staff"
OFFICER = "officer"
ENTERPRISE = "enterprise"
HELPER = "helper"
ROLE_LABELS = {STAFF: "科技局", OFFICER: "园区/乡镇", ENTERPRISE: "企业", HELPER: "帮办员"}


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    column: bool = True  # shown as a column of a board
    final: bool = False


@dataclass(frozen=True)
class Move:
    """A transition being made: what a guard or a hook is told."""

    actor: Any
    application: Application
    frm: str
    to: str
    on: dt.date
    note: str
    via: str


# A guard says whether a move may be made; a hook runs inside the move's transaction
# after the application entered its new stage.
Guard = Callable[[Move], tuple[bool, str]]
Hook = Callable[[Move], None]


@dataclass(frozen=True)
class Workflow:
    programme: str
    label: str
    stages: tuple[Stage, ...]
    transitions: Mapping[tuple[str, str], frozenset[str]]
    initial: str
    # Roles that may open an application (for an enterprise in their scope).
    open_roles: frozenset[str] = frozenset({STAFF, OFFICER})
    guards: tuple[Guard, ...] = ()
    on_enter: Mapping[str, tuple[Hook, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        keys = {s.key for s in self.stages}
        unknown = {k for pair in self.transitions for k in pair} - keys
        unknown |= ({self.initial} | set(self.on_enter)) - keys
        if unknown:
            raise ValueError(f"{self.programme}: unknown stages {sorted(unknown)}")

    @property
    def stage_by_key(self) -> dict[str, Stage]:
        return {s.key: s for s in self.stages}

    def choices(self) -> list[tuple[str, str]]:
        return [(s.key, s.label) for s in self.stages]

    def label_of(self, stage: str) -> str:
        found = self.stage_by_key.get(stage)
        return found.label if found else stage

    def is_final(self, stage: str) -> bool:
        found = self.stage_by_key.get(stage)
        return bool(found and found.final)

    def next_stages(self, stage: str, role: str | None) -> list[str]:
        """Stages `role` may move an application to from `stage`, in workflow order."""
        allowed = {
            to for (frm, to), roles in self.transitions.items() if frm == stage and role in roles
        }
        return [s.key for s in self.stages if s.key in allowed]

    def check(self, stage: str, to: str, role: str | None) -> tuple[bool, str]:
        """(allowed, reason): the workflow's own rule, before scope and guards."""
        if to not in self.stage_by_key:
            return False, f"未知的环节“{to}”"
        if stage == to:
            return False, f"已处于“{self.label_of(to)}”环节"
        roles = self.transitions.get((stage, to))
        if roles is None:
            legal = "、".join(self.label_of(s) for s in self.next_stages(stage, STAFF)) or "无"
            return (
                False,
                f"不能从“{self.label_of(stage)}”直接进入“{self.label_of(to)}”（下一步可为：{legal}）",
            )
        if role not in roles:
            who = "、".join(ROLE_LABELS.get(r, r) for r in sorted(roles))
            return False, f"“{self.label_of(stage)}”→“{self.label_of(to)}”只能由{who}办理"
        return True, ""


_WORKFLOWS: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    """Register a programme's workflow (idempotent for the same object)."""
    existing = _WORKFLOWS.get(workflow.programme)
    if existing is not None and existing is not workflow:
        raise ValueError(f"workflow {workflow.programme!r} registered twice")
    _WORKFLOWS[workflow.programme] = workflow
    return workflow


def get(programme: str) -> Workflow:
    try:
        return _WORKFLOWS[programme]
    except KeyError:
        raise LookupError(f"no workflow registered for programme {programme!r}") from None


def registered() -> list[Workflow]:
    return sorted(_WORKFLOWS.values(), key=lambda w: w.programme)


def stage_label(programme: str, stage: str) -> str:
    workflow = _WORKFLOWS.get(programme)
    return workflow.label_of(stage) if workflow else stage
