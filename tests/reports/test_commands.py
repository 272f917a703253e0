from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command


def test_report_annual_writes_json_to_stdout(county_firms: Any, capsys: Any):
    call_command("report", "annual", "--year", "2020", "--region", "321283", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["indicators"]["hnte_new"]["value"] == 2


def test_report_annual_writes_docx_to_a_file(county_firms: Any, tmp_path: Path):
    out = tmp_path / "r.docx"
    call_command(
        "report",
        "annual",
        "--year",
        "2020",
        "--format",
        "docx",
        "--out",
        str(out),
        stderr=io.StringIO(),
    )
    assert out.read_bytes()[:2] == b"PK"


def test_report_annual_refuses_an_unknown_region(county_firms: Any):
    with pytest.raises(CommandError, match="不存在"):
        call_command("report", "annual", "--year", "2020", "--region", "999999")
