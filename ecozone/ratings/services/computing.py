"""Computing a campaign's results, in the background under a lease, and its state changes."""

from __future__ import annotations

import datetime
import time
from functools import partial

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ecozone.core.batch import collector_paused
from ecozone.core.flags import set_flag
from ecozone.ratings import engine
from ecozone.ratings.inputs import zone_inputs
from ecozone.ratings.models import (
    Campaign,
    ComputationJob,
    Reexamination,
)
from ecozone.ratings.readiness import zones_readiness
from ecozone.ratings.serialization import card_to_json, input_to_json
from ecozone.ratings.services.common import _record, _require_preparing, settings_of
from ecozone.ratings.states import (
    CAMPAIGN_TRANSITIONS,
    JobStatus,
)

# ---------------------------------------------------------------------------- computing


def compute_zones(zones: list[Reexamination], *, job: ComputationJob | None = None) -> int:
    """Compute and store each zone's score card from locked values (reading in bulk). Stored
    cards are written in the product's language, whoever asks and in whatever language."""
    with translation.override(django_settings.LANGUAGE_CODE):
        return _compute_zones(zones, job=job)


def _compute_zones(zones: list[Reexamination], *, job: ComputationJob | None) -> int:
    """A zone whose period is not all accepted, or whose Part B or feature items are not complete,
    is stored as incomplete: its card (for the province to review) without a total or a star class,
    with what is missing. Excluded zones are not computed."""
    zones = [zone for zone in zones if zone.excluded_at is None]
    if not zones:
        return 0
    campaign = zones[0].campaign
    _require_preparing(campaign)
    settings = settings_of(campaign.scheme)
    now = timezone.now()
    done = 0
    size = job_batch_size()
    for start in range(0, len(zones), size):
        chunk = zones[start : start + size]
        with collector_paused():
            inputs = zone_inputs(chunk, settings)
            ready = zones_readiness(chunk, experts_required=settings.experts_required)
            cards = engine.compute_all([inputs[zone.pk][0] for zone in chunk])
            for zone, card in zip(chunk, cards, strict=True):
                data, edition = inputs[zone.pk]
                zone.card = card_to_json(card)
                zone.inputs = input_to_json(
                    data,
                    edition=edition,
                    scheme_code=campaign.scheme.code,
                    scheme_settings=campaign.scheme.settings,
                )
                zone.missing = ready[zone.pk].problems()
                zone.computed_at = now
                zone.total, zone.stars = (None, None) if zone.missing else (card.total, card.stars)
        done += len(chunk)
        with transaction.atomic():
            _save_results(chunk)
            if job is not None:
                # In the same transaction: a worker that lost its lease writes nothing more.
                _heartbeat(job, done=done)
        if job is not None:
            _step_delay()
    if not campaign.zones.filter(computed_at__isnull=True, excluded_at__isnull=True).exists():
        transition_campaign(campaign, action="computed", by=job.created_by if job else None)
    return done


_RESULT_FIELDS = ("card", "inputs", "total", "stars", "computed_at", "missing")


