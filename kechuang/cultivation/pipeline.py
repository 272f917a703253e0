"""The cultivation pipeline declared as data, on the programme frame: the milestones of
a ledger, the transitions between them and the roles allowed to make each one, and the
hooks run when a ledger is certified or fails. Services read these tables; no view or
service spells a transition out in an if-chain."""

from __future__ import annotations

from kechuang.programmes import workflow as wf
from kechuang.programmes.workflow import OFFICER, ROLE_LABELS, STAFF, Move, Stage, Workflow

__all__ = ["OFFICER", "ROLE_LABELS", "STAFF"]

PROGRAMME = "hnte"

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
FINAL_STAGES: frozenset[str] = frozenset(s.key for s in STAGES if s.final)

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
# How the HNTE batches name the call's dates.
CALL_LABELS = {
    "closes_on": "网上申报截止",
    "review_on": "专家评审",
    "publicity_on": "公示日期",
    "decided_on": "认定日期",
}
# Indicators (kechuang.targets) the cultivation pages set and follow targets for.
TARGET_METRICS = {
    "hnte_new": "新增高企",
    "hnte_valid": "有效期内高企（年末）",
    "pool_size": "后备培育库在库企业",
}
# The province runs 2–4 HNTE batches a year.
MAX_BATCHES_PER_YEAR = 4


def _close_pool(move: Move) -> None:
    from kechuang.cultivation.services import close_pool_on_decision

    close_pool_on_decision(move)


WORKFLOW = wf.register(
    Workflow(
        programme=PROGRAMME,
        label="高企培育",
        stages=STAGES,
        transitions=TRANSITIONS,
        initial="pool",
        open_roles=frozenset({STAFF, OFFICER}),
        on_enter={"certified": (_close_pool,), "failed": (_close_pool,)},
    )
)


def label(stage: str) -> str:
    return WORKFLOW.label_of(stage)


def next_stages(stage: str, role: str | None) -> list[str]:
    """Stages `role` may move a ledger to from `stage`, in pipeline order."""
    return WORKFLOW.next_stages(stage, role)


def check_transition(stage: str, to: str, role: str | None) -> tuple[bool, str]:
    """(allowed, reason): the pipeline's own rule, before any area check."""
    allowed, reason = WORKFLOW.check(stage, to, role)
    if not allowed and reason.startswith("已处于"):
        return False, f"台帐{reason}"
    return allowed, reason
