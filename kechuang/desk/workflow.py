"""The two workflows of the desk, as data (`kechuang.programmes.workflow`).

Service requests follow the 诉求 → 受理 → 办理 → 办结 → 回访 loop; problems raised on a
visit follow 提出 → 交办 → 办结 → 企业确认, back to 交办 when the enterprise does not
agree. Guards say who of a role may move which one."""

from __future__ import annotations

from kechuang.accounts.scoping import role_of
from kechuang.programmes import workflow as wf
from kechuang.programmes.workflow import ENTERPRISE, HELPER, OFFICER, STAFF, Move, Stage, Workflow

REQUEST = "desk_request"
PROBLEM = "desk_problem"

SUBMITTED, ACCEPTED, IN_PROGRESS, RESOLVED, REVIEWED, WITHDRAWN = (
    "submitted",
    "accepted",
    "in_progress",
    "resolved",
    "reviewed",
    "withdrawn",
)
REQUEST_OPEN = (SUBMITTED, ACCEPTED, IN_PROGRESS)

RAISED, ASSIGNED, SOLVED, CLOSED = "raised", "assigned", "solved", "closed"
PROBLEM_OPEN = (RAISED, ASSIGNED)


def _own_helper(move: Move) -> tuple[bool, str]:
    """A helper works only on the requests given to them."""
    if role_of(move.actor) != HELPER or move.application.programme != REQUEST:
        return True, ""
    req = getattr(move.application, "desk_request", None)
    if req is not None and req.helper_id == move.actor.pk:
        return True, ""
    return False, "该诉求未分派给您，不能办理"


def _needs_note(stage: str, label: str) -> wf.Guard:
    def guard(move: Move) -> tuple[bool, str]:
        if move.to == stage and not move.note.strip():
            return False, f"{label}：不能为空"
        return True, ""

    return guard


REQUEST_WORKFLOW = wf.register(
    Workflow(
        programme=REQUEST,
        label="科技服务诉求",
        stages=(
            Stage(SUBMITTED, "待受理"),
            Stage(ACCEPTED, "已受理"),
            Stage(IN_PROGRESS, "办理中"),
            Stage(RESOLVED, "已办结"),
            Stage(REVIEWED, "已回访", final=True),
            Stage(WITHDRAWN, "已撤回", column=False, final=True),
        ),
        transitions={
            (SUBMITTED, ACCEPTED): frozenset({HELPER, STAFF}),
            (SUBMITTED, WITHDRAWN): frozenset({ENTERPRISE, STAFF}),
            (ACCEPTED, IN_PROGRESS): frozenset({HELPER, STAFF}),
            (ACCEPTED, RESOLVED): frozenset({HELPER, STAFF}),
            (IN_PROGRESS, RESOLVED): frozenset({HELPER, STAFF}),
            # 回访: the enterprise rates it online, or the bureau records a phone call.
            (RESOLVED, REVIEWED): frozenset({ENTERPRISE, STAFF}),
            # Not satisfied with the answer: back to the helper.
            (RESOLVED, IN_PROGRESS): frozenset({ENTERPRISE, STAFF}),
        },
        initial=SUBMITTED,
        open_roles=frozenset({ENTERPRISE, STAFF, OFFICER}),
        guards=(_own_helper, _needs_note(RESOLVED, "办理结果")),
    )
)

PROBLEM_WORKFLOW = wf.register(
    Workflow(
        programme=PROBLEM,
        label="企业难题",
        stages=(
            Stage(RAISED, "待交办"),
            Stage(ASSIGNED, "已交办"),
            Stage(SOLVED, "已办结（待企业确认）"),
            Stage(CLOSED, "已解决", final=True),
        ),
        transitions={
            (RAISED, ASSIGNED): frozenset({STAFF, OFFICER}),
            (ASSIGNED, SOLVED): frozenset({STAFF, OFFICER}),
            # The enterprise confirms online, or the bureau records its confirmation.
            (SOLVED, CLOSED): frozenset({ENTERPRISE, STAFF}),
            (SOLVED, ASSIGNED): frozenset({ENTERPRISE, STAFF}),
        },
        initial=RAISED,
        open_roles=frozenset({STAFF, OFFICER, HELPER}),
        guards=(_needs_note(SOLVED, "办理结果"),),
    )
)
