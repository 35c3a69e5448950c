"""What /healthz checks: the database takes a write, background jobs are being served, and the
last platform verification passed."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ecozone.core.models import SiteFlag

# The background worker writes the time it was last alive here (ISO 8601): record_worker_seen().
WORKER_SEEN_AT = "worker_seen_at"
_PROBE = "healthz-probe"
# The outcome of the last platform verification, "ok" or "failing", written by whoever runs it
# (ratings.integrity) in the same transaction as its record: record_integrity().
INTEGRITY = "integrity"


def record_worker_seen(now: datetime.datetime | None = None) -> None:
    SiteFlag.objects.update_or_create(
        name=WORKER_SEEN_AT, defaults={"value": (now or timezone.now()).isoformat()}
    )


def database_writable() -> bool:
    """Write a row and roll it back: a read-only, full or locked database fails here."""
    try:
        with transaction.atomic():
            SiteFlag.objects.update_or_create(
                name=_PROBE, defaults={"value": timezone.now().isoformat()}
            )
            transaction.set_rollback(True)
    except DatabaseError:
        return False
    return True


def worker_seen_at() -> datetime.datetime | None:
    value = SiteFlag.objects.filter(name=WORKER_SEEN_AT).values_list("value", flat=True).first()
    try:
        return datetime.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def worker_state() -> tuple[str, datetime.datetime | None, int]:
    """("ok" | "idle" | "stale", when the worker was last seen, jobs waiting too long).

    "ok": seen within ECOZONE_HEALTH_WORKER_MAX_AGE seconds. Otherwise "stale" when a job has
    been waiting longer than that (nobody serves the queue), else "idle" (nothing is late).
    """
    now = timezone.now()
    max_age = datetime.timedelta(seconds=settings.ECOZONE_HEALTH_WORKER_MAX_AGE)
    seen = worker_seen_at()
    late = DBTaskResult.objects.ready().filter(enqueued_at__lte=now - max_age).count()
    if seen is not None and now - seen <= max_age:
        return "ok", seen, late
    return ("stale" if late else "idle"), seen, late


def record_integrity(*, ok: bool) -> None:
    SiteFlag.objects.update_or_create(name=INTEGRITY, defaults={"value": "ok" if ok else "failing"})


def integrity_state() -> str:
    """ "ok" | "failing" as the last verification found, "unknown" when none has finished."""
    value = SiteFlag.objects.filter(name=INTEGRITY).values_list("value", flat=True).first()
    return value if value in ("ok", "failing") else "unknown"
