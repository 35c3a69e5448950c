"""Signed receipts for the filer (issue 13): issued at submission and acceptance, downloaded by
those who may view the report, checked on a page and by `manage.py verify_receipt`."""

import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ecozone.core.ledger import canonical
from ecozone.reporting import receipts, services
from ecozone.reporting.models import AuditHead, Receipt, ReportValue
from ecozone.reporting.tests.conftest import fill

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_key(settings, tmp_path):
    settings.ECOZONE_SIGNING_KEY = str(tmp_path / "signing-key.pem")


@pytest.fixture
def submitted(anji, users) -> Receipt:
    fill(anji, users["county"], **{"N19-03": {"raw": {"number": "25.50"}}})
    services.submit_report(anji, by=users["county"])
    return Receipt.objects.get()


def upload(doc) -> SimpleUploadedFile:
    return SimpleUploadedFile("receipt.json", json.dumps(doc).encode(), "application/json")


def behind_the_back(report, code: str, number: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reporting_reportvalue SET number = %s WHERE id = %s",
            [number, ReportValue.objects.get(report=report, indicator__code=code).pk],
        )


def test_submitting_issues_a_signed_receipt_of_the_report_as_submitted(submitted, anji):
    anji.refresh_from_db()
    doc = submitted.document
    assert submitted.moment == "submitted"
    assert doc["report"] == {
        "id": anji.pk,
        "region_code": "330523",
        "region": "安吉县",
        "year": 2024,
        "edition": "N19",
        "version": anji.version,
        "status": "submitted",
    }
    assert doc["chain"] == {"length": 41, "head": AuditHead.objects.get().last_hash}
    assert len(doc["values"]) == 41
    n03 = next(v for v in doc["values"] if v["code"] == "N19-03")
    assert n03 == {
        "code": "N19-03",
        "number": "25.5",
        "task": None,
        "yes": None,
        "state": "",
        "text": "",
        "explanation": "",
    }
    assert [v["code"] for v in doc["values"]] == sorted(v["code"] for v in doc["values"])
    assert doc["digest"] == hashlib.sha256(canonical(doc["values"]).encode()).hexdigest()


def test_the_receipt_signature_verifies_with_cryptography_directly(submitted):
    doc = dict(submitted.document)
    signature, public_key = doc.pop("signature"), doc.pop("public_key")
    message = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
    key.verify(base64.b64decode(signature), message.encode())  # raises if it does not verify


def test_accepting_issues_a_second_receipt(submitted, anji, users):
    services.city_accept_report(anji, by=users["city"])
    services.province_accept_report(anji, by=users["province_admin"])
    assert list(Receipt.objects.order_by("pk").values_list("moment", flat=True)) == [
        "submitted",
        "accepted",
    ]
    accepted = Receipt.objects.get(moment="accepted")
    assert accepted.document["report"]["status"] == "accepted"
    assert accepted.document["digest"] == submitted.document["digest"]


def test_a_receipt_issued_at_submission_verifies(submitted):
    check = receipts.check_receipt(submitted.document)
    assert (check.signature_valid, check.problems, check.differences, check.ok) == (
        True,
        [],
        [],
        True,
    )


def test_a_value_changed_behind_the_apps_back_is_named(submitted, anji):
    behind_the_back(anji, "N19-03", "30")
    check = receipts.check_receipt(submitted.document)
    assert (check.signature_valid, check.problems, check.ok) == (True, [], False)
    assert check.differences == [
        receipts.Difference("N19-03", "number", "25.5", "30", recorded=False)
    ]


def test_a_value_changed_through_the_platform_since_is_named_as_recorded(submitted, anji, users):
    services.city_return_report(anji, by=users["city"], reasons={"N19-03": "请核实"})
    fill(anji, users["county"], **{"N19-03": {"raw": {"number": "26"}}})
    check = receipts.check_receipt(submitted.document)
    assert check.differences == [
        receipts.Difference("N19-03", "number", "25.5", "26", recorded=True)
    ]


