"""The `points` programme on the frame: each enterprise's yearly points record (积分记录)
is an application of the programme, so that the rank list is a 公示 of the frame with
its objections. A record is written when a list is published and frozen with it."""

from __future__ import annotations

from kechuang.programmes import workflow as wf
from kechuang.programmes.workflow import STAFF, Stage, Workflow

PROGRAMME = "points"

WORKFLOW = wf.register(
    Workflow(
        programme=PROGRAMME,
        label="创新积分",
        stages=(
            Stage("published", "公示中"),
            Stage("frozen", "已定稿", final=True),
        ),
        transitions={("published", "frozen"): frozenset({STAFF})},
        initial="published",
        open_roles=frozenset({STAFF}),
    )
)
