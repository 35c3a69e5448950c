"""The daily checkpoint, run by the background worker (`manage.py db_worker`).

The task makes a checkpoint when the last one is older than 24 hours, then queues itself again
24 hours later. `manage.py checkpoint --schedule` queues it when none is queued (idempotent);
`make run` calls it before starting the worker, and a production deployment runs it at every
start (README, "Signing key"). A queued run left over from before a stop runs as soon as a
worker is back, so a day without a worker costs at most one missed day.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from ecozone.reporting import checkpoints

DAY = timedelta(hours=24)


@task()
def daily_checkpoint_task() -> None:
    checkpoints.make_checkpoint_if_due(max_age=DAY)
    schedule_daily_checkpoint(after=DAY)


def _queued() -> bool:
    """Whether a run is waiting in the database queue already."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=daily_checkpoint_task.module_path, status=TaskResultStatus.READY
    ).exists()


def schedule_daily_checkpoint(*, after: timedelta = timedelta(0)) -> bool:
    """Queue the daily checkpoint `after` from now unless a run is queued; True if queued now.
    Backends that cannot defer a task (tests run tasks immediately) queue nothing."""
    backend = daily_checkpoint_task.get_backend()
    if not backend.supports_defer:
        return False
    if backend.__class__.__name__ == "DatabaseBackend" and _queued():
        return False
    daily_checkpoint_task.using(run_after=timezone.now() + after).enqueue()
    return True
