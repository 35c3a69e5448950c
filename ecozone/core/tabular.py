"""Reading and writing tabular files (Excel workbooks, CSV) for imports and exports.

Every importer follows the same shape: read the whole file into `Sheet`s, validate every row and
collect `CellError`s, and write nothing unless the list of errors is empty. Error messages name
the sheet, the row and the column, in the user's language.

Uploads are hostile until read. `read_table_file` refuses, with a message and before any row
reaches an importer:

- a file larger than `settings.ECOZONE_IMPORT_MAX_BYTES` (10 MB), checked before it is read;
- a workbook that unpacks to more than `MAX_UNPACKED_BYTES` (50 MB), or whose parts hold more
  than `MAX_ELEMENTS` (1,000,000) XML elements, or more than `MAX_ROWS` rows in one part. These
  are counted on the raw bytes before openpyxl parses anything: openpyxl reads a whole sheet when
  it is opened if the sheet does not declare its size, so a 1 MB file of 300,000 rows would
  otherwise tie up a worker for many seconds;
- more than `MAX_SHEETS` (20) sheets, more than `MAX_ROWS` (20,000) rows in a sheet (empty rows
  included), more than `MAX_CELLS` (200,000) cells in all; reading stops at the first row past
  a limit. openpyxl reads about 60,000 cells a second on our two-core server, so this bounds
  the work on any file; the largest legitimate import (a whole province's annual template) is
  about 5,000 rows and 70,000 cells;
- anything openpyxl cannot read (not a zip, broken XML, missing parts, a date out of range);
- text holding a control character (`core.text.text_problem`), naming the cell.

`cell_int` and `cell_decimal` refuse numbers a column cannot hold (ValueError, which importers
turn into a cell error): whole numbers beyond Django's IntegerField, decimals of more than
`MAX_DIGITS` (18) digits. Exports write every string through `core.text.printable`, so a stored
control character never breaks a download.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill

from ecozone.core.text import printable, text_problem

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MAX_SHEETS = 20
MAX_ROWS = 20_000
MAX_CELLS = 200_000
MAX_UNPACKED_BYTES = 50 * 2**20
MAX_ELEMENTS = 1_000_000
MAX_DIGITS = 18
# Django's IntegerField, the column of every whole number we import (years, batches, versions).
INT_MIN, INT_MAX = -(2**31), 2**31 - 1

# Start tags as bytes: any element, and a spreadsheet row (with or without a namespace prefix).
_ELEMENT = re.compile(rb"<[A-Za-z_]")
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


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
        if not where:
            return self.message
        return _("%(where)s: %(message)s") % {"where": _(", ").join(where), "message": self.message}


class ImportRejected(Exception):
    """The file was not imported; nothing was written. `errors` says why, row by row."""

    def __init__(self, errors: Sequence[CellError]):
        self.errors = sorted(errors, key=lambda e: (e.sheet, e.row or 0))
        super().__init__("; ".join(str(e) for e in self.errors))


def _refused(message: str, sheet: str = "") -> ImportRejected:
    return ImportRejected([CellError(sheet, None, None, message)])


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

    `columns` maps each required sheet name to its required columns; only those sheets are read.
    For CSV the single table is read as the first required sheet. `max_bytes` defaults to
    `settings.ECOZONE_IMPORT_MAX_BYTES`. Raises ImportRejected naming every structural problem,
    then every cell holding text that cannot be stored.
    """
    data = _read_upload(
        upload, settings.ECOZONE_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    )
    sheet_names = list(columns)
    if data[:2] == b"PK":
        sheets = _read_xlsx(data, sheet_names)
    elif allow_csv:
        sheets = {sheet_names[0]: _read_csv(data, sheet_names[0])}
    else:
        raise _refused(_("The file is not an Excel workbook (.xlsx)."))
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
    errors = [
        CellError(sheet.name, row.number, column, problem)
        for sheet in sheets.values()
        for row in sheet.rows
        for column, value in row.cells.items()
        if isinstance(value, str) and (problem := text_problem(value))
    ]
    if errors:
        raise ImportRejected(errors)
    return sheets


def _read_upload(upload, limit: int) -> bytes:
    """The upload's bytes, refused unread when its size says it is too large."""
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large(limit)
    data = upload.read(limit + 1)
    if not data:
        raise _refused(_("The file is empty."))
    if len(data) > limit:
        raise _too_large(limit)
    return data


def _too_large(limit: int) -> ImportRejected:
    size = f"{limit / 2**20:.3g} MB" if limit >= 2**20 else f"{limit / 2**10:.3g} KB"
    return _refused(_("The file is larger than %(size)s.") % {"size": size})


