from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from ecozone.ratings.services import run_job

DAY = timedelta(hours=24)


@task()
def compute_campaign_task(job_id: int) -> None:
    """Compute a campaign's score cards in the background (`manage.py db_worker`)."""
    run_job(job_id)


@task()
def integrity_task(trigger: str) -> None:
    """The full platform verification, once: after a publication or on the province's request."""
    from ecozone.ratings.integrity import run_integrity

    run_integrity(trigger=trigger)


@task()
def nightly_integrity_task() -> None:
    """The full platform verification, then itself again 24 hours later (like
    reporting.tasks.daily_checkpoint_task; queued by `manage.py verify_platform --schedule`).
    A task of its own, so that a queued run-now does not look like the nightly one."""
    from ecozone.ratings.integrity import run_integrity
    from ecozone.ratings.models import IntegrityRun

    try:
        run_integrity(trigger=IntegrityRun.Trigger.NIGHTLY)
    finally:
        schedule_nightly_integrity(after=DAY)


def _queued() -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=nightly_integrity_task.module_path, status=TaskResultStatus.READY
    ).exists()


def schedule_nightly_integrity(*, after: timedelta = timedelta(0)) -> bool:
    """Queue the nightly verification `after` from now unless a run is queued; True if queued
    now. Backends that cannot defer a task (tests run tasks immediately) queue nothing."""
    backend = nightly_integrity_task.get_backend()
    if not backend.supports_defer:
        return False
    if backend.__class__.__name__ == "DatabaseBackend" and _queued():
        return False
    nightly_integrity_task.using(run_after=timezone.now() + after).enqueue()
    return True


@task()
def refresh_provisional_task() -> None:
    """Recompute the early warning for the scheme chosen when the task runs (queued by
    `warning.request_refresh` when the stored results are out of date)."""
    from ecozone.ratings.warning import refresh_chosen

    refresh_chosen()
