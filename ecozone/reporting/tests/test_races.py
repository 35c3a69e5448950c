"""Concurrent writers of one report: one wins, every other is refused with the usual conflict
message (never a server error); and evidence follows the same lock as values."""

import io
import json
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client

from ecozone.reporting import services
from ecozone.reporting.audit import verify_chain
from ecozone.reporting.department import DepartmentRow, supply_department_values
from ecozone.reporting.evidence import add_evidence, remove_evidence
from ecozone.reporting.excel import template_for
from ecozone.reporting.models import AnnualReport, Evidence, ReportValue, ValueChange
from ecozone.reporting.tests.conftest import fill
from tests.shared_db import file_database

WRITERS = 6
STALE_FILE = "下载此文件后报告已被修改（文件版本 0，当前版本 1）；请重新下载模板"
STALE = "在您编辑期间，报告已被他人修改；本次内容未保存。"


@pytest.fixture
def report(transactional_db, tmp_path, request) -> AnnualReport:
    """安吉县 2024 in a database every thread opens as a real server's would (a file on SQLite)."""
    with file_database(tmp_path):
        yield request.getfixturevalue("anji")


def race(actions) -> list:
    """Run the actions at the same moment, one thread and one connection each; return what each
    returned or raised."""
    start = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(index: int) -> None:
        try:
            start.wait()
            outcomes[index] = actions[index]()
        except BaseException as exc:  # the outcome under test, whatever it is
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def workbook_with(report, number: int) -> bytes:
    workbook = template_for([report])
    sheet = workbook["填报"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(header, row, strict=True))
        if cells["指标代码"].value == "N19-03":
            cells["数值"].value = number
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_imports_of_one_report_let_one_win_and_refuse_the_others(report, users):
    files = [workbook_with(report, 20 + i) for i in range(WRITERS)]  # all read at version 0
    clients = [signed_in(users["county"]) for _ in range(WRITERS)]

    def importing(i: int):
        upload = io.BytesIO(files[i])
        upload.name = "values.xlsx"
        return clients[i].post("/reporting/import/", {"file": upload})

    responses = race([lambda i=i: importing(i) for i in range(WRITERS)])
    assert [getattr(r, "status_code", r) for r in responses].count(302) == 1
    losers = [r for r in responses if getattr(r, "status_code", None) != 302]
    assert [r.status_code for r in losers] == [200] * (WRITERS - 1)
    assert all(STALE_FILE in r.content.decode() for r in losers)
    report.refresh_from_db()
    assert report.version == 1
    assert ValueChange.objects.filter(report=report).count() == 1
    assert verify_chain().broken_at is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_api_writes_with_one_version_answer_one_200_and_409s(report, users):
    clients = [signed_in(users["county"]) for _ in range(WRITERS)]

    def patching(i: int):
        body = {"version": 0, "values": [{"code": "N19-03", "number": str(20 + i)}]}
        return clients[i].patch(
            f"/api/v1/reports/{report.pk}/values", json.dumps(body), content_type="application/json"
        )

    responses = race([lambda i=i: patching(i) for i in range(WRITERS)])
    codes = sorted(getattr(r, "status_code", repr(r)) for r in responses)
    assert codes == [200] + [409] * (WRITERS - 1)
    assert {r.json()["detail"] for r in responses if r.status_code == 409} == {STALE}
    assert verify_chain().broken_at is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_department_feeds_for_one_report_are_applied_one_after_another(report, users):
    department = users["department"]

    def feeding(i: int):
        rows = [DepartmentRow(2, "330523", "N19-05", {"number": str(90 + i)})]
        return supply_department_values(by=department, year=2024, rows=rows)

    assert race([lambda i=i: feeding(i) for i in range(WRITERS)]) == [1] * WRITERS
    value = ReportValue.objects.get(report=report, indicator__code="N19-05")
    changes = list(ValueChange.objects.filter(value=value).order_by("pk"))
    assert len(changes) == WRITERS
    # Each feed saw the one before it: the history is one unbroken sequence of values.
    assert [c.changes["dept_number"][0] for c in changes[1:]] == [
        c.changes["dept_number"][1] for c in changes[:-1]
    ]
    assert value.dept_number == Decimal(changes[-1].changes["dept_number"][1])
    assert verify_chain().broken_at is None


# ------------------------------------------------------------------------------------ evidence

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def png(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.mark.django_db
def test_evidence_of_a_locked_indicator_cannot_be_deleted(
    anji, users, client_as, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    county = users["county"]
    kept = add_evidence(anji, indicator_code="N19-03", upload=png("监测.png"), by=county)
    fill(anji, county)
    anji = services.submit_report(anji, by=county)
    anji = services.city_return_report(anji, by=users["city"], reasons={"N19-05": "请核实"})
    returned = add_evidence(anji, indicator_code="N19-05", upload=png("复核.png"), by=county)

    with pytest.raises(ValidationError) as refused:
        remove_evidence(kept, by=county)
    assert refused.value.messages == ["该指标未被退回，仍处于锁定状态。"]
    response = client_as("county").post(f"/reporting/evidence/{kept.pk}/delete/", follow=True)
    assert response.status_code == 200
    assert "该指标未被退回，仍处于锁定状态。" in response.content.decode()
    assert Evidence.objects.filter(pk=kept.pk).exists()
    assert kept.file.storage.exists(kept.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        remove_evidence(returned, by=county)
    assert not Evidence.objects.filter(pk=returned.pk).exists()
    assert not returned.file.storage.exists(returned.file.name)
    assert list(Evidence.objects.values_list("pk", flat=True)) == [kept.pk]
