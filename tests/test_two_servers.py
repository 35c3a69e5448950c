"""Several app servers behind one database: two gunicorn processes and two background workers
against one PostgreSQL. A campaign asked to compute on both servers at once is computed exactly
once, and a file uploaded through one server downloads through the other."""

from __future__ import annotations

import datetime
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ecozone.demo.services import load_accounts, load_reports, load_roster
from ecozone.indicators.models import IndicatorSystem
from ecozone.ratings.models import Campaign, ComputationJob, Reexamination
from ecozone.ratings.tests.test_campaigns import campaign_2024
from ecozone.regions.models import Region
from ecozone.reporting.models import AnnualReport, ReportingYear

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def cluster(tmp_path):
    """Two gunicorn servers and two db_workers on the test database; stopped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("the several-servers test runs on PostgreSQL (make test-postgres)")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.server_settings",
        "ECOZONE_SERVER_DB_NAME": connection.settings_dict["NAME"],
        "ECOZONE_MEDIA_ROOT": str(tmp_path / "media"),
        "ECOZONE_DEBUG": "1",
    }
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ] + [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.2",
                "-v",
                "0",
            ],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stderr=subprocess.PIPE,
        )
        for _worker in range(2)
    ]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base in bases:
            wait_for(lambda base=base: _answers(base), seconds=60, processes=processes)
        yield bases
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _answers(base: str) -> bool:
    try:
        return requests.get(f"{base}/accounts/login/", timeout=30).status_code == 200
    except (requests.ConnectionError, requests.Timeout):
        return False


def wait_for(condition, *, seconds: float, processes=()):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        for process in processes:
            if process.poll() is not None:
                raise AssertionError(f"a process exited: {process.stderr.read().decode()[-2000:]}")
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s")


def signed_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{base}/accounts/login/",
        {"username": username, "password": "ecozone-demo", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
    )
    assert answer.url.endswith("/accounts/todo/"), answer.text[-500:]
    return session


def post(session: requests.Session, base: str, path: str, data=None, files=None):
    token = session.cookies["csrftoken"]
    return session.post(
        f"{base}{path}",
        data={**(data or {}), "csrfmiddlewaretoken": token},
        files=files,
        headers={"Referer": f"{base}{path}"},
        timeout=30,
    )


def test_two_servers_compute_once_and_share_uploads(cluster):
    first, second = cluster
    with transaction.atomic():
        load_accounts()
        load_roster()
        load_reports(["330500", "330523", "330127"])
        from ecozone.accounts.models import User

        province = User.objects.get(username="province")
        campaign = campaign_2024(province)
        today = timezone.localdate()
        window = ReportingYear.objects.create(
            year=2024,
            opens_on=today,
            deadline=today + datetime.timedelta(days=20),
            locks_on=today + datetime.timedelta(days=40),
        )
        report = AnnualReport.objects.create(
            window=window,
            year=2024,
            region=Region.objects.get(code="330523"),
            system=IndicatorSystem.objects.get(code="N19"),
        )

    # The province asks both servers to compute the campaign at the same moment.
    sessions = [signed_in(first, "province"), signed_in(second, "province")]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                lambda pair: post(pair[0], pair[1], f"/ratings/{campaign.pk}/compute/"),
                zip(sessions, (first, second), strict=True),
            )
        )
    assert [a.status_code for a in answers] == [200, 200]
    assert ComputationJob.objects.filter(campaign=campaign).count() == 1
    wait_for(lambda: ComputationJob.objects.get(campaign=campaign).status == "done", seconds=120)
    job = ComputationJob.objects.get(campaign=campaign)
    assert (job.attempts, job.done, job.total) == (1, 2, 2)
    assert Campaign.objects.get(pk=campaign.pk).status == "computed"
    assert Reexamination.objects.filter(campaign=campaign, computed_at__isnull=True).count() == 0

    # A county uploads evidence through the first server and downloads it through the second.
    county = signed_in(first, "anji")
    saved = post(
        county,
        first,
        f"/reporting/{report.pk}/",
        {"version": "0", "codes": ["N19-03"], "v-N19-03-number": "25"},
    )
    assert saved.status_code == 200
    uploaded = post(
        county,
        first,
        f"/reporting/{report.pk}/evidence/",
        {"indicator": "N19-03"},
        files={"file-N19-03": ("考核办法.png", PNG, "image/png")},
    )
    assert uploaded.status_code == 200
    from ecozone.reporting.models import Evidence

    evidence = Evidence.objects.get(value__report=report)
    elsewhere = signed_in(second, "anji").get(f"{second}/reporting/evidence/{evidence.pk}/")
    assert (elsewhere.status_code, elsewhere.content) == (200, PNG)
    other_county = signed_in(second, "province")
    assert other_county.get(f"{second}/reporting/evidence/{evidence.pk}/").status_code == 200