def _save_results(zones: list[Reexamination]) -> None:
    """Store computed results: one UPDATE per zone, sent as one batch in one transaction.

    `bulk_update` would build a CASE expression over every row and field, which with cards of
    tens of kilobytes took longer than computing them (5.6 s of a 12 s job for 3,000 zones).
    The values are prepared by the model's own fields for the database in use."""
    fields = [Reexamination._meta.get_field(name) for name in _RESULT_FIELDS]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - quoted model names; values are parameters
        quote(Reexamination._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(Reexamination._meta.pk.column),
    )
    rows = [
        [f.get_db_prep_save(getattr(zone, f.attname), connection) for f in fields] + [zone.pk]
        for zone in zones
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


# Ledger kinds of the campaign's state changes (labels in states.HISTORY_LABELS).
_CAMPAIGN_EVENTS = {
    "computed": "campaign.computed",
    "publish": "campaign.published",
    "withdraw": "campaign.withdrawn",
}


def transition_campaign(
    campaign: Campaign, *, action: str, by=None, facts: dict | None = None
) -> Campaign:
    """The one function that changes a campaign's state; `facts` go into its ledger entry."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        target = CAMPAIGN_TRANSITIONS.get((campaign.status, action))
        if target is None:
            raise ValidationError(_("The campaign cannot do that now."))
        old, campaign.status = campaign.status, target
        if action == "publish":
            campaign.published_at = timezone.now()
        campaign.save()
        _record(
            campaign,
            kind=_CAMPAIGN_EVENTS[action],
            by=by,
            campaign=campaign.pk,
            **{"from": old, "to": target},
            **(facts or {}),
        )
    return campaign


def start_computation(
    campaign: Campaign, *, by, zone: Reexamination | None = None
) -> ComputationJob:
    """Queue a background computation of the campaign (or one zone); returns its progress row."""
    with transaction.atomic():
        # The campaign row is locked, as by publish_campaign: no job starts while it publishes.
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _require_preparing(campaign)
        # Two clicks (or two servers) must not compute the same zones twice at once.
        unfinished = ComputationJob.objects.filter(
            campaign=campaign, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
        )
        if zone is not None:
            unfinished = unfinished.filter(Q(zone=zone) | Q(zone__isnull=True))
        if unfinished.exists():
            raise ValidationError(
                _("A computation of this campaign is queued or running already; wait for it.")
            )
        if zone is not None and zone.excluded_at is not None:
            raise ValidationError(_("The zone is excluded from the campaign; include it first."))
        total = 1 if zone else campaign.zones.filter(excluded_at__isnull=True).count()
        job = ComputationJob.objects.create(
            campaign=campaign, zone=zone, total=total, created_by=by
        )
        transaction.on_commit(partial(_enqueue, job.pk))
    return job


def retry_job(job: ComputationJob, *, by) -> ComputationJob:
    """The province starts a failed computation again, as a new job of the same scope."""
    if job.status != JobStatus.FAILED:
        raise ValidationError(_("Only a failed computation can be retried."))
    return start_computation(job.campaign, by=by, zone=job.zone)


# Background jobs hold a lease that the worker renews after every batch (`_heartbeat`). A job
# whose lease ran out lost its worker (killed, out of memory, machine restarted): the next look at
# it (the progress poll, the campaign page, any worker starting a job) queues it again, up to
# MAX_ATTEMPTS runs, then marks it failed for the province to retry. The settings below are read
# with defaults; tests shorten them.
MAX_ATTEMPTS = 3
WORKER_SEEN_AT = "worker_seen_at"  # SiteFlag: when a worker last made progress (read by /healthz)


def job_lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=float(getattr(django_settings, "RATINGS_JOB_LEASE", 120)))


def job_batch_size() -> int:
    return int(getattr(django_settings, "RATINGS_JOB_BATCH", 500))


def _step_delay() -> None:
    # Tests only: the crash-recovery test kills a worker mid-job; the two-server test keeps a
    # job unfinished while both servers are asked to compute.
    delay = float(getattr(django_settings, "RATINGS_JOB_STEP_DELAY", 0))
    if delay:
        time.sleep(delay)


class LeaseLost(Exception):
    """The job was taken from this worker (its lease ran out); it must stop writing."""


def _enqueue(job_id: int) -> None:
    from ecozone.ratings.tasks import compute_campaign_task

    compute_campaign_task.enqueue(job_id)


def _claim(job_id: int) -> ComputationJob | None:
    """Take a queued job under a new lease, or None when it is not queued (done, failed, or
    running elsewhere: a late or repeated delivery of its task)."""
    now = timezone.now()
    with transaction.atomic():
        job = ComputationJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != JobStatus.QUEUED:
            return None
        job.status, job.attempts, job.error = JobStatus.RUNNING, job.attempts + 1, ""
        job.heartbeat_at, job.lease_until = now, now + job_lease()
        job.save(update_fields=["status", "attempts", "error", "heartbeat_at", "lease_until"])
        set_flag(WORKER_SEEN_AT, now.isoformat())
    return job


def _heartbeat(job: ComputationJob, *, done: int) -> None:
    now = timezone.now()
    renewed = ComputationJob.objects.filter(
        pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts
    ).update(done=done, heartbeat_at=now, lease_until=now + job_lease())
    if not renewed:
        raise LeaseLost
    set_flag(WORKER_SEEN_AT, now.isoformat())


def _finish(job: ComputationJob, *, status: str, error: str = "") -> None:
    ComputationJob.objects.filter(
        pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts
    ).update(status=status, error=error, finished_at=timezone.now(), lease_until=None)


def run_job(job_id: int) -> None:
    """Run a queued job under a lease: the body of `compute_campaign_task`."""
    recover_stale_jobs()
    job = _claim(job_id)
    if job is None:
        return
    try:
        zones = Reexamination.objects.filter(
            campaign=job.campaign, excluded_at__isnull=True
        ).select_related("campaign", "campaign__scheme", "designation__region__parent")
        if job.zone_id:
            zones = zones.filter(pk=job.zone_id)
        compute_zones(list(zones), job=job)
    except LeaseLost:
        return  # presumed dead and queued again: the new run owns the job now
    except Exception as exc:
        _finish(job, status=JobStatus.FAILED, error=str(exc))
        raise
    _finish(job, status=JobStatus.DONE)


def recover_stale_jobs(*, now: datetime.datetime | None = None) -> int:
    """Queue again (or, after MAX_ATTEMPTS runs, fail) every running job whose lease ran out.
    Cheap when there is none: called on every progress poll and whenever a worker starts a job."""
    now = now or timezone.now()
    stale = list(
        ComputationJob.objects.filter(status=JobStatus.RUNNING, lease_until__lt=now).values_list(
            "pk", flat=True
        )
    )
    recovered = 0
    for pk in stale:
        with transaction.atomic(), translation.override(django_settings.LANGUAGE_CODE):
            job = (
                ComputationJob.objects.select_for_update()
                .filter(pk=pk, status=JobStatus.RUNNING, lease_until__lt=now)
                .first()
            )
            if job is None:
                continue  # renewed or recovered meanwhile
            where = {"done": job.done, "total": job.total}
            if job.attempts < MAX_ATTEMPTS:
                job.status = JobStatus.QUEUED
                job.error = (
                    _(
                        "The background worker stopped at %(done)d/%(total)d; the computation is "
                        "queued again."
                    )
                    % where
                )
                transaction.on_commit(partial(_enqueue, job.pk))
            else:
                job.status, job.finished_at = JobStatus.FAILED, now
                job.error = _(
                    "The background worker stopped at %(done)d/%(total)d, %(n)d times; nothing "
                    "was published. Retry the computation."
                ) % {**where, "n": job.attempts}
            job.lease_until = None
            job.save(update_fields=["status", "error", "finished_at", "lease_until"])
            recovered += 1
    return recovered


def computation_problem(campaign: Campaign) -> str | None:
    """Why the campaign's results are not complete and final, or None."""
    jobs = ComputationJob.objects.filter(campaign=campaign)
    if jobs.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).exists():
        return _("A computation is still running; publish when it has finished.")
    for failed in jobs.filter(status=JobStatus.FAILED):
        # A failed job is made good by a later finished job covering what it covered.
        cover = Q(zone=None) if failed.zone_id is None else Q(zone=None) | Q(zone=failed.zone_id)
        if not jobs.filter(cover, pk__gt=failed.pk, status=JobStatus.DONE).exists():
            return _("A computation failed; retry it before publishing.")
    if campaign.zones.filter(computed_at__isnull=True, excluded_at__isnull=True).exists():
        return _("Some zones have no result yet; compute the campaign first.")
    return None
