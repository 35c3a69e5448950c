"""Production readiness: /healthz tells the truth, and the documented environment deploys clean."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ecozone.core.health import WORKER_SEEN_AT, record_worker_seen
from ecozone.core.limits import client_address
from ecozone.core.models import SiteFlag

ROOT = Path(__file__).resolve().parents[3]


# --- /healthz ---


@pytest.mark.django_db
def test_healthz_answers_each_check_and_leaves_nothing_behind():
    response = Client().get("/healthz")
    assert (response.status_code, response.json()) == (
        200,
        {
            "status": "ok",
            "checks": {"database": "ok", "worker": "idle", "integrity": "unknown"},
            "worker_seen_at": None,
            "jobs_waiting": 0,
        },
    )
    assert not SiteFlag.objects.filter(name="healthz-probe").exists()


@pytest.fixture
def read_only_database(db):
    """The connection refuses every write, as a read-only or full database would."""
    if connection.vendor == "sqlite":
        on, off = "PRAGMA query_only = ON", "PRAGMA query_only = OFF"
    elif connection.vendor == "postgresql":
        on, off = (
            "SET default_transaction_read_only = on",
            "SET default_transaction_read_only = off",
        )
    else:
        pytest.skip(f"no read-only switch for {connection.vendor}")
    with connection.cursor() as cursor:
        cursor.execute(on)
    yield
    with connection.cursor() as cursor:
        cursor.execute(off)


# Serialized rollback: the flush after a transactional test would otherwise take the reference
# data (and recreate content types) under the transactional tests that run after this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_healthz_is_503_when_the_database_refuses_writes(read_only_database):
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert (response.json()["status"], response.json()["checks"]) == (
        "failing",
        {"database": "failing", "worker": "idle", "integrity": "unknown"},
    )


def waiting_job(minutes: int) -> DBTaskResult:
    job = DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="ecozone.ratings.tasks.compute_campaign_task",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now() - datetime.timedelta(minutes=minutes),
    )
    DBTaskResult.objects.filter(pk=job.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )
    return job


@pytest.mark.django_db
def test_a_job_waiting_with_no_worker_seen_is_503_only_when_the_worker_is_required(settings):
    waiting_job(minutes=10)
    response = Client().get("/healthz")
    assert (response.status_code, response.json()["checks"]["worker"]) == (200, "stale")
    assert response.json()["jobs_waiting"] == 1
    settings.ECOZONE_HEALTH_REQUIRE_WORKER = True
    response = Client().get("/healthz")
    assert (response.status_code, response.json()["status"]) == (503, "failing")


@pytest.mark.django_db
def test_a_worker_seen_within_the_age_is_ok(settings):
    settings.ECOZONE_HEALTH_REQUIRE_WORKER = True
    seen = timezone.now() - datetime.timedelta(seconds=299)
    record_worker_seen(seen)
    waiting_job(minutes=10)
    response = Client().get("/healthz")
    assert (response.status_code, response.json()["checks"]["worker"]) == (200, "ok")
    assert response.json()["worker_seen_at"] == seen.isoformat()
    SiteFlag.objects.filter(name=WORKER_SEEN_AT).update(
        value=(timezone.now() - datetime.timedelta(seconds=301)).isoformat()
    )
    assert Client().get("/healthz").status_code == 503


# --- the client's address ---


def test_the_client_address_is_the_peer_unless_behind_the_proxy(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5"
    )
    settings.ECOZONE_BEHIND_PROXY = False
    assert client_address(request) == "10.0.0.1"
    settings.ECOZONE_BEHIND_PROXY = True
    assert client_address(request) == "203.0.113.5"
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="x, <b>")
    assert client_address(garbage) == "10.0.0.1"


# --- manage.py check --deploy under the README's production environment ---

PRODUCTION_ENV = {
    "ECOZONE_DEBUG": "0",
    "ECOZONE_SECRET_KEY": "k7Qm2vX9pL4sR8tW1yZ6bN3cF5hJ0dG2aE7uI9oP4qS6wT8xVb",
    "ECOZONE_ALLOWED_HOSTS": "ecozone.example.gov.cn",
    "ECOZONE_CSRF_TRUSTED_ORIGINS": "https://ecozone.example.gov.cn",
    "ECOZONE_BEHIND_PROXY": "1",
    "ECOZONE_HSTS_PRELOAD": "1",
}


def check_deploy(tmp_path, **env) -> subprocess.CompletedProcess:
    key = tmp_path / "signing-key.pem"
    if not key.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        key.write_bytes(
            Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    env.setdefault("ECOZONE_SIGNING_KEY", str(key))
    clean = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ECOZONE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_under_the_documented_production_environment(tmp_path):
    assert len(PRODUCTION_ENV["ECOZONE_SECRET_KEY"]) == 50
    result = check_deploy(tmp_path, **PRODUCTION_ENV)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_check_deploy_warns_when_the_signing_key_is_missing(tmp_path):
    result = check_deploy(tmp_path, **PRODUCTION_ENV, ECOZONE_SIGNING_KEY=str(tmp_path / "none"))
    assert result.returncode == 1
    assert "ecozone.W001" in result.stderr


def test_check_deploy_warns_when_https_is_switched_off(tmp_path):
    result = check_deploy(
        tmp_path, **PRODUCTION_ENV, ECOZONE_SSL_REDIRECT="0", ECOZONE_HSTS_SECONDS="0"
    )
    assert result.returncode == 1
    assert "security.W004" in result.stderr
    assert "security.W008" in result.stderr
