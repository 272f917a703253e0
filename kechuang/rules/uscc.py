"""统一社会信用代码 (GB 32100-2015): normalise, validate, generate.

Contract: ../shared/spec/uscc.md. A wrong length or a character outside the 31-character
set is an error; a failing check digit is a warning that sends the record to manual
review (some genuine early pilot codes fail it). Plain Python (and numpy for checking
many clean codes at once): the rules engine uses it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {ch: i for i, ch in enumerate(CHARSET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, …
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

# Positions 1–2: 登记管理部门代码 → allowed 机构类别代码 (GB 32100-2015 表1).
DEPARTMENT_CATEGORIES: dict[str, str] = {
    "1": "1239",
    "2": "19",
    "3": "123459",
    "4": "19",
    "5": "1239",
    "6": "129",
    "7": "129",
    "8": "19",
    "9": "123",
    "A": "19",
    "N": "1239",
    "Y": "1",
}


@dataclass
class UsccCheck:
    """The outcome of checking one code: `errors` reject it, `warnings` flag it for review."""

    code: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def needs_review(self) -> bool:
        return self.ok and bool(self.warnings)


def normalize(raw: str) -> str:
    return "".join(str(raw).split()).upper()


def check_digit(first17: str) -> str:
    total = sum(VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    c = 31 - total % 31
    return CHARSET[0 if c == 31 else c]


def _org_char_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def org_check_digit(first8: str) -> str:
    """组织机构代码 (GB 11714) check character for positions 9–16 of a USCC."""
    total = sum(_org_char_value(ch) * w for ch, w in zip(first8, ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def validate(raw: str | None) -> UsccCheck:
    code = normalize(raw or "")
    result = UsccCheck(code)
    if not code:
        result.errors.append("不能为空")
        return result
    if len(code) != 18:
        result.errors.append(f"应为18位，实际{len(code)}位")
        return result
    bad = sorted({ch for ch in code if ch not in VALUES})
    if bad:
        result.errors.append(
            f"含非法字符 {'、'.join(bad)}（只允许数字和除 I、O、S、V、Z 以外的大写字母）"
        )
        return result
    expected = check_digit(code[:17])
    if code[17] != expected:
        result.warnings.append(check_digit_warning(expected))
    allowed = DEPARTMENT_CATEGORIES.get(code[0])
    if allowed is None or code[1] not in allowed:
        result.warnings.append(department_warning(code[:2]))
    return result


def check_digit_warning(expected: str) -> str:
    return f"校验码不符（按GB 32100计算应为 {expected}），需人工核实"


def department_warning(prefix: str) -> str:
    return f"登记管理部门/机构类别代码 {prefix} 不在标准列表中，需人工核实"


def generate(rng: random.Random, region: str = "321283", prefix: str = "91") -> str:
    """A valid code for a 市场监管-registered enterprise in `region` (demo and tests)."""
    # Post-2015 registrations carry "MA" + 6 characters as 主体标识码 body.
    body = "MA" + "".join(rng.choice(CHARSET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    first17 = prefix + region + body + org_check_digit(body)
    return first17 + check_digit(first17)


# Vectorized checks of many codes at once (the rules engine parses a million rows): an
# (n, 18) uint8 array of ASCII codes that are already normalized and use only CHARSET
# (`is_clean`, `CLEAN_PATTERN`); `validate` stays the reference for every other code.

CLEAN_PATTERN = "^[" + CHARSET + "]{18}$"  # ASCII only: 18 characters are 18 bytes


def _char_values() -> npt.NDArray[np.int16]:
    table = np.full(256, -1, dtype=np.int16)
    for ch, value in VALUES.items():
        table[ord(ch)] = value
    return table


def _weighted_values() -> npt.NDArray[np.uint16]:
    """Row i: (value of the byte × WEIGHTS[i]) mod 31, for each byte (0 off CHARSET)."""
    values = np.maximum(_char_values(), 0).astype(np.uint16)
    return np.stack([(values * weight) % 31 for weight in WEIGHTS]).astype(np.uint16)


def _allowed_pairs() -> npt.NDArray[np.bool_]:
    table = np.zeros((256, 256), dtype=np.bool_)
    for department, categories in DEPARTMENT_CATEGORIES.items():
        for category in categories:
            table[ord(department), ord(category)] = True
    return table


_CHAR_VALUES = _char_values()
_WEIGHTED = _weighted_values()
_ALLOWED = _allowed_pairs()


def is_clean(code: str) -> bool:
    """Already normalized, 18 characters, all in CHARSET: `validate` finds no error."""
    return len(code) == 18 and all(ch in VALUES for ch in code)


def codes_array(concatenated: bytes) -> npt.NDArray[np.uint8]:
    """Clean codes joined without separator (ASCII) → an (n, 18) byte array."""
    return np.frombuffer(concatenated, dtype=np.uint8).reshape(-1, 18)


def expected_check_indexes(codes: npt.NDArray[np.uint8]) -> npt.NDArray[np.int64]:
    """For each clean code, the CHARSET index of its check digit (`check_digit`)."""
    by_position = np.ascontiguousarray(codes[:, :17].T)  # one contiguous row per position
    total = _WEIGHTED[0][by_position[0]]  # uint16: 17 terms below 31 each
    for i in range(1, 17):
        total += _WEIGHTED[i][by_position[i]]
    expected: npt.NDArray[np.int64] = ((31 - total % 31) % 31).astype(np.int64)
    return expected


def check_digit_matches(
    codes: npt.NDArray[np.uint8], expected: npt.NDArray[np.int64] | None = None
) -> npt.NDArray[np.bool_]:
    """Each clean code's 18th character is its check digit (`expected`: the indexes
    `expected_check_indexes` gave, if already at hand)."""
    if expected is None:
        expected = expected_check_indexes(codes)
    result: npt.NDArray[np.bool_] = _CHAR_VALUES[codes[:, 17]] == expected
    return result


def department_known(codes: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    """Positions 1–2 form a department/category pair of GB 32100-2015 表1."""
    result: npt.NDArray[np.bool_] = _ALLOWED[codes[:, 0], codes[:, 1]]
    return result


def clean_warnings(
    codes: npt.NDArray[np.uint8],
) -> tuple[npt.NDArray[np.int64], dict[int, list[str]]]:
    """`validate`'s warnings for many clean codes: an outcome number per code, and the
    warnings of each outcome that occurs (outcome 0, no warning, is left out)."""
    expected = expected_check_indexes(codes)
    digit = np.where(check_digit_matches(codes, expected), 0, expected + 1)  # 0 … 31
    known = department_known(codes)
    outcome: npt.NDArray[np.int64] = digit
    if not known.all():
        pair = codes[:, 0].astype(np.int64) * 256 + codes[:, 1]
        outcome = np.where(known, 0, pair + 1) * 32 + digit  # department 0 … 65536
    warnings: dict[int, list[str]] = {}
    for number in np.flatnonzero(np.bincount(outcome)).tolist():
        found = []
        if number % 32:
            found.append(check_digit_warning(CHARSET[number % 32 - 1]))
        if number // 32:
            first, second = divmod(number // 32 - 1, 256)
            found.append(department_warning(chr(first) + chr(second)))
        if found:
            warnings[number] = found
    return outcome, warnings
