"""The audit chain, Excel imports and department feeds."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation
from openpyxl import load_workbook

from ecozone.core.tabular import ImportRejected
from ecozone.reporting import services
from ecozone.reporting.audit import verify_chain
from ecozone.reporting.department import DepartmentRow, supply_department_values
from ecozone.reporting.excel import import_values, template_for
from ecozone.reporting.models import ReportValue, ValueChange
from ecozone.reporting.tests.conftest import fill
from tests.tamper import tampering

pytestmark = pytest.mark.django_db


def test_the_chain_detects_a_row_edited_behind_the_applications_back(anji, users):
    fill(anji, users["county"])
    assert verify_chain().broken_at is None
    assert verify_chain().checked == 41
    victim = ValueChange.objects.filter(indicator_code="N19-05").get()
    with tampering(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reporting_valuechange SET changes = %s WHERE id = %s",
            ['{"number": [null, "99"]}', victim.pk],
        )
    report = verify_chain()
    assert (report.broken_at, report.problem) == (victim.pk, "content does not match its hash")
    out = io.StringIO()
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="verification FAILED: 2 problems"),
    ):
        call_command("verify_audit", stdout=out)
    # the rewritten row, and the live value that its rewritten history no longer explains
    assert [line for line in out.getvalue().splitlines() if line.startswith("  - ")] == [
        f"  - value chain broken at row {victim.pk}: its content does not match its hash",
        "  - 安吉县 (330523) 2024 · N19-05 · number: live 100, history 99",
    ]


def test_the_chain_detects_a_deleted_row(anji, users):
    fill(anji, users["county"])
    rows = list(ValueChange.objects.order_by("pk"))
    with tampering(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM reporting_valuechange WHERE id = %s", [rows[3].pk])
    report = verify_chain()
    assert (report.broken_at, report.problem) == (
        rows[4].pk,
        "previous_hash does not match the row before",
    )


def test_verify_audit_reports_an_intact_chain(anji, users, capsys):
    fill(anji, users["county"])
    with translation.override("en"):
        call_command("verify_audit")
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] + lines[-1:] == [
        "value chain: 41 rows verified, no problem",
        "ledger: 0 entries verified, no problem",
        "live values: 41 values reconciled with their history, no problem",
        "evidence files: 0 files hashed again, no problem",
        "verification passed: no problem found",
    ]


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name="values.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_a_filled_template_round_trips(anji, users):
    workbook = template_for([anji])
    sheet = workbook["填报"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(header, row, strict=True))
        if cells["指标代码"].value == "N19-03":
            cells["数值"].value = 25
        if cells["指标代码"].value == "N19-07a":
            cells["数值"].value = "93.2"
            cells["是否完成上级任务"].value = "是"
    changed = import_values(upload(workbook_bytes(workbook)), by=users["county"])
    assert changed == 2
    value = ReportValue.objects.get(report=anji, indicator__code="N19-07a")
    assert (str(value.number), value.task) == ("93.2000", True)
    assert ValueChange.objects.get(value=value).channel == "excel"


def template_rows(report):
    sheet = load_workbook(io.BytesIO(workbook_bytes(template_for([report]))))["填报"]
    return sheet


def test_an_import_with_any_bad_row_writes_nothing(anji, users):
    workbook = template_for([anji])
    sheet = workbook["填报"]
    sheet["I2"] = "很多"  # N19-01 is a state indicator: its 数值 cell is not read
    sheet["I4"] = "二十"  # N19-03: text in a number cell
    sheet["I6"] = "100"  # N19-05: valid
    sheet["A7"] = "999999"  # unknown region
    sheet["J8"] = "也许"  # N19-07a task: not 是/否
    with pytest.raises(ImportRejected) as caught:
        import_values(upload(workbook_bytes(workbook)), by=users["county"])
    assert [str(e) for e in caught.value.errors] == [
        "工作表“填报”，第 4 行，“数值”列：“二十”不是数字",
        "工作表“填报”，第 7 行，“行政区划代码”列：您的权限范围内没有行政区“999999”的 2024 年度报告",
        "工作表“填报”，第 8 行，“是否完成上级任务”列：请填写“是”或“否”",
    ]
    assert ReportValue.objects.filter(report=anji).count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件为空。"),
        (b"not a spreadsheet", "文件不是 Excel 工作簿（.xlsx）。"),
        (b"PK\x03\x04broken", "文件不是可读取的 Excel 工作簿（.xlsx）。"),
    ],
)
def test_an_import_refuses_files_that_are_not_workbooks(anji, users, content, message):
    with pytest.raises(ImportRejected) as caught:
        import_values(upload(content), by=users["county"])
    assert [e.message for e in caught.value.errors] == [message]


def test_an_import_refuses_wrong_columns(anji, users):
    workbook = template_for([anji])
    workbook["填报"].delete_cols(9)  # 数值
    with pytest.raises(ImportRejected) as caught:
        import_values(upload(workbook_bytes(workbook)), by=users["county"])
    assert [str(e) for e in caught.value.errors] == ["工作表“填报”，第 1 行，“数值”列：缺少该列。"]


def test_an_import_of_another_regions_report_is_refused(anji, users):
    with pytest.raises(ImportRejected) as caught:
        import_values(upload(workbook_bytes(template_for([anji]))), by=users["other_county"])
    assert {e.message for e in caught.value.errors} == {
        "您的权限范围内没有行政区“330523”的 2024 年度报告"
    }


def test_a_stale_template_is_refused(anji, users):
    content = workbook_bytes(template_for([anji]))
    fill(anji, users["county"])
    with pytest.raises(ImportRejected) as caught:
        import_values(upload(content), by=users["county"])
    assert caught.value.errors[0].message == (
        "下载此文件后报告已被修改（文件版本 0，当前版本 1）；请重新下载模板"
    )


def test_department_values_are_flagged_on_both_sides(anji, users):
    fill(anji, users["county"], **{"N19-07a": {"raw": {"number": "92.5"}}})
    dept = users["department"]  # 浙江省生态环境厅
    rows = [
        DepartmentRow(2, "330523", "N19-07a", {"number": "90.1", "task": "是"}),
        DepartmentRow(3, "330523", "N19-05", {"number": "100"}),
    ]
    assert supply_department_values(by=dept, year=2024, rows=rows) == 2
    mismatch = ReportValue.objects.get(report=anji, indicator__code="N19-07a")
    assert (mismatch.flags, str(mismatch.dept_number), mismatch.dept_organisation.name) == (
        ["dept_mismatch"],
        "90.1000",
        "浙江省生态环境厅",
    )
    assert ReportValue.objects.get(report=anji, indicator__code="N19-05").flags == []
    change = ValueChange.objects.get(value=mismatch, channel="department")
    assert change.changes == {"dept_number": [None, "90.1"], "dept_task": [None, True]}
    problems = services.submission_problems(anji)
    assert problems == ["N19-07a 环境空气质量：优良天数比例：与部门数据不一致 — 须填写说明"]


def test_a_department_supplies_only_its_own_indicators_and_atomically(anji, users):
    rows = [
        DepartmentRow(2, "330523", "N19-05", {"number": "100"}),
        DepartmentRow(3, "330523", "N19-04", {"state": "全面实施"}),  # 水利部门
        DepartmentRow(4, "339999", "N19-05", {"number": "100"}),
        DepartmentRow(5, "330523", "N19-07a", {"number": "abc"}),
    ]
    with pytest.raises(ImportRejected) as caught:
        supply_department_values(by=users["department"], year=2024, rows=rows)
    assert [str(e) for e in caught.value.errors] == [
        "工作表“部门数据”，第 3 行，“指标代码”列：N19-04 不由本部门提供（数据来源：水利部门）",
        "工作表“部门数据”，第 4 行，“行政区划代码”列：行政区划代码“339999”没有 2024 年度报告",
        "工作表“部门数据”，第 5 行，“数值”列：“abc”不是数字",
    ]
    assert not ReportValue.objects.filter(report=anji).exists()


def test_the_province_may_import_on_a_regions_behalf_under_its_own_name(anji, users):
    workbook = template_for([anji])
    workbook["填报"]["I4"] = 25  # N19-03
    assert import_values(upload(workbook_bytes(workbook)), by=users["province_admin"]) == 1
    change = ValueChange.objects.get()
    assert (change.by_name, change.channel) == ("province_admin", "excel")
    with pytest.raises(ImportRejected):  # other roles may not
        import_values(upload(workbook_bytes(template_for([anji]))), by=users["city"])
