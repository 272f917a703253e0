"""The science-plan project's workflow, as data (科技计划项目): the bureau records the
application to a provincial or city plan, the plan's decision (立项 / 未立项), the
mid-term check and the acceptance (验收)."""

from kechuang.programmes import workflow as wf
from kechuang.programmes.workflow import OFFICER, STAFF, Move, Stage, Workflow

PROGRAMME = "science_plan"  # models.PLAN_PROGRAMME
FUNDED_STAGES = ("approved", "midterm", "accepted")


def _needs_title(move: Move) -> tuple[bool, str]:
    if move.to == "approved" and not move.application.title.strip():
        return False, "项目名称为空，不能立项"
    return True, ""


WORKFLOW = wf.register(
    Workflow(
        programme=PROGRAMME,
        label="科技计划项目",
        stages=(
            Stage("applied", "已申报"),
            Stage("approved", "立项"),
            Stage("rejected", "未立项", final=True),
            Stage("midterm", "中期检查"),
            Stage("accepted", "验收", final=True),
            Stage("failed", "验收不通过", final=True),
        ),
        transitions={
            ("applied", "approved"): frozenset({STAFF}),
            ("applied", "rejected"): frozenset({STAFF}),
            ("approved", "midterm"): frozenset({STAFF, OFFICER}),
            ("approved", "accepted"): frozenset({STAFF}),
            ("midterm", "accepted"): frozenset({STAFF}),
            ("midterm", "failed"): frozenset({STAFF}),
        },
        initial="applied",
        open_roles=frozenset({STAFF, OFFICER}),
        guards=(_needs_title,),
    )
)
