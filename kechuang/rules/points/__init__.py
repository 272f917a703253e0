"""Innovation points (企业科技创新积分): indicator sets as data, scoring as one vectorized pass.

from kechuang.rules.points import default_set, score, explain
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from kechuang.rules.points.model import POINT_FIELDS, IndicatorSet, InvalidSet
from kechuang.rules.points.scoring import explain, score

SETS = Path(__file__).parent / "sets"


@cache
def default_set() -> IndicatorSet:
    """Kechuang's default set (not an official table: see its `source`)."""
    return IndicatorSet.parse(
        yaml.safe_load((SETS / "kechuang-default.yaml").read_text(encoding="utf-8"))
    )


__all__ = ["POINT_FIELDS", "IndicatorSet", "InvalidSet", "default_set", "explain", "score"]
