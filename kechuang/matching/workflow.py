"""An introduction's workflow, as data: requested by the enterprise (or for it), the
expert accepts or declines, they meet, and it ends in an agreement or without one."""

from kechuang.programmes import workflow as wf
from kechuang.programmes.workflow import ENTERPRISE, HELPER, OFFICER, STAFF, Stage, Workflow

PROGRAMME = "iur_intro"

WORKFLOW = wf.register(
    Workflow(
        programme=PROGRAMME,
        label="产学研对接引荐",
        stages=(
            Stage("requested", "已申请引荐"),
            Stage("accepted", "专家已接受"),
            Stage("declined", "专家已婉拒", final=True),
            Stage("met", "已会面洽谈"),
            Stage("agreed", "已签订协议", final=True),
            Stage("closed", "未达成合作", final=True),
        ),
        transitions={
            ("requested", "accepted"): frozenset({STAFF, OFFICER, HELPER}),
            ("requested", "declined"): frozenset({STAFF, OFFICER, HELPER}),
            ("accepted", "met"): frozenset({STAFF, OFFICER, HELPER, ENTERPRISE}),
            ("met", "agreed"): frozenset({STAFF, OFFICER, ENTERPRISE}),
            ("met", "closed"): frozenset({STAFF, OFFICER, ENTERPRISE}),
            ("accepted", "closed"): frozenset({STAFF, OFFICER}),
        },
        initial="requested",
        open_roles=frozenset({ENTERPRISE, OFFICER, STAFF}),
    )
)
