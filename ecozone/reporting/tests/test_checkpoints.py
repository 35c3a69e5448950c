"""Signed checkpoints of the value chain and the ledger (issue 13, decision 0012)."""

import base64
import datetime
import hashlib
import json
import os

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ecozone.core import ledger, signing
from ecozone.core.models import SigningKey
from ecozone.demo.services import load_reports, load_roster
from ecozone.ratings.tests.test_campaigns import published_2024
from ecozone.reporting import audit, checkpoints, services
from ecozone.reporting.models import AnnualReport, AuditHead, Checkpoint, ValueChange
from ecozone.reporting.tasks import daily_checkpoint_task, schedule_daily_checkpoint
from ecozone.reporting.tests.conftest import fill
from tests.tamper import tampering

pytestmark = pytest.mark.django_db

FIELDS = [
    "values_length",
    "values_head",
    "ledger_length",
    "ledger_head",
    "signed_at",
    "signature",
    "key_id",
    "public_key",
]


@pytest.fixture
def deqing(window) -> AnnualReport:
    return AnnualReport.objects.get(region__code="330521", year=2024)


@pytest.fixture(autouse=True)
def signing_key(settings, tmp_path):
    settings.ECOZONE_SIGNING_KEY = str(tmp_path / "signing-key.pem")
    return tmp_path / "signing-key.pem"


def accept(report, users):
    fill(report, users["county"])
    services.submit_report(report, by=users["county"])
    services.city_accept_report(report, by=users["city"])
    return services.province_accept_report(report, by=users["province_admin"])


def saved(tmp_path, doc, name="checkpoint.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


def test_accepting_a_report_signs_a_checkpoint_covering_its_values(anji, users):
    accept(anji, users)
    checkpoint = Checkpoint.objects.get()
    head = AuditHead.objects.get()
    assert (checkpoint.reason, checkpoint.subject) == ("report_accepted", "安吉县 2024")
    assert (checkpoint.values_length, checkpoint.values_head) == (41, head.last_hash)
    assert (checkpoint.ledger_length, checkpoint.ledger_head) == ledger.head()
    assert checkpoints.check_signatures() == []


def test_publishing_a_campaign_signs_a_checkpoint_covering_the_ledger(users):
    load_roster()
    load_reports(["330500", "330502", "330503", "330521", "330522", "330523", "330127"])
    published_2024(users["province_admin"])
    checkpoint = Checkpoint.objects.get()
    assert (checkpoint.reason, checkpoint.subject) == ("campaign_published", "2024 复核")
    assert (checkpoint.ledger_length, checkpoint.ledger_head) == ledger.head()
    assert (checkpoint.values_length, checkpoint.values_head) == checkpoints.values_head()
    assert checkpoints.check_signatures() == []


def test_submitting_or_the_city_accepting_signs_no_checkpoint(anji, users):
    fill(anji, users["county"])
    services.submit_report(anji, by=users["county"])
    services.city_accept_report(anji, by=users["city"])
    assert Checkpoint.objects.count() == 0


def test_the_api_answers_the_latest_checkpoint_in_exactly_the_published_shape(client, anji, users):
    accept(anji, users)
    latest = checkpoints.make_checkpoint(Checkpoint.Reason.MANUAL)
    response = client.get("/api/v1/audit/checkpoint")
    assert response.status_code == 200
    answer = response.json()
    assert sorted(answer) == sorted(FIELDS)
    key = SigningKey.objects.get()
    assert answer == {
        "values_length": 41,
        "values_head": AuditHead.objects.get().last_hash,
        "ledger_length": latest.ledger_length,
        "ledger_head": latest.ledger_head,
        "signed_at": latest.signed_at.astimezone(datetime.UTC).isoformat(),
        "signature": latest.signature,
        "key_id": key.key_id,
        "public_key": key.public_key,
    }


def test_the_api_answers_404_before_any_checkpoint(client):
    response = client.get("/api/v1/audit/checkpoint")
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "尚未签署任何检查点。"},
    )


