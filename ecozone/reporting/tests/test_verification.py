"""`verify_audit`: the chains, live values against their history, evidence against its digest."""

import hashlib
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from ecozone.accounts.models import User
from ecozone.core import ledger
from ecozone.core.models import LedgerEntry
from ecozone.demo.services import load_accounts, load_reports, load_roster
from ecozone.indicators.rules import fmt
from ecozone.reporting.department import DepartmentRow, supply_department_values
from ecozone.reporting.evidence import add_evidence
from ecozone.reporting.models import Evidence, ReportValue, ValueChange
from ecozone.reporting.verification import checkpoints_module, run_verification
from tests.tamper import tampering

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 evidence\n"


@pytest.fixture
def demo(db):
    load_accounts()
    load_roster()
    load_reports(["330500", "330523"])


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def verify(*args) -> tuple[str, CommandError | None]:
    """The command's output, and its error when it failed."""
    out = StringIO()
    try:
        call_command("verify_audit", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def anji_value(year: int = 2023, **filters) -> ReportValue:
    return (
        ReportValue.objects.filter(report__region__code="330523", report__year=year, **filters)
        .select_related("indicator")
        .order_by("indicator__position")
        .first()
    )


def test_clean_data_verifies_and_the_command_prints_the_counts(demo):
    out, error = verify()
    assert error is None
    lines = out.splitlines()
    assert lines[:4] == [
        f"value chain: {ValueChange.objects.count()} rows verified, no problem",
        f"ledger: {LedgerEntry.objects.count()} entries verified, no problem",
        f"live values: {ReportValue.objects.count()} values reconciled with their history, "
        "no problem",
        "evidence files: 0 files hashed again, no problem",
    ]
    checkpoints = ["signed checkpoints: no problem"] if checkpoints_module() else []
    assert lines[4:] == [*checkpoints, "verification passed: no problem found"]
    assert ReportValue.objects.count() > 300


def test_a_figure_edited_behind_the_applications_back_is_named(demo):
    value = anji_value(number__isnull=False)
    old = value.number
    ReportValue.objects.filter(pk=value.pk).update(number=old + 1)
    out, error = verify()
    problem = (
        f"安吉县 (330523) 2023 · {value.indicator.code} · number: "
        f"live {fmt(old + 1)}, history {fmt(old)}"
    )
    summary = f"live values: {ReportValue.objects.count()} values reconciled with their history"
    assert f"{summary}, 1 problem" in out.splitlines()
    assert f"  - {problem}" in out.splitlines()
    assert (str(error), error.returncode) == ("verification FAILED: 1 problem", 1)
    # both chains are intact: only the replay sees it
    result = run_verification()
    assert (result.value_chain.ok, result.ledger.ok, result.values.problems) == (
        True,
        True,
        [problem],
    )


def test_the_same_figure_written_with_more_decimals_is_not_a_difference(demo):
    value = anji_value(number__isnull=False)
    ReportValue.objects.filter(pk=value.pk).update(number=value.number + Decimal("0.0000"))
    assert run_verification().values.total == 0


def test_an_explanation_edited_in_the_database_is_named(demo):
    value = anji_value()
    ReportValue.objects.filter(pk=value.pk).update(explanation="数据已核实")
    shown = f"“{value.explanation}”" if value.explanation else "—"
    assert run_verification().values.problems == [
        f"安吉县 (330523) 2023 · {value.indicator.code} · explanation: "
        f"live “数据已核实”, history {shown}"
    ]


def test_a_department_figure_replays_from_its_history_and_an_edit_is_named(demo):
    dept = User.objects.get(username="dept")  # 浙江省生态环境厅
    rows = [DepartmentRow(2, "330523", "N19-07a", {"number": "90.1", "task": "是"})]
    assert supply_department_values(by=dept, year=2023, rows=rows) == 1
    assert run_verification().ok
    ReportValue.objects.filter(
        report__region__code="330523", report__year=2023, indicator__code="N19-07a"
    ).update(dept_number=Decimal("95"), dept_task=False)
    assert run_verification().values.problems == [
        "安吉县 (330523) 2023 · N19-07a · dept_number: live 95, history 90.1",
        "安吉县 (330523) 2023 · N19-07a · dept_task: live no, history yes",
    ]


def test_only_the_first_problems_are_named_with_the_total(demo):
    values = ReportValue.objects.filter(report__region__code="330523", number__isnull=False)
    changed = values.count()
    values.update(number=Decimal("-1"))
    result = run_verification(limit=3)
    assert (len(result.values.problems), result.values.total) == (3, changed)
    out, error = verify("--limit", "3")
    assert f"  … and {changed - 3} more" in out.splitlines()
    assert str(error) == f"verification FAILED: {changed} problems"


def test_a_ledger_entry_edited_is_named(demo):
    office = User.objects.get(username="province").organisation
    entry = ledger.append(kind="test.entry", obj=office, payload={"n": 1})
    with tampering():
        LedgerEntry.objects.filter(pk=entry.pk).update(payload={"n": 2})
    out, error = verify()
    assert f"  - ledger broken at entry {entry.pk}: its content does not match its hash" in (
        out.splitlines()
    )
    assert error is not None


def test_a_value_change_edited_is_named(demo):
    row = ValueChange.objects.order_by("pk")[5]
    with tampering():
        ValueChange.objects.filter(pk=row.pk).update(reason="改过")
    out, error = verify()
    assert f"  - value chain broken at row {row.pk}: its content does not match its hash" in (
        out.splitlines()
    )
    assert error is not None


# ----------------------------------------------------------------------------------- evidence


def upload(anji, users) -> Evidence:
    return add_evidence(
        anji,
        indicator_code="N19-05",
        upload=SimpleUploadedFile("监测报告.pdf", PDF),
        by=users["county"],
    )


def test_an_upload_stores_the_files_sha256(anji, users):
    evidence = upload(anji, users)
    evidence.refresh_from_db()
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert run_verification().evidence.checked == 1
    assert run_verification().evidence.ok


def test_an_evidence_file_replaced_on_disk_is_named(anji, users):
    evidence = upload(anji, users)
    with evidence.file.storage.open(evidence.file.name, "wb") as handle:
        handle.write(b"%PDF-1.4 another file\n")
    assert run_verification().evidence.problems == [
        f"evidence {evidence.pk} “监测报告.pdf” (安吉县 (330523) 2024 · N19-05): "
        f"the file {evidence.file.name} differs from its recorded SHA-256"
    ]
    out, error = verify()
    assert "evidence files: 1 files hashed again, 1 problem" in out.splitlines()
    assert error is not None


def test_a_missing_evidence_file_is_named(anji, users):
    evidence = upload(anji, users)
    evidence.file.storage.delete(evidence.file.name)
    assert run_verification().evidence.problems == [
        f"evidence {evidence.pk} “监测报告.pdf” (安吉县 (330523) 2024 · N19-05): "
        f"the file {evidence.file.name} is missing"
    ]


# -------------------------------------------------------------------------------- checkpoints


def test_a_checkpoint_file_that_does_not_hold_fails_the_verification(demo, tmp_path):
    saved = tmp_path / "checkpoint.json"
    saved.write_text("{}", encoding="utf-8")
    out, error = verify("--checkpoint", str(saved))
    lines = out.splitlines()
    assert lines[4:6] == [
        "signed checkpoints: 1 problem",
        "  - not a checkpoint: it needs the fields "
        + ", ".join(checkpoints_module().DOCUMENT_FIELDS)
        if checkpoints_module()
        else "  - This installation cannot check signed checkpoints.",
    ]
    assert str(error) == "verification FAILED: 1 problem"
