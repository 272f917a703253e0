"""The cultivation pipeline declared as data: milestones of a ledger, the transitions
between them and the roles allowed to make each one. Services read these tables; no
view or service spells a transition out in an if-chain."""

from __future__ import annotations

from dataclasses import dataclass

STAFF = "staff"
OFFICER = "officer"


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    column: bool = True  # shown as a column of the board
    final: bool = False


STAGES: tuple[Stage, ...] = (
    Stage("pool", "入库"),
    Stage("coaching", "辅导"),
    Stage("materials", "材料准备"),
    Stage("audit", "专项审计"),
    Stage("submitted", "网上申报"),
    Stage("review", "专家评审"),
    Stage("publicized", "公示"),
    Stage("certified", "认定", final=True),
    Stage("failed", "未通过", final=True),
    Stage("withdrawn", "放弃申报", final=True),
)
STAGE_BY_KEY = {s.key: s for s in STAGES}
STAGE_CHOICES = [(s.key, s.label) for s in STAGES]
# Milestones a ledger passes on the way to a decision, in order (the export's columns).
MILESTONES: tuple[str, ...] = (
    "pool",
    "coaching",
    "materials",
    "audit",
    "submitted",
    "review",
    "publicized",
    "certified",
    "failed",
)
APPLIED_STAGES: frozenset[str] = frozenset(
    {"submitted", "review", "publicized", "certified", "failed"}
)

# (from, to) → roles allowed. Towns and parks prepare their firms; the bureau alone
# records what the provincial office decides (评审, 公示, 认定, 未通过).
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    ("pool", "coaching"): frozenset({STAFF, OFFICER}),
    ("coaching", "materials"): frozenset({STAFF, OFFICER}),
    ("materials", "audit"): frozenset({STAFF, OFFICER}),
    ("audit", "submitted"): frozenset({STAFF, OFFICER}),
    ("submitted", "review"): frozenset({STAFF}),
    ("review", "publicized"): frozenset({STAFF}),
    ("review", "failed"): frozenset({STAFF}),
    ("publicized", "certified"): frozenset({STAFF}),
    ("publicized", "failed"): frozenset({STAFF}),
    # Going back a step while preparing (materials sent back for rework).
    ("materials", "coaching"): frozenset({STAFF, OFFICER}),
    ("audit", "materials"): frozenset({STAFF, OFFICER}),
    # Giving up before the provincial review.
    ("pool", "withdrawn"): frozenset({STAFF, OFFICER}),
    ("coaching", "withdrawn"): frozenset({STAFF, OFFICER}),
    ("materials", "withdrawn"): frozenset({STAFF, OFFICER}),
    ("audit", "withdrawn"): frozenset({STAFF, OFFICER}),
}
ROLE_LABELS = {STAFF: "市科技局", OFFICER: "园区/乡镇"}


def label(stage: str) -> str:
    return STAGE_BY_KEY[stage].label if stage in STAGE_BY_KEY else stage


def next_stages(stage: str, role: str | None) -> list[str]:
    """Stages `role` may move a ledger to from `stage`, in pipeline order."""
    allowed = {to for (frm, to), roles in TRANSITIONS.items() if frm == stage and role in roles}
    return [s.key for s in STAGES if s.key in allowed]


def check_transition(stage: str, to: str, role: str | None) -> tuple[bool, str]:
    """(allowed, reason): the pipeline's own rule, before any area check."""
    if to not in STAGE_BY_KEY:
        return False, f"未知的环节“{to}”"
    if stage == to:
        return False, f"台帐已处于“{label(to)}”环节"
    roles = TRANSITIONS.get((stage, to))
    if roles is None:
        legal = "、".join(label(s) for s in next_stages(stage, STAFF)) or "无"
        return False, f"不能从“{label(stage)}”直接进入“{label(to)}”（下一步可为：{legal}）"
    if role not in roles:
        who = "、".join(ROLE_LABELS[r] for r in sorted(roles))
        return False, f"“{label(stage)}”→“{label(to)}”只能由{who}办理"
    return True, ""
