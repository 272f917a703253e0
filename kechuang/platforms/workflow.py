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


# -- applications of a person or an institute (no enterprise needed) --------------------------

RECOGNITION = "platform_recognition"
TALENT = "talent_programme"
RECOMMENDATION = "commissioner_recommendation"


def _recognised(move: Move) -> None:
    from kechuang.platforms.services import recognition_recognised

    recognition_recognised(move)


def _selected(move: Move) -> None:
    from kechuang.platforms.services import talent_selected

    talent_selected(move)


def _recommendation_decided(move: Move) -> None:
    from kechuang.platforms.services import recommendation_decided

    recommendation_decided(move)


# 申报认定: a firm or an institute applies to have an R&D institution or a carrier
# recognised; the town/park (or the bureau) recommends it; the bureau decides. The
# institution or carrier is recorded on entering 已认定.
RECOGNITION_WORKFLOW = wf.register(
    Workflow(
        programme=RECOGNITION,
        label="平台认定申报",
        stages=(
            Stage("applied", "已申报"),
            Stage("recommended", "已推荐"),
            Stage("recognised", "已认定", final=True),
            Stage("refused", "未认定", final=True),
        ),
        transitions={
            ("applied", "recommended"): frozenset({STAFF, OFFICER}),
            ("applied", "refused"): frozenset({STAFF}),
            ("recommended", "recognised"): frozenset({STAFF}),
            ("recommended", "refused"): frozenset({STAFF}),
        },
        initial="applied",
        open_roles=frozenset({STAFF, OFFICER}),
        on_enter={"recognised": (_recognised,)},
    )
)

# 人才计划: a person is put forward for a programme (国家级, 省双创 …), recommended by the
# town/park or the bureau, and selected or not; the talent is recorded on 入选.
TALENT_WORKFLOW = wf.register(
    Workflow(
        programme=TALENT,
        label="人才计划申报",
        stages=(
            Stage("applied", "已申报"),
            Stage("recommended", "已推荐"),
            Stage("selected", "入选", final=True),
            Stage("not_selected", "未入选", final=True),
        ),
        transitions={
            ("applied", "recommended"): frozenset({STAFF, OFFICER}),
            ("applied", "not_selected"): frozenset({STAFF}),
            ("recommended", "selected"): frozenset({STAFF}),
            ("recommended", "not_selected"): frozenset({STAFF}),
        },
        initial="applied",
        open_roles=frozenset({STAFF, OFFICER}),
        on_enter={"selected": (_selected,)},
    )
)

# 科技特派员推荐: a town/park (or the bureau) recommends a new commissioner; the bureau
# accepts (在册) or declines. The commissioner's status follows the decision.
RECOMMENDATION_WORKFLOW = wf.register(
    Workflow(
        programme=RECOMMENDATION,
        label="科技特派员推荐",
        stages=(
            Stage("recommended", "推荐中"),
            Stage("accepted", "推荐通过", final=True),
            Stage("declined", "推荐未通过", final=True),
        ),
        transitions={
            ("recommended", "accepted"): frozenset({STAFF}),
            ("recommended", "declined"): frozenset({STAFF}),
        },
        initial="recommended",
        open_roles=frozenset({STAFF, OFFICER}),
        on_enter={
            "accepted": (_recommendation_decided,),
            "declined": (_recommendation_decided,),
        },
    )
)
