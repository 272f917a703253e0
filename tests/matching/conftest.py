from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def labelled(staff: Any) -> Any:
    from kechuang.matching.samples import load_labelled

    return load_labelled(staff)
