"""Reading and writing the rows of a CSV or XLSX file (openpyxl), the formats of import and export."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from hamdeli.core import spreadsheet
from hamdeli.core.errors import ValidationFailed

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000


def bad_file(message: str) -> ValidationFailed:
    return ValidationFailed(message, code="bad_file", fields={"file": message})


def format_of(filename: str) -> str:
    suffix = (filename or "").rsplit(".", 1)[-1].lower()
    if suffix not in FORMATS:
        raise bad_file(_("Only .csv and .xlsx files can be imported."))
    return suffix


def read_rows(content: bytes, fmt: str) -> list[dict]:
    """The file's rows as dicts keyed by the lower-cased header; refused whole when unreadable."""
    if len(content) > MAX_BYTES:
        raise bad_file(_("The file is larger than 5 MB."))
    try:
        table = _read_csv(content) if fmt == "csv" else _read_xlsx(content)
    except (UnicodeDecodeError, csv.Error, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise bad_file(_("The file cannot be read as %(format)s.") % {"format": fmt.upper()}) from None
    if not table:
        raise bad_file(_("The file is empty."))
    if len(table) > MAX_ROWS + 1:
        raise bad_file(_("The file has more than 50,000 rows."))
    header = [str(cell or "").strip().lower() for cell in table[0]]
    rows = []
    for values in table[1:]:
        if not any(str(v or "").strip() for v in values):
            continue
        rows.append({name: _cell(value) for name, value in zip(header, values, strict=False) if name})
    return rows


def _cell(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _read_csv(content: bytes) -> list[list]:
    return spreadsheet.read(content.decode("utf-8-sig"))


def _read_xlsx(content: bytes) -> list[list]:
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def write_rows(columns: list[str], rows: list[dict], fmt: str) -> bytes:
    """Rows (dicts) written with this header, in the same format an import reads (core.spreadsheet: formula
    text neutralised, numbers kept as numbers)."""
    values = [[_value(row.get(name)) for name in columns] for row in rows]
    if fmt == "csv":
        out = io.StringIO()
        writer = spreadsheet.Writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(values)
        return out.getvalue().encode("utf-8")
    return spreadsheet.xlsx([columns, *values])


def _value(value):
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    return str(value)
