import random

import pytest

from kechuang.rules import uscc

VALID = [
    "914403001922038216",
    "9144030071526726XG",
    "91330100799655058B",
    "91110108551385082Q",
    "91321283MA1MR5HB8P",
    "91350100M000100Y43",
]


@pytest.mark.parametrize("code", VALID)
def test_spec_examples_are_valid(code: str) -> None:
    result = uscc.validate(code)
    assert result.ok and not result.warnings


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("9144030O1922038216", "非法字符 O"),
        ("91440300192203821", "应为18位"),
        ("91330100799655058I", "非法字符 I"),
    ],
)
def test_wrong_length_or_character_is_an_error(code: str, message: str) -> None:
    result = uscc.validate(code)
    assert not result.ok
    assert message in result.errors[0]


def test_failing_check_digit_is_a_warning_for_review() -> None:
    result = uscc.validate("914403001922038217")
    assert result.ok and result.needs_review
    assert "校验码" in result.warnings[0]
    assert uscc.validate("91350100M0001TGQXM").needs_review  # genuine Fujian pilot code


def test_normalises_spaces_and_case() -> None:
    assert uscc.validate(" 91321283ma1mr5hb8p ").code == "91321283MA1MR5HB8P"


def test_generated_codes_are_valid_and_local() -> None:
    rng = random.Random(7)
    for _ in range(500):
        code = uscc.generate(rng)
        result = uscc.validate(code)
        assert result.ok and not result.warnings
        assert code[2:8] == "321283"
