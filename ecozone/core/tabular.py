"""Reading and writing tabular files (Excel workbooks, CSV) for imports and exports.

Every importer follows the same shape: read the whole file into `Sheet`s, validate every row and
collect `CellError`s, and write nothing unless the list of errors is empty. Error messages name
the sheet, the row and the column, in the user's language.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [_("sheet “%(sheet)s”") % {"sheet": self.sheet}] if self.sheet else []
        if self.row is not None:
            where.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("column “%(column)s”") % {"column": self.column})
        return _("%(where)s: %(message)s") % {"where": _(", ").join(where), "message": self.message}


class ImportRejected(Exception):
    """The file was not imported; nothing was written. `errors` says why, row by row."""

    def __init__(self, errors: Sequence[CellError]):
        self.errors = sorted(errors, key=lambda e: (e.sheet, e.row or 0))
        super().__init__("; ".join(str(e) for e in self.errors))


@dataclass
class Row:
    number: int  # as the user sees it in the spreadsheet (header is row 1)
    cells: dict[str, Any]

    def __getitem__(self, column: str) -> Any:
        return self.cells.get(column)


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[Row] = field(default_factory=list)


def read_table_file(
    upload,
    *,
    columns: dict[str, Sequence[str]],
    allow_csv: bool = False,
    max_bytes: int | None = None,
) -> dict[str, Sheet]:
    """Read an uploaded workbook (or CSV when allowed) and check its sheets and header columns.

    `columns` maps each required sheet name to its required columns. For CSV the single table is
    read as the first required sheet. Raises ImportRejected naming every structural problem.
    """
    data = upload.read()
    sheet_names = list(columns)
    if not data:
        raise ImportRejected([CellError("", None, None, _("The file is empty."))])
    if max_bytes is not None and len(data) > max_bytes:
        raise ImportRejected(
            [
                CellError(
                    "",
                    None,
                    None,
                    _("The file is larger than %(mb)d MB.") % {"mb": max_bytes // 2**20},
                )
            ]
        )
    if data[:2] == b"PK":
        sheets = _read_xlsx(data)
    elif allow_csv:
        sheets = {sheet_names[0]: _read_csv(data, sheet_names[0])}
    else:
        raise ImportRejected(
            [CellError("", None, None, _("The file is not an Excel workbook (.xlsx)."))]
        )
    errors = []
    for name, required in columns.items():
        sheet = sheets.get(name)
        if sheet is None:
            errors.append(CellError(name, None, None, _("The sheet is missing.")))
            continue
        for column in required:
            if column not in sheet.header:
                errors.append(CellError(name, 1, column, _("The column is missing.")))
        if not sheet.rows and not errors:
            errors.append(CellError(name, None, None, _("The sheet has no data rows.")))
    if errors:
        raise ImportRejected(errors)
    return sheets


def _read_xlsx(data: bytes) -> dict[str, Sheet]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ImportRejected(
            [CellError("", None, None, _("The file is not a readable Excel workbook (.xlsx)."))]
        ) from exc
    sheets = {}
    for worksheet in workbook.worksheets:
        rows = worksheet.iter_rows(values_only=True)
        header_row = next(rows, None) or ()
        header = [_clean_header(v) for v in header_row]
        sheet = Sheet(worksheet.title, [h for h in header if h])
        for number, values in enumerate(rows, start=2):
            if values is None or all(_is_blank(v) for v in values):
                continue
            cells = {h: v for h, v in zip(header, values, strict=False) if h}
            sheet.rows.append(Row(number, cells))
        sheets[worksheet.title] = sheet
    workbook.close()
    return sheets


def _read_csv(data: bytes, name: str) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            [CellError(name, None, None, _("The CSV file is not encoded in UTF-8."))]
        ) from exc
    reader = csv.reader(io.StringIO(text))
    header = [_clean_header(v) for v in next(reader, [])]
    sheet = Sheet(name, [h for h in header if h])
    for number, values in enumerate(reader, start=2):
        if all(_is_blank(v) for v in values):
            continue
        sheet.rows.append(Row(number, {h: v for h, v in zip(header, values, strict=False) if h}))
    return sheet


def _clean_header(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A cell as trimmed text; whole numbers typed into a text column lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_decimal(value: Any) -> Decimal | None:
    """A cell as a Decimal; None when blank; ValueError when it is not a number."""
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return number


def cell_int(value: Any) -> int | None:
    number = cell_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


def cell_date(value: Any) -> date | None:
    if _is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(value) from None


def build_workbook(
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
) -> Workbook:
    """A workbook with one sheet per (name, header, rows), header in bold on a tinted row."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E2EFDA")
    for name, header, rows in sheets:
        worksheet = workbook.create_sheet(title=name)
        worksheet.append(list(header))
        for cell in worksheet[1]:
            cell.font = bold
            cell.fill = fill
        for row in rows:
            worksheet.append(list(row))
            for cell in worksheet[worksheet.max_row]:
                # Text such as "=100" is data, never a formula (also guards against injection).
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        for index, title in enumerate(header, start=1):
            letter = worksheet.cell(row=1, column=index).column_letter
            worksheet.column_dimensions[letter].width = max(10, min(40, len(str(title)) * 2 + 4))
        worksheet.freeze_panes = "A2"
    return workbook


def workbook_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
