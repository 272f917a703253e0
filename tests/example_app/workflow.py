"""The filing's workflow, as data: the firm submits, the area's officer checks, the
bureau approves or sends it back."""

from kechuang.programmes import workflow as wf
from kechuang.programmes.workflow import ENTERPRISE, OFFICER, STAFF, Stage, Workflow

PROGRAMME = "example_rd"

WORKFLOW = wf.register(
    Workflow(
        programme=PROGRAMME,
        label="加计扣除备案",
        stages=(
            Stage("draft", "填报"),
            Stage("submitted", "已提交"),
            Stage("checked", "园区/乡镇已核"),
            Stage("approved", "已备案", final=True),
            Stage("returned", "退回修改"),
        ),
        transitions={
            ("draft", "submitted"): frozenset({ENTERPRISE, STAFF}),
            ("returned", "submitted"): frozenset({ENTERPRISE, STAFF}),
            ("submitted", "checked"): frozenset({OFFICER, STAFF}),
            ("checked", "approved"): frozenset({STAFF}),
            ("checked", "returned"): frozenset({STAFF}),
        },
        initial="draft",
        open_roles=frozenset({ENTERPRISE, OFFICER, STAFF}),
    )
)
