"""Uploads built to hurt: every one is refused with a message, and refused early."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from ecozone.accounts.excel import import_users
from ecozone.core.tabular import (
    ImportRejected,
    cell_date,
    cell_decimal,
    cell_int,
    read_table_file,
)
from ecozone.designations.excel import import_roster
from ecozone.indicators.excel import import_edition, read_mapping
from ecozone.regions.models import Region
from ecozone.regions.services import import_regions
from ecozone.reporting.excel import import_department_values, import_values, template_for
from ecozone.reporting.models import AnnualReport, ReportValue
from ecozone.reporting.services import open_reporting_year

COLUMNS = {"数据": ["代码"]}
ROW_LIMIT = "单个工作表超过 20000 行；每个工作表最多导入 20000 行（含空行）。请拆分文件。"
UNREADABLE = "文件不是可读取的 Excel 工作簿（.xlsx）。"


def xlsx(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "data.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def small_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    sheet.append(["代码"])
    sheet.append(["330523"])
    return xlsx(workbook)


def with_part(content: bytes, name: str, change) -> bytes:
    """The workbook `content` with its part `name` replaced by change(its bytes)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, change(data) if item.filename == name else data)
    return buffer.getvalue()


def refusal(content: bytes, columns=COLUMNS, **kwargs) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        read_table_file(upload(content), columns=columns, **kwargs)
    return [str(e) for e in caught.value.errors]


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """About 1.5 MB: 300,000 rows of one cell each, and no declared size. The workbook is
    openpyxl's (write-only mode); its rows are repeated as openpyxl writes them, because
    appending 300,000 rows one by one takes openpyxl some 20 seconds here."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("数据")
    sheet.append(["代码"])
    sheet.append([1])
    row = b'<row r="2"><c r="A2" t="n"><v>1</v></c></row>'
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="n"><v>1</v></c></row>' % (n, n) for n in range(2, 300_002)
    )
    content = with_part(xlsx(workbook), "xl/worksheets/sheet1.xml", lambda d: d.replace(row, rows))
    assert (
        zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").count(b"<row ")
        == 300_001
    )
    return content


def test_a_workbook_of_300000_rows_is_refused_at_the_row_limit(bomb):
    assert refusal(bomb) == [ROW_LIMIT]


def test_the_row_limit_stops_reading_before_the_rest_of_the_sheet(bomb):
    # The sheet is cut off half way: a reader that went on past the limit would meet the broken
    # XML and call the file unreadable instead.
    cut = with_part(bomb, "xl/worksheets/sheet1.xml", lambda data: data[: len(data) // 2])
    assert refusal(cut) == [ROW_LIMIT]


def test_empty_rows_count_towards_the_row_limit():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    sheet["A1"] = "代码"
    sheet["A2"] = "330523"
    sheet.cell(row=1_000_000, column=1, value="330521")
    assert refusal(xlsx(workbook)) == [f"工作表“数据”：{ROW_LIMIT}"]


def test_a_sheet_wider_than_the_cell_limit_is_refused():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    for row in range(1, 14):  # 13 rows × 16,384 columns > 200,000 cells
        sheet.cell(row=row, column=1, value="代码" if row == 1 else "330523")
        sheet.cell(row=row, column=16_384, value=1)
    assert refusal(xlsx(workbook)) == [
        "工作表“数据”：单元格超过 200000 个；一次导入最多读取 200000 个单元格"
        "（含夹在数据之间的空单元格）。请拆分文件。"
    ]


def test_a_workbook_with_too_many_sheets_is_refused():
    workbook = Workbook()
    workbook.active.title = "数据"
    for number in range(20):
        workbook.create_sheet(f"说明{number}")
    assert refusal(xlsx(workbook)) == ["工作簿的工作表超过 20 个；请只保留要导入的工作表。"]


def test_a_file_over_the_byte_limit_is_refused_unread(settings):
    settings.ECOZONE_IMPORT_MAX_BYTES = 1024
    big = upload(b"PK" + b"x" * 2000)
    with pytest.raises(ImportRejected) as caught:
        read_table_file(big, columns=COLUMNS)
    assert [str(e) for e in caught.value.errors] == ["文件超过 1 KB。"]
    assert big.file.tell() == 0


def test_a_file_of_unknown_size_is_read_no_further_than_the_limit(settings):
    settings.ECOZONE_IMPORT_MAX_BYTES = 1024
    stream = io.BytesIO(b"PK" + b"x" * 5000)
    with pytest.raises(ImportRejected) as caught:
        read_table_file(stream, columns=COLUMNS)
    assert [str(e) for e in caught.value.errors] == ["文件超过 1 KB。"]
    assert stream.tell() == 1025


def test_the_byte_limit_comes_from_the_settings(settings):
    settings.ECOZONE_IMPORT_MAX_BYTES = len(small_workbook()) - 1
    assert refusal(small_workbook()) == [
        f"文件超过 {settings.ECOZONE_IMPORT_MAX_BYTES / 1024:.3g} KB。"
    ]
    settings.ECOZONE_IMPORT_MAX_BYTES = len(small_workbook())
    sheets = read_table_file(upload(small_workbook()), columns=COLUMNS)
    assert [row.cells for row in sheets["数据"].rows] == [{"代码": "330523"}]


def test_a_zip_that_unpacks_too_far_is_refused():
    buffer = io.BytesIO(small_workbook())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (51 * 2**20))
    assert refusal(buffer.getvalue()) == ["工作簿解压后超过 50 MB；请拆分文件。"]


BROKEN = {
    "not a zip": b"PK\x03\x04broken",
    "broken sheet XML": with_part(
        small_workbook(), "xl/worksheets/sheet1.xml", lambda data: data[: len(data) - 40]
    ),
    "sheet XML that is not a sheet": with_part(
        small_workbook(), "xl/worksheets/sheet1.xml", lambda data: b"<worksheet><sheetData><row>"
    ),
    "bad [Content_Types].xml": with_part(
        small_workbook(), "[Content_Types].xml", lambda data: b"<Types"
    ),
    "no workbook part": with_part(small_workbook(), "xl/workbook.xml", lambda data: b""),
}


@pytest.mark.parametrize("content", BROKEN.values(), ids=BROKEN.keys())
def test_malformed_workbooks_are_refused(content):
    assert refusal(content) == [UNREADABLE]


def test_a_file_that_is_not_a_workbook_is_refused():
    assert refusal(b"hello") == ["文件不是 Excel 工作簿（.xlsx）。"]


def test_an_unreadable_csv_is_refused():
    assert refusal(b"\xff\xfe\x00", allow_csv=True) == ["工作表“数据”：CSV 文件不是 UTF-8 编码。"]


@pytest.mark.parametrize(
    "value", [10**20, 1e20, 2**31, -(2**31) - 1, "1e400", "12345678901234567890", 2.5]
)
def test_cell_int_refuses_what_a_whole_number_column_cannot_hold(value):
    with pytest.raises(ValueError):
        cell_int(value)


def test_cell_int_takes_the_extremes_of_the_column():
    assert [cell_int(2**31 - 1), cell_int(-(2**31)), cell_int("2,023"), cell_int(None)] == [
        2**31 - 1,
        -(2**31),
        2023,
        None,
    ]


@pytest.mark.parametrize(
    "value",
    ["1234567890123456789", "0.1234567890123456789", "1e18", "9e999999999", "NaN", "inf"],
)
def test_cell_decimal_refuses_more_than_18_digits(value):
    with pytest.raises(ValueError):
        cell_decimal(value)


def test_cell_decimal_takes_18_digits_and_float_noise():
    assert [
        cell_decimal("123456789012345678"),
        cell_decimal("0.123456789012345678"),
        cell_decimal(0.1 + 0.2),
        cell_decimal("0E+100"),
        cell_decimal("1.50000000000000000000000"),
    ] == [
        Decimal("123456789012345678"),
        Decimal("0.123456789012345678"),
        Decimal("0.30000000000000004"),
        Decimal(0),
        Decimal("1.5"),
    ]


@pytest.mark.parametrize("value", ["99999-01-01", "#VALUE!", 1e20, "2023-13-01"])
def test_cell_date_refuses_what_is_not_a_date(value):
    with pytest.raises(ValueError):
        cell_date(value)


# ------------------------------------------------------------------------------ every importer


@pytest.fixture
def anji(users) -> AnnualReport:
    today = timezone.localdate()
    open_reporting_year(
        by=users["province_admin"],
        year=2024,
        opens_on=today,
        deadline=today + datetime.timedelta(days=20),
        locks_on=today + datetime.timedelta(days=60),
        regions=Region.objects.filter(code="330523"),
    )
    return AnnualReport.objects.get(region__code="330523", year=2024)


def run_importer(name: str, file, users):
    by = users["province_admin"]
    match name:
        case "annual values":
            return import_values(file, by=users["county"])
        case "department feed":
            return import_department_values(file, by=users["department"], year=2024)
        case "catalogue":
            return import_edition(file, by=by)
        case "mapping":
            return read_mapping(file)
        case "regions":
            return import_regions(file, by=by, source="regions.xlsx")
        case "roster":
            return import_roster(file, by=by)
        case "users":
            return import_users(file, by=by)


# The sheets each importer reads.
IMPORTERS = {
    "annual values": ["填报"],
    "department feed": ["部门数据"],
    "catalogue": ["版本信息", "指标"],
    "mapping": ["对应关系"],
    "regions": ["行政区"],
    "roster": ["命名名单"],
    "users": ["用户"],
}


def broken_sheets(names: list[str]) -> bytes:
    """A workbook with the sheets `names`, each part cut off before its end."""
    workbook = Workbook()
    workbook.active.title = names[0]
    for name in names[1:]:
        workbook.create_sheet(name)
    for sheet in workbook.worksheets:
        sheet.append(["代码", "名称"])
        sheet.append(["330523", "安吉县"])
    content = xlsx(workbook)
    for number in range(1, len(names) + 1):
        content = with_part(
            content, f"xl/worksheets/sheet{number}.xml", lambda data: data[: len(data) - 40]
        )
    return content


WHOLE_FILE_BROKEN = ["not a zip", "bad [Content_Types].xml", "no workbook part"]


@pytest.mark.django_db
@pytest.mark.parametrize("importer", IMPORTERS)
@pytest.mark.parametrize("case", WHOLE_FILE_BROKEN)
def test_every_importer_refuses_a_malformed_workbook(importer, case, users):
    with pytest.raises(ImportRejected) as caught:
        run_importer(importer, upload(BROKEN[case]), users)
    assert [str(e) for e in caught.value.errors] == [UNREADABLE]


@pytest.mark.django_db
@pytest.mark.parametrize("importer", IMPORTERS)
def test_every_importer_refuses_broken_sheet_xml(importer, users):
    with pytest.raises(ImportRejected) as caught:
        run_importer(importer, upload(broken_sheets(IMPORTERS[importer])), users)
    assert [str(e) for e in caught.value.errors] == [UNREADABLE]


@pytest.mark.django_db
@pytest.mark.parametrize("importer", IMPORTERS)
def test_every_importer_applies_the_byte_limit(importer, users, settings):
    settings.ECOZONE_IMPORT_MAX_BYTES = 2**20
    with pytest.raises(ImportRejected) as caught:
        run_importer(importer, upload(b"PK" + b"x" * 2**20), users)
    assert [str(e) for e in caught.value.errors] == ["文件超过 1 MB。"]


def template_bytes(report, **cells) -> bytes:
    """The report's template with the given cells (such as I4="25") changed."""
    workbook = template_for([report])
    sheet = workbook["填报"]
    for coordinate, value in cells.items():
        sheet[coordinate] = value
    return xlsx(workbook)


@pytest.mark.django_db
def test_a_year_of_ten_to_the_twentieth_is_a_cell_error(anji, users):
    with pytest.raises(ImportRejected) as caught:
        import_values(upload(template_bytes(anji, C4=10**20)), by=users["county"])
    assert [str(e) for e in caught.value.errors] == [
        "工作表“填报”，第 4 行，“年份”列：年份应为整数，例如 2023"
    ]
    assert ReportValue.objects.filter(report=anji).count() == 0


@pytest.mark.django_db
def test_an_explanation_with_a_control_character_is_refused_naming_the_cell(anji, users):
    content = template_bytes(anji, I4="25", M4="说明\x7f")
    with pytest.raises(ImportRejected) as caught:
        import_values(upload(content), by=users["county"])
    assert [str(e) for e in caught.value.errors] == [
        "工作表“填报”，第 4 行，“说明”列：含有控制字符（U+007F），请删除后重试"
    ]
    assert ReportValue.objects.filter(report=anji).count() == 0
