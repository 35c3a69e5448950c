"""Background computations survive a dead worker, and nothing partial is ever published."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.utils import timezone

from ecozone.core.models import SiteFlag
from ecozone.demo.services import load_reports, load_roster
from ecozone.designations.models import Designation
from ecozone.ratings import services
from ecozone.ratings.models import Campaign, ComputationJob, Reexamination, Scheme
from tests.shared_db import file_database

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LATER = datetime.timedelta(hours=1)  # far beyond any lease: as if the worker died long ago


@pytest.fixture
def demo(db):
    load_roster()
    load_reports(["330500", "330502", "330503", "330521", "330522", "330523", "330127"])


def campaign_2024(admin) -> Campaign:
    scheme = Scheme.objects.get(code="default")
    due = services.due_designations(year=2024, scheme=scheme).filter(
        region__code__in=["330523", "330127"]
    )
    return services.create_campaign(
        year=2024, title="2024 复核", scheme=scheme, by=admin, designations=due
    )


def job_row(job) -> ComputationJob:
    return ComputationJob.objects.get(pk=job.pk)


def stars_of(campaign) -> dict[int, int | None]:
    return dict(
        Designation.objects.filter(reexaminations__campaign=campaign).values_list("pk", "stars")
    )


def die(job) -> ComputationJob:
    """A worker takes the job and dies before its first heartbeat."""
    assert services._claim(job.pk) is not None
    return job_row(job)


# --------------------------------------------------------------------------- leases, in process


def test_a_job_whose_worker_died_is_queued_again_and_then_completes(
    demo, users, django_capture_on_commit_callbacks
):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    with django_capture_on_commit_callbacks() as queued:
        job = services.start_computation(campaign, by=admin)
    assert len(queued) == 1  # the task, not run: no worker here
    die(job)
    assert services.recover_stale_jobs() == 0  # its lease still runs
    with django_capture_on_commit_callbacks(execute=True) as requeued:
        assert services.recover_stale_jobs(now=timezone.now() + LATER) == 1
    assert len(requeued) == 1  # queued again, and run by the immediate backend
    job = job_row(job)
    assert (job.status, job.attempts, job.done, job.total, job.error) == ("done", 2, 2, 2, "")
    assert job.lease_until is None
    assert Campaign.objects.get(pk=campaign.pk).status == "computed"
    assert SiteFlag.objects.filter(name=services.WORKER_SEEN_AT).exists()


def test_a_job_is_failed_after_its_last_attempt_and_the_province_may_retry_it(
    demo, users, client_as, django_capture_on_commit_callbacks
):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    with django_capture_on_commit_callbacks():
        job = services.start_computation(campaign, by=admin)
    for _attempt in range(services.MAX_ATTEMPTS):
        die(job)
        with django_capture_on_commit_callbacks():
            services.recover_stale_jobs(now=timezone.now() + LATER)
    job = job_row(job)
    assert (job.status, job.attempts, job.error) == (
        "failed",
        3,
        "后台任务进程在 0/2 处停止，已 3 次；未发布任何结果。请重新计算。",
    )
    with pytest.raises(ValidationError) as refused:
        services.publish_campaign(campaign, by=admin)
    assert refused.value.messages == ["有计算任务失败；请重新计算后再发布。"]

    page = client_as("province_admin").get(f"/ratings/jobs/{job.pk}/")
    assert 'data-status="failed"' in page.content.decode()
    assert f'action="/ratings/jobs/{job.pk}/retry/"' in page.content.decode()
    assert client_as("county").post(f"/ratings/jobs/{job.pk}/retry/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("province_admin").post(f"/ratings/jobs/{job.pk}/retry/")
    assert response.status_code == 302
    retried = ComputationJob.objects.exclude(pk=job.pk).get()
    assert (retried.status, retried.attempts, retried.done, retried.created_by) == (
        "done",
        1,
        2,
        admin,
    )
    assert services.computation_problem(campaign) is None  # the later job made it good
    with pytest.raises(ValidationError):
        services.retry_job(retried, by=admin)  # only a failed job


def test_the_progress_poll_notices_a_dead_worker(demo, users, client_as):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    job = services.start_computation(campaign, by=admin)  # autocommit off: not run
    die(job)
    ComputationJob.objects.filter(pk=job.pk).update(lease_until=timezone.now() - LATER)
    page = client_as("province_admin").get(f"/ratings/jobs/{job.pk}/").content.decode()
    assert 'data-status="queued"' in page
    assert "后台任务进程在 0/2 处停止；计算已重新排队。" in page
    assert client_as("county").get(f"/ratings/jobs/{job.pk}/").status_code == 403


def test_a_worker_that_lost_its_lease_writes_no_more_results(demo, users):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    job = services.start_computation(campaign, by=admin)
    old = services._claim(job.pk)
    services.recover_stale_jobs(now=timezone.now() + LATER)  # presumed dead, queued again
    zones = list(campaign.zones.select_related("campaign__scheme", "designation__region"))
    with pytest.raises(services.LeaseLost):
        services.compute_zones(zones, job=old)
    assert not Reexamination.objects.filter(computed_at__isnull=False).exists()
    assert job_row(job).status == "queued"
    services.run_job(job.pk)  # the next delivery of the task runs it
    services.run_job(job.pk)  # a repeated delivery does nothing
    assert (job_row(job).status, job_row(job).attempts) == ("done", 2)


def test_publishing_refuses_while_a_job_is_queued_or_running_or_results_are_missing(demo, users):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    zones = list(campaign.zones.select_related("campaign__scheme", "designation__region"))
    before = stars_of(campaign)
    services.compute_zones(zones)
    assert Campaign.objects.get(pk=campaign.pk).status == "computed"
    job = services.start_computation(campaign, by=admin, zone=zones[0])  # a recomputation
    with pytest.raises(ValidationError) as refused:
        services.publish_campaign(campaign, by=admin)
    assert refused.value.messages == ["计算仍在进行；请在完成后发布。"]
    services._claim(job.pk)
    with pytest.raises(ValidationError):
        services.publish_campaign(campaign, by=admin)
    services._finish(job_row(job), status="done")
    Reexamination.objects.filter(pk=zones[1].pk).update(computed_at=None)
    with pytest.raises(ValidationError) as refused:
        services.publish_campaign(campaign, by=admin)
    assert refused.value.messages == ["部分复核对象尚无结果；请先计算。"]
    assert Campaign.objects.get(pk=campaign.pk).status == "computed"
    assert stars_of(campaign) == before  # nothing was published


def test_a_failed_zone_job_is_made_good_by_a_later_run_of_that_zone(demo, users):
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    zones = list(campaign.zones.order_by("pk"))
    services.compute_zones(
        list(campaign.zones.select_related("campaign__scheme", "designation__region"))
    )
    failed = services.start_computation(campaign, by=admin, zone=zones[0])
    services._finish(services._claim(failed.pk), status="failed", error="boom")
    other = services.start_computation(campaign, by=admin, zone=zones[1])
    services.run_job(other.pk)
    assert services.computation_problem(campaign) == "有计算任务失败；请重新计算后再发布。"
    again = services.start_computation(campaign, by=admin, zone=zones[0])
    services.run_job(again.pk)
    assert services.computation_problem(campaign) is None


# ------------------------------------------------------------------- a real worker, killed


WORKER_OPTIONS = ["--no-reload", "--no-startup-delay", "--interval", "0.2", "-v", "0"]


def start_worker(database: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ecozone.ratings.tests.worker_settings",
        "ECOZONE_WORKER_DB_NAME": database,
    }
    return subprocess.Popen(  # noqa: S603 - this interpreter and manage.py, fixed arguments
        [sys.executable, "manage.py", "db_worker", *WORKER_OPTIONS],
        cwd=Path(django_settings.BASE_DIR),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(condition, *, seconds: float, worker: subprocess.Popen | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker is not None and worker.poll() is not None:
            raise AssertionError(f"the worker exited: {worker.stderr.read().decode()[-2000:]}")
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s")


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    with file_database(tmp_path) as name:
        yield name


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_workers_job_is_run_again_by_the_next_worker_and_nothing_is_published(
    shared_database, settings, users
):
    settings.TASKS = DB_QUEUE
    with transaction.atomic():  # as `load_demo` runs them
        load_roster()
        load_reports(["330500", "330523", "330127"])
    admin = users["province_admin"]
    campaign = campaign_2024(admin)
    before = stars_of(campaign)
    job = services.start_computation(campaign, by=admin)
    worker = start_worker(shared_database)
    try:
        wait_for(lambda: job_row(job).done >= 1, seconds=90, worker=worker)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    killed = job_row(job)
    assert (killed.status, killed.attempts, killed.done, killed.total) == ("running", 1, 1, 2)
    # Half computed and nothing final: the campaign is not computed and cannot be published.
    assert Campaign.objects.get(pk=campaign.pk).status == "preparing"
    with pytest.raises(ValidationError):
        services.publish_campaign(campaign, by=admin)

    # Once the lease runs out, the province's progress poll queues the job again ...
    wait_for(lambda: job_row(job).lease_until < timezone.now(), seconds=30)
    client = Client()
    client.force_login(admin)
    assert 'data-status="queued"' in client.get(f"/ratings/jobs/{job.pk}/").content.decode()
    # ... and the next worker runs it to the end.
    worker = start_worker(shared_database)
    try:
        wait_for(lambda: job_row(job).status == "done", seconds=90, worker=worker)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    done = job_row(job)
    assert (done.attempts, done.done, done.total, done.error) == (2, 2, 2, "")
    assert Campaign.objects.get(pk=campaign.pk).status == "computed"
    assert not Reexamination.objects.filter(campaign=campaign, computed_at=None).exists()
    assert SiteFlag.objects.filter(name=services.WORKER_SEEN_AT).exists()
    assert stars_of(campaign) == before  # nothing was published
    assert Campaign.objects.get(pk=campaign.pk).published_at is None
