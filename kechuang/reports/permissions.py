from __future__ import annotations

from typing import Any

from kechuang.accounts.scoping import is_bureau


def can_generate_reports(actor: Any) -> tuple[bool, str]:
    """The annual report covers the county and its peers: the bureau's."""
    if is_bureau(actor):
        return True, ""
    return False, "只有科技局可以生成年度报告"