def _read_xlsx(data: bytes, wanted: Collection[str]) -> dict[str, Sheet]:
    workbook = None
    try:
        _check_archive(data)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        if len(workbook.sheetnames) > MAX_SHEETS:
            raise _refused(
                _("The workbook has more than %(n)d sheets; keep only the sheets to import.")
                % {"n": MAX_SHEETS}
            )
        sheets, cells = {}, 0
        for worksheet in workbook.worksheets:
            if worksheet.title not in wanted:
                continue
            # A declared size may be a lie; rows as stored are what counts.
            worksheet.reset_dimensions()
            sheet, used = _read_rows(
                worksheet.title, worksheet.iter_rows(values_only=True), MAX_CELLS - cells
            )
            sheets[sheet.name], cells = sheet, cells + used
        return sheets
    except ImportRejected:
        raise
    # openpyxl answers a malformed file with almost any exception (BadZipFile, KeyError, XML
    # ParseError, ValueError, OverflowError for a date out of range, ...): each means the same.
    except Exception as exc:
        logger.info("unreadable workbook: %r", exc)
        raise _refused(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    finally:
        if workbook is not None:
            workbook.close()


def _check_archive(data: bytes) -> None:
    """Refuse a workbook too large to parse, judged on its raw bytes before openpyxl opens it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        # zipfile stops reading a member at its declared size, so declared sizes bound the work.
        if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
            raise _refused(
                _("The workbook unpacks to more than %(mb)d MB; split the file.")
                % {"mb": MAX_UNPACKED_BYTES // 2**20}
            )
        elements = 0
        for member in members:
            rows = 0
            with archive.open(member) as part:
                while chunk := part.read(2**20):
                    # A tag cut in two by the chunk boundary goes uncounted: the limits are far
                    # above any real file, and the reader below counts rows again.
                    elements += len(_ELEMENT.findall(chunk))
                    rows += len(_ROW.findall(chunk))
                    if rows > MAX_ROWS:
                        raise _too_many_rows("")
                    if elements > MAX_ELEMENTS:
                        raise _refused(
                            _(
                                "The workbook holds more than %(n)d XML elements; "
                                "keep only the data to import."
                            )
                            % {"n": MAX_ELEMENTS}
                        )


def _too_many_rows(sheet: str) -> ImportRejected:
    return _refused(
        _(
            "More than %(rows)d rows in one sheet; an import reads at most %(rows)d rows per "
            "sheet (empty rows included). Split the file."
        )
        % {"rows": MAX_ROWS},
        sheet,
    )


def _read_rows(name: str, rows: Iterator[Sequence[Any]], cells_left: int) -> tuple[Sheet, int]:
    """The sheet `name` from its rows (the first is the header), and the number of cells read.

    Stops at the first row past MAX_ROWS or past `cells_left` cells, without reading the rest.
    """
    sheet = Sheet(name, [])
    header: list[str] = []
    cells = 0
    for number, values in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise _too_many_rows(name)
        cells += len(values)
        if cells > cells_left:
            raise _refused(
                _(
                    "More than %(cells)d cells; an import reads at most %(cells)d cells "
                    "(empty cells between filled ones included). Split the file."
                )
                % {"cells": MAX_CELLS},
                name,
            )
        if number == 1:
            header = [_clean_header(v) for v in values]
            sheet.header = [h for h in header if h]
        elif not all(_is_blank(v) for v in values):
            cells_by_column = {h: v for h, v in zip(header, values, strict=False) if h}
            sheet.rows.append(Row(number, cells_by_column))
    return sheet, cells


def _read_csv(data: bytes, name: str) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refused(_("The CSV file is not encoded in UTF-8."), name) from exc
    try:
        sheet, _cells = _read_rows(name, csv.reader(io.StringIO(text)), MAX_CELLS)
    except csv.Error as exc:
        raise _refused(_("The CSV file cannot be read."), name) from exc
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


def length_problem(text: str, max_length: int) -> str | None:
    """Why `text` does not fit a column of `max_length` characters, or None when it does."""
    if len(text) <= max_length:
        return None
    return _("at most %(max)d characters (this has %(length)d)") % {
        "max": max_length,
        "length": len(text),
    }


def cell_decimal(value: Any) -> Decimal | None:
    """A cell as a Decimal; None when blank; ValueError when it is not a number or has more than
    MAX_DIGITS digits (before or after the decimal point)."""
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
    if not number.is_zero():
        significant = "".join(str(d) for d in number.as_tuple().digits).strip("0")
        if number.adjusted() >= MAX_DIGITS or len(significant) > MAX_DIGITS:
            raise ValueError(value)
    return number


def cell_int(value: Any) -> int | None:
    """A cell as a whole number an IntegerField holds; None when blank; else ValueError."""
    number = cell_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value() or not INT_MIN <= number <= INT_MAX:
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


def _exportable(value: Any) -> Any:
    # A control character stored before text hygiene existed must not break the download.
    return printable(value) if isinstance(value, str) else value


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
        worksheet.append([_exportable(title) for title in header])
        for cell in worksheet[1]:
            cell.font = bold
            cell.fill = fill
        for row in rows:
            worksheet.append([_data_cell(worksheet, value) for value in row])
        for index, title in enumerate(header, start=1):
            letter = worksheet.cell(row=1, column=index).column_letter
            worksheet.column_dimensions[letter].width = max(10, min(40, len(str(title)) * 2 + 4))
        worksheet.freeze_panes = "A2"
    return workbook


def _data_cell(worksheet, value: Any) -> Any:
    """A value to append: text such as "=100" is data, never a formula (also guards against
    injection), so it goes in as a string cell. Built before appending: looking the row up
    afterwards (`worksheet.max_row`) walks every cell and made long exports quadratic."""
    value = _exportable(value)
    if isinstance(value, str) and value.startswith("="):
        cell = Cell(worksheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def workbook_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
