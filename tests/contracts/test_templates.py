"""Templates and schemas are generated from the contracts."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from data_contracts.registry import KINDS, columns


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True)


def test_cipd_template_weekly_csv_header_equals_the_contract(tmp_path):
    out = tmp_path / "x.csv"
    result = run_cli("template", "weekly", "-o", str(out))
    assert result.returncode == 0, result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: French Excel opens it as UTF-8
    header = next(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert header == columns("weekly")


@pytest.mark.parametrize("kind", KINDS)
def test_xlsx_template_has_the_header_and_french_help(kind, tmp_path):
    from python_calamine import CalamineWorkbook

    out = tmp_path / f"{kind}.xlsx"
    assert run_cli("template", kind, "-o", str(out)).returncode == 0
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == [kind, "Aide"]
    assert book.get_sheet_by_name(kind).to_python()[0] == columns(kind)
    help_rows = book.get_sheet_by_name("Aide").to_python()
    assert [r[0] for r in help_rows[1:]] == columns(kind)


@pytest.mark.parametrize("kind", KINDS)
def test_json_schema_lists_the_contract_fields(kind):
    result = run_cli("schema", kind)
    schema = json.loads(result.stdout)
    assert list(schema["items"]["properties"]) == columns(kind)
    assert schema["items"]["additionalProperties"] is False


def test_usage_error_exits_2():
    assert run_cli("template", "yearly", "-o", "x.csv").returncode == 2