def test_the_signature_verifies_with_the_published_public_key(client, anji, users):
    accept(anji, users)
    answer = client.get("/api/v1/audit/checkpoint").json()
    public = base64.b64decode(answer["public_key"])
    assert answer["key_id"] == hashlib.sha256(public).hexdigest()[:16]
    message = json.dumps(
        {name: answer[name] for name in FIELDS if name not in ("signature", "public_key")},
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    key = Ed25519PublicKey.from_public_bytes(public)
    key.verify(base64.b64decode(answer["signature"]), message)  # raises if it does not verify
    with pytest.raises(InvalidSignature):
        key.verify(base64.b64decode(answer["signature"]), message.replace(b"41", b"42"))


def test_a_saved_checkpoint_of_an_intact_history_checks(tmp_path, anji, deqing, users):
    accept(anji, users)
    path = saved(tmp_path, client_document())
    fill(deqing, users["other_county"])  # changes after the checkpoint do not matter
    assert checkpoints.check_file(path) == []


def client_document() -> dict:
    return checkpoints.document(checkpoints.latest())


def rewrite(row_pk: int, changes: dict) -> None:
    """Edit one history row behind the application's back and recompute every hash after it, as
    someone with database access covering their tracks would."""
    rows = list(ValueChange.objects.order_by("pk"))
    previous = audit.GENESIS
    with tampering(), connection.cursor() as cursor:
        for row in rows:
            if row.pk == row_pk:
                row.changes = changes
            digest = audit.content_hash(row, previous)
            cursor.execute(
                "UPDATE reporting_valuechange SET changes = %s, previous_hash = %s, hash = %s "
                "WHERE id = %s",
                [json.dumps(row.changes), previous, digest, row.pk],
            )
            previous = digest
        cursor.execute("UPDATE reporting_audithead SET last_hash = %s", [previous])


def test_a_history_rewritten_before_a_saved_checkpoint_is_detected(tmp_path, anji, deqing, users):
    accept(anji, users)
    path = saved(tmp_path, client_document())
    fill(deqing, users["other_county"])
    victim = ValueChange.objects.filter(report=anji, indicator_code="N19-05").get()
    rewrite(victim.pk, {"number": [None, "12"]})
    assert audit.verify_chain().broken_at is None  # the chain alone no longer shows it
    head = ValueChange.objects.filter(report=anji).order_by("-pk").first().hash
    assert checkpoints.check_file(path) == [
        f"数值变更链在第 41 条处的哈希为 {head}，检查点记载为 "
        f"{json.loads(path.read_text())['values_head']}：此前的历史已被改写"
    ]
    checkpoint = Checkpoint.objects.get()
    signed_at = checkpoint.signed_at.astimezone(datetime.UTC).isoformat()
    assert checkpoints.check_signatures() == [
        f"检查点 #{checkpoint.pk}（{signed_at}）：数值变更链在第 41 条处的哈希为 {head}，"
        f"检查点记载为 {checkpoint.values_head}：此前的历史已被改写"
    ]


def test_a_shortened_history_is_detected(tmp_path, anji, users):
    accept(anji, users)
    path = saved(tmp_path, client_document())
    with tampering(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM reporting_valuechange WHERE id = %s",
            [ValueChange.objects.order_by("-pk").first().pk],
        )
    assert checkpoints.check_file(path) == ["数值变更链的条目少于检查点所覆盖的 41 条"]


def test_a_forged_checkpoint_is_detected(tmp_path, anji, users):
    accept(anji, users)
    doc = client_document()
    doc["values_length"] = 40
    doc["values_head"] = ValueChange.objects.order_by("pk")[39].hash
    assert checkpoints.check_file(saved(tmp_path, doc)) == ["签名验证未通过：检查点已被篡改或伪造"]


def test_a_checkpoint_signed_with_another_key_is_detected(tmp_path, anji, users, settings):
    accept(anji, users)
    doc = client_document()
    settings.ECOZONE_SIGNING_KEY = str(tmp_path / "forger.pem")
    signing.create_key(tmp_path / "forger.pem")
    forger_id, forger_public = signing.describe_key(tmp_path / "forger.pem")
    doc["values_length"], doc["key_id"], doc["public_key"] = 0, forger_id, forger_public
    doc["values_head"] = audit.GENESIS
    doc["signature"] = signing.private_key().sign(checkpoints.signed_text(doc))
    doc["signature"] = base64.b64encode(doc["signature"]).decode()
    assert checkpoints.check_file(saved(tmp_path, doc)) == [f"平台没有密钥 {forger_id} 的记录"]


def test_a_tampered_stored_signature_is_detected(anji, users):
    accept(anji, users)
    checkpoint = Checkpoint.objects.get()
    forged = base64.b64encode(bytes(64)).decode()
    Checkpoint.objects.filter(pk=checkpoint.pk).update(signature=forged, values_length=40)
    problems = checkpoints.check_signatures()
    assert problems[0].endswith("：签名验证未通过")
    assert len(problems) == 2  # and the head at length 40 is not the one it states


def test_check_file_names_a_file_that_is_not_a_checkpoint(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"values_length": 1}')
    assert checkpoints.check_file(path) == [
        "不是检查点：须包含字段 values_length, values_head, ledger_length, ledger_head, "
        "signed_at, key_id, signature, public_key"
    ]


def test_after_a_key_rotation_earlier_checkpoints_still_verify(anji, users, settings, tmp_path):
    first = checkpoints.make_checkpoint(Checkpoint.Reason.MANUAL)
    settings.ECOZONE_SIGNING_KEY = str(tmp_path / "second.pem")
    accept(anji, users)
    second = Checkpoint.objects.get(reason="report_accepted")
    assert first.key_id != second.key_id
    old, new = SigningKey.objects.order_by("first_used_at", "pk")
    assert (old.key_id, new.key_id) == (first.key_id, second.key_id)
    assert old.retired_at is not None and new.retired_at is None
    assert checkpoints.check_signatures() == []


def test_in_production_a_missing_key_is_a_clear_error_when_signing(settings, tmp_path):
    settings.DEBUG, settings.TESTING = False, False
    settings.ECOZONE_SIGNING_KEY = str(tmp_path / "absent.pem")
    with pytest.raises(signing.SigningKeyMissing, match=r"absent\.pem .* does not exist"):
        checkpoints.make_checkpoint(Checkpoint.Reason.MANUAL)
    settings.ECOZONE_SIGNING_KEY = ""
    with pytest.raises(signing.SigningKeyMissing, match="ECOZONE_SIGNING_KEY is not set"):
        checkpoints.make_checkpoint(Checkpoint.Reason.MANUAL)
    assert Checkpoint.objects.count() == 0


def test_the_daily_checkpoint_is_made_only_when_the_last_is_a_day_old():
    first = checkpoints.make_checkpoint_if_due()
    assert first is not None and first.reason == "daily"
    assert checkpoints.make_checkpoint_if_due() is None
    Checkpoint.objects.update(signed_at=timezone.now() - datetime.timedelta(hours=25))
    assert checkpoints.make_checkpoint_if_due() is not None
    assert Checkpoint.objects.count() == 2


def test_the_daily_task_queues_nothing_on_a_backend_that_runs_tasks_at_once():
    assert schedule_daily_checkpoint() is False


def test_the_daily_task_is_queued_once_and_queues_its_next_run_a_day_later(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert (schedule_daily_checkpoint(), schedule_daily_checkpoint()) == (True, False)
    assert DBTaskResult.objects.count() == 1
    DBTaskResult.objects.all().delete()  # as the worker takes it: no longer waiting
    daily_checkpoint_task.call()
    assert Checkpoint.objects.get().reason == "daily"
    queued = DBTaskResult.objects.get()
    wait = queued.run_after - timezone.now()
    assert (queued.status, 23 < wait.total_seconds() / 3600 <= 24) == ("READY", True)


def test_signing_key_create_writes_a_private_file_once(tmp_path, capsys):
    path = tmp_path / "new" / "key.pem"
    call_command("signing_key", "--create", "--path", str(path))
    key_id, public_key = signing.describe_key(path)
    assert capsys.readouterr().out == (
        f"created {path}\nkey id {key_id}, public key {public_key} ({path})\n"
    )
    assert os.stat(path).st_mode & 0o777 == 0o600
    content = path.read_bytes()
    call_command("signing_key", "--create", "--path", str(path))
    assert capsys.readouterr().out == f"key id {key_id}, public key {public_key} ({path})\n"
    assert path.read_bytes() == content


def test_the_checkpoint_command_signs_one_and_prints_it(capsys):
    call_command("checkpoint")
    assert json.loads(capsys.readouterr().out) == client_document()


# ---------------------------------------------------------------------------- public page


def test_the_public_page_shows_the_latest_checkpoint_and_how_to_check_it(client, anji, users):
    accept(anji, users)
    latest = client_document()
    page = client.get("/audit/").content.decode()
    assert latest["signature"] in page
    assert checkpoints.signed_text(latest).decode().replace('"', "&quot;") in page
    assert "manage.py verify_audit --checkpoint FILE" in page
    assert "报告审定 · 安吉县 2024" in page


def test_a_checkpoint_downloads_as_the_published_json(client, anji, users):
    accept(anji, users)
    checkpoint = Checkpoint.objects.get()
    response = client.get(f"/audit/{checkpoint.pk}.json")
    assert (
        response["Content-Disposition"] == f"attachment; filename=checkpoint-{checkpoint.pk}.json"
    )
    assert json.loads(response.content) == client_document()
    assert client.get(f"/audit/{checkpoint.pk + 1}.json").status_code == 404


def test_the_public_page_needs_no_sign_in_and_says_when_nothing_is_signed(client):
    response = client.get("/audit/")
    assert response.status_code == 200
    assert "尚未签署任何检查点。" in response.content.decode()


def test_the_public_page_takes_the_same_queries_for_many_checkpoints(
    client, django_assert_num_queries
):
    for _n in range(5):
        checkpoints.make_checkpoint(Checkpoint.Reason.MANUAL)
    with django_assert_num_queries(4):  # checkpoints, the latest one's key, site flags, the keys
        page = client.get("/audit/").content.decode()
    assert page.count("download>JSON</a>") == 5