def test_an_altered_receipt_fails_its_signature(submitted):
    doc = json.loads(json.dumps(submitted.document))
    doc["values"][0]["explanation"] = "改过"
    doc["digest"] = receipts.digest(doc["values"])
    check = receipts.check_receipt(doc)
    assert check.signature_valid is False
    assert check.problems == ["签名验证未通过：回执已被篡改或伪造"]


def test_verify_receipt_command_says_a_matching_receipt_matches(submitted, tmp_path, capsys):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(submitted.document))
    call_command("verify_receipt", str(path))
    assert (
        capsys.readouterr().out
        == "signature: valid\nreceipt matches: 41 values as the receipt states\n"
    )


def test_verify_receipt_command_names_every_value_that_differs(submitted, anji, tmp_path, capsys):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(submitted.document))
    behind_the_back(anji, "N19-03", "30")
    with pytest.raises(
        CommandError, match="receipt does NOT match: 0 problems, 1 differing values"
    ):
        call_command("verify_receipt", str(path))
    assert capsys.readouterr().out == (
        "signature: valid\n"
        "differs: N19-03 number: receipt 25.5, now 30 (NOT in the value history)\n"
    )


# ---------------------------------------------------------------------------- pages


def test_the_report_page_lists_the_receipts_with_downloads(submitted, anji, client_as):
    page = client_as("county").get(f"/reporting/{anji.pk}/").content.decode()
    assert f'href="/reporting/receipts/{submitted.pk}.json"' in page
    assert f'href="/reporting/receipts/{submitted.pk}.pdf"' in page


def test_the_filer_and_the_city_download_the_receipt_json(submitted, client_as):
    for who in ("county", "city", "province_admin"):
        response = client_as(who).get(f"/reporting/receipts/{submitted.pk}.json")
        assert response["Content-Disposition"] == (
            f"attachment; filename=receipt-330523-2024-submitted-{submitted.pk}.json"
        )
        assert json.loads(response.content) == submitted.document


def test_the_receipt_pdf_downloads(submitted, client_as):
    response = client_as("county").get(f"/reporting/receipts/{submitted.pk}.pdf")
    assert (response["Content-Type"], response.content[:5]) == ("application/pdf", b"%PDF-")


@pytest.mark.parametrize("suffix", ["json", "pdf"])
def test_a_receipt_is_not_found_outside_the_reports_scope(submitted, client_as, client, suffix):
    url = f"/reporting/receipts/{submitted.pk}.{suffix}"
    assert client_as("other_county").get(url).status_code == 404
    assert client_as("other_city").get(url).status_code == 404
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page


def test_the_verify_page_checks_a_receipt_of_the_uploaders_scope(submitted, anji, client_as):
    behind_the_back(anji, "N19-03", "30")
    response = client_as("city").post(
        "/reporting/receipts/verify/", {"file": upload(submitted.document)}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "签名有效。" in page
    assert "平台数据与回执不一致。" in page
    assert "<td>N19-03</td><td>数值</td><td>25.5</td><td>30</td>" in page


def test_the_verify_page_says_an_intact_receipt_matches(submitted, client_as):
    response = client_as("county").post(
        "/reporting/receipts/verify/", {"file": upload(submitted.document)}
    )
    assert "平台数据与回执一致。" in response.content.decode()


def test_the_verify_page_refuses_a_receipt_of_a_report_outside_the_scope(submitted, client_as):
    response = client_as("other_county").post(
        "/reporting/receipts/verify/", {"file": upload(submitted.document)}
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert "该回执所属的报告不在您的管辖范围内。" in page
    assert "签名有效" not in page


def test_the_verify_page_refuses_a_file_that_is_not_json(client_as):
    response = client_as("county").post(
        "/reporting/receipts/verify/",
        {"file": SimpleUploadedFile("r.json", b"not json")},
    )
    assert response.status_code == 200
    assert "该文件不是 JSON 格式的回执。" in response.content.decode()


def test_the_verify_page_needs_a_sign_in(client):
    response = client.get("/reporting/receipts/verify/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/reporting/receipts/verify/",
    )
