"""The only code that writes re-examination campaigns, their inputs, results and consequences."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal
from functools import partial

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ecozone.accounts.models import Role
from ecozone.core import ledger
from ecozone.core.batch import collector_paused
from ecozone.core.flags import set_flag
from ecozone.core.uploads import check_upload
from ecozone.designations.models import Designation
from ecozone.designations.services import change_designation_status, set_designation_stars
from ecozone.designations.states import DesignationStatus
from ecozone.ratings import engine
from ecozone.ratings.inputs import period_for, zone_inputs
from ecozone.ratings.integrity import enqueue_integrity_run
from ecozone.ratings.models import (
    Campaign,
    ComputationJob,
    ConsequenceCase,
    ExpertAssignment,
    FeatureItem,
    IntegrityRun,
    RecordedItem,
    Reexamination,
    Scheme,
)
from ecozone.ratings.serialization import card_to_json, input_to_json
from ecozone.ratings.states import (
    CAMPAIGN_TRANSITIONS,
    CampaignStatus,
    CaseKind,
    CaseStatus,
    ItemStatus,
    JobStatus,
    RecordKind,
    SchemeStatus,
)
from ecozone.reporting import checkpoints, conflicts
from ecozone.reporting.models import Checkpoint, ReportingYear


def settings_of(scheme: Scheme) -> engine.SchemeSettings:
    return engine.SchemeSettings.from_dict(scheme.settings)


def _record(campaign: Campaign, /, *, kind: str, by, **facts) -> None:
    """The re-examination's history: one ledger entry about the campaign per decision, in the
    caller's transaction (the campaign page reads them back by campaign). `facts` are plain
    JSON: ids, region codes, states, scores as text."""
    ledger.append(kind=f"ratings.{kind}", obj=campaign, payload=facts, by=by)


def _zone_facts(zone: Reexamination) -> dict:
    return {"zone": zone.pk, "region": zone.designation.region.code}


def publish_scheme(scheme: Scheme, *, by) -> Scheme:
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        if scheme.status != SchemeStatus.DRAFT:
            raise ValidationError(
                _("A published scheme cannot change; copy it into a new version.")
            )
        settings_of(scheme)  # refuses a malformed scheme
        scheme.status, scheme.published_at = SchemeStatus.PUBLISHED, timezone.now()
        scheme.save()
        ledger.append(
            kind="ratings.scheme.published",
            obj=scheme,
            payload={"scheme": scheme.code, "from": SchemeStatus.DRAFT, "to": scheme.status},
            by=by,
        )
    return scheme


def due_designations(*, year: int, scheme: Scheme, programme_code: str = "provincial"):
    """Live designations named, or last re-examined, at least `due_after_years` before `year`."""
    years = settings_of(scheme).due_after_years
    last = Max(
        "reexaminations__campaign__year",
        filter=Q(reexaminations__campaign__status=CampaignStatus.PUBLISHED),
    )
    return (
        Designation.objects.holding()
        .filter(programme__code=programme_code)
        .annotate(last_year=last)
        .filter(
            Q(last_year__isnull=True, named_on__year__lte=year - years)
            | Q(last_year__lte=year - years)
        )
        .select_related("region")
        .order_by("region__code")
    )


def create_campaign(*, year: int, title: str, scheme: Scheme, by, designations) -> Campaign:
    if scheme.status != SchemeStatus.PUBLISHED:
        raise ValidationError(_("A campaign pins a published scheme."))
    settings = settings_of(scheme)
    designations = list(designations)
    if not designations:
        raise ValidationError(_("No designation is due for re-examination."))
    first_year = ReportingYear.objects.aggregate(first=Min("year"))["first"]
    with transaction.atomic():
        campaign = Campaign.objects.create(year=year, title=title, scheme=scheme, created_by=by)
        Reexamination.objects.bulk_create(
            Reexamination(
                campaign=campaign,
                designation=d,
                period=period_for(
                    d,
                    campaign_year=year,
                    years=settings.period_years,
                    first_reporting_year=first_year,
                ),
            )
            for d in designations
        )
        _record(
            campaign,
            kind="campaign.created",
            by=by,
            campaign=campaign.pk,
            year=year,
            title=title,
            scheme=scheme.code,
            to=campaign.status,
            regions=[d.region.code for d in designations],
        )
    return campaign


def _require_preparing(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.PUBLISHED:
        raise ValidationError(_("The campaign is published; its inputs cannot change."))


# ---------------------------------------------------------------------------- conflicts of interest


def conflict_of_interest(expert, zone: Reexamination) -> str | None:
    """Why an expert may not assess this zone, or None (the rules of reporting.conflicts)."""
    return conflicts.conflict_of_interest(expert, zone.designation.region, zone.period)


def assign_expert(zone: Reexamination, *, expert, by) -> ExpertAssignment:
    _require_preparing(zone.campaign)
    if expert.role != Role.EXPERT:
        raise ValidationError(_("%(name)s is not an expert.") % {"name": expert})
    reason = conflict_of_interest(expert, zone)
    if reason:
        raise ValidationError(_("Conflict of interest: %(reason)s.") % {"reason": reason})
    with transaction.atomic():
        assignment, created = ExpertAssignment.objects.get_or_create(zone=zone, expert=expert)
        if not created:
            raise ValidationError(_("%(name)s is already assigned.") % {"name": expert})
        _record(
            zone.campaign,
            kind="expert.assigned",
            by=by,
            **_zone_facts(zone),
            assignment=assignment.pk,
            expert=expert.pk,
            expert_name=str(expert),
        )
    return assignment


def save_work_scores(
    assignment: ExpertAssignment, *, by, scores: dict[str, str], comment: str = "", submit: bool
) -> ExpertAssignment:
    """An expert's Part B scores; a draft can change, a submitted assessment cannot."""
    if by.pk != assignment.expert_id:
        raise PermissionDenied
    _require_preparing(assignment.zone.campaign)
    if assignment.submitted_at is not None:
        raise ValidationError(_("The scores were submitted and cannot change."))
    settings = settings_of(assignment.zone.campaign.scheme)
    items = {w.code: w for w in settings.work_items}
    clean = {}
    for code, item in items.items():
        text = (scores.get(code) or "").strip()
        if not text:
            if submit:
                raise ValidationError(
                    _("Score every sub-item before submitting: %(name)s.") % {"name": item.name}
                )
            continue
        try:
            value = Decimal(text)
        except ArithmeticError:
            raise ValidationError(
                _("%(name)s: “%(text)s” is not a number.") % {"name": item.name, "text": text}
            ) from None
        if (
            not value.is_finite()
            or not Decimal(0) <= value <= item.maximum
            or (value / settings.score_step) % 1
        ):
            raise ValidationError(
                _("%(name)s: a score is between 0 and %(max)s in steps of %(step)s.")
                % {"name": item.name, "max": item.maximum, "step": settings.score_step}
            )
        clean[code] = str(value)
    with transaction.atomic():
        assignment.scores, assignment.comment = clean, comment
        if submit:
            assignment.submitted_at = timezone.now()
        assignment.save()
        if submit:
            zone = assignment.zone
            _record(
                zone.campaign,
                kind="scores.submitted",
                by=by,
                **_zone_facts(zone),
                assignment=assignment.pk,
                expert=assignment.expert_id,
                scores=clean,
                comment=comment,
            )
    return assignment


def submit_feature(
    zone: Reexamination, *, by, title: str, description: str, points: Decimal, evidence=None
) -> FeatureItem:
    _require_preparing(zone.campaign)
    settings = settings_of(zone.campaign.scheme)
    if not settings.feature_min <= points <= settings.feature_max:
        raise ValidationError(
            _("A feature item is worth %(min)s to %(max)s points.")
            % {"min": settings.feature_min, "max": settings.feature_max}
        )
    item = FeatureItem(
        zone=zone, title=title, description=description, points=points, submitted_by=by
    )
    if evidence is not None:
        name, _type = check_upload(evidence)
        item.evidence.save(name, evidence, save=False)
    with transaction.atomic():
        item.save()
        _record(
            zone.campaign,
            kind="feature.submitted",
            by=by,
            **_zone_facts(zone),
            item=item.pk,
            title=title,
            points=str(points),
        )
    return item


def decide_feature(item: FeatureItem, *, by, approve: bool, reason: str) -> FeatureItem:
    _require_preparing(item.zone.campaign)
    if not approve and not reason.strip():
        raise ValidationError(_("A rejection needs a reason."))
    old = item.status
    item.status = ItemStatus.APPROVED if approve else ItemStatus.REJECTED
    item.decision_reason, item.decided_by = reason, by
    with transaction.atomic():
        item.save()
        _record(
            item.zone.campaign,
            kind="feature.approved" if approve else "feature.rejected",
            by=by,
            **_zone_facts(item.zone),
            item=item.pk,
            title=item.title,
            points=str(item.points),
            reason=reason,
            **{"from": old, "to": item.status},
        )
    return item


def record_item(
    zone: Reexamination, *, by, kind: str, code: str, note: str, evidence=None
) -> RecordedItem:
    _require_preparing(zone.campaign)
    settings = settings_of(zone.campaign.scheme)
    known = dict(settings.veto_items if kind == RecordKind.VETO else settings.bar_items)
    if code not in known:
        raise ValidationError(_("Unknown item “%(code)s” for this scheme.") % {"code": code})
    if not note.strip():
        raise ValidationError(_("Describe the evidence."))
    item = RecordedItem(zone=zone, kind=kind, code=code, note=note, recorded_by=by)
    if evidence is not None:
        name, _type = check_upload(evidence)
        item.evidence.save(name, evidence, save=False)
    with transaction.atomic():
        item.save()
        _record(
            zone.campaign,
            kind="item.recorded",
            by=by,
            **_zone_facts(zone),
            item=item.pk,
            item_kind=kind,
            code=code,
            note=note,
        )
    return item


# ---------------------------------------------------------------------------- computing


def compute_zones(zones: list[Reexamination], *, job: ComputationJob | None = None) -> int:
    """Compute and store each zone's score card from locked values (reading in bulk). Stored
    cards are written in the product's language, whoever asks and in whatever language."""
    with translation.override(django_settings.LANGUAGE_CODE):
        return _compute_zones(zones, job=job)


def _compute_zones(zones: list[Reexamination], *, job: ComputationJob | None) -> int:
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
                zone.total, zone.stars, zone.computed_at = card.total, card.stars, now
        done += len(chunk)
        with transaction.atomic():
            _save_results(chunk)
            if job is not None:
                # In the same transaction: a worker that lost its lease writes nothing more.
                _heartbeat(job, done=done)
        if job is not None:
            _step_delay()
    if not campaign.zones.filter(computed_at__isnull=True).exists():
        transition_campaign(campaign, action="computed", by=job.created_by if job else None)
    return done


_RESULT_FIELDS = ("card", "inputs", "total", "stars", "computed_at")


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
            kind="campaign.published" if action == "publish" else "campaign.computed",
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
        total = 1 if zone else campaign.zones.count()
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
        zones = Reexamination.objects.filter(campaign=job.campaign).select_related(
            "campaign", "campaign__scheme", "designation__region__parent"
        )
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
    if campaign.zones.filter(computed_at__isnull=True).exists():
        return _("Some zones have no result yet; compute the campaign first.")
    return None


# ------------------------------------------------------------------------ publishing, consequences


def publish_campaign(campaign: Campaign, *, by) -> Campaign:
    """Publish: stars on each designation, incentives, interview and delisting cases."""
    settings = settings_of(campaign.scheme)
    with transaction.atomic():
        # Locked first, as by start_computation: no job starts between the check and the end.
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        problem = computation_problem(locked)
        if problem:
            raise ValidationError(problem)
        zones = list(locked.zones.select_related("designation", "designation__region"))
        results = {
            zone.designation.region.code: {"total": str(zone.total), "stars": zone.stars}
            for zone in zones
        }
        campaign = transition_campaign(locked, action="publish", by=by, facts={"results": results})
        previous = _previous_results(campaign, [z.designation_id for z in zones])
        for zone in zones:
            designation = zone.designation
            reason = _("%(title)s: %(total)s points") % {
                "title": campaign.title,
                "total": zone.total,
            }
            set_designation_stars(designation, stars=zone.stars, by=by, reason=reason)
            if zone.stars != 0:
                continue
            interview = ConsequenceCase.objects.create(
                designation=designation,
                zone=zone,
                kind=CaseKind.INTERVIEW,
                due_on=timezone.localdate() + datetime.timedelta(days=settings.interview_due_days),
            )
            _record_case(interview, kind="case.opened", by=by, campaign=campaign, zone=zone)
            if designation.status == DesignationStatus.ACTIVE:
                change_designation_status(
                    designation,
                    to=DesignationStatus.WARNED,
                    by=by,
                    reason=_("rating revoked in %(title)s") % {"title": campaign.title},
                )
            if previous.get(designation.pk) == 0:
                delisting = ConsequenceCase.objects.create(
                    designation=designation, zone=zone, kind=CaseKind.DELISTING
                )
                _record_case(delisting, kind="case.opened", by=by, campaign=campaign, zone=zone)
        # Signed in the same transaction, covering what publishing wrote (decision 0012).
        checkpoints.make_checkpoint(Checkpoint.Reason.PUBLISHED, subject=campaign.title)
        # Once committed, the whole platform is verified again (ratings.integrity).
        transaction.on_commit(
            partial(enqueue_integrity_run, trigger=IntegrityRun.Trigger.PUBLISHED)
        )
    return campaign


def _record_case(
    case: ConsequenceCase, *, kind: str, by, campaign=None, zone=None, old: str = ""
) -> None:
    zone = zone or case.zone
    _record(
        campaign or zone.campaign,
        kind=kind,
        by=by,
        **_zone_facts(zone),
        case=case.pk,
        case_kind=case.kind,
        due_on=case.due_on.isoformat() if case.due_on else None,
        outcome=case.outcome,
        **{"from": old, "to": case.status},
    )


def _previous_results(campaign: Campaign, designation_ids) -> dict[int, int | None]:
    """Stars of each designation at its previous published re-examination."""
    result = {}
    earlier = (
        Reexamination.objects.filter(
            designation_id__in=designation_ids, campaign__status=CampaignStatus.PUBLISHED
        )
        .exclude(campaign=campaign)
        .filter(campaign__year__lt=campaign.year)
        .order_by("designation_id", "-campaign__year")
        .values_list("designation_id", "stars")
    )
    for designation_id, stars in earlier:
        result.setdefault(designation_id, stars)
    return result


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def close_interview(case: ConsequenceCase, *, by, outcome: str) -> ConsequenceCase:
    if case.kind != CaseKind.INTERVIEW or case.status != CaseStatus.OPEN:
        raise ValidationError(_("Only an open interview case can be closed."))
    if not outcome.strip():
        raise ValidationError(_("Record the outcome."))
    case.status, case.outcome, case.closed_at, case.closed_by = (
        CaseStatus.CLOSED,
        outcome,
        timezone.now(),
        by,
    )
    with transaction.atomic():
        case.save()
        _record_case(case, kind="case.closed", by=by, old=CaseStatus.OPEN)
    return case


def decide_delisting(case: ConsequenceCase, *, by, confirm: bool, outcome: str) -> ConsequenceCase:
    """Confirming delists the designation and bars re-application for the scheme's years."""
    if case.kind != CaseKind.DELISTING or case.status != CaseStatus.OPEN:
        raise ValidationError(_("Only an open delisting case can be decided."))
    if not outcome.strip():
        raise ValidationError(_("Record the reason."))
    settings = settings_of(case.zone.campaign.scheme)
    with transaction.atomic():
        case.status = CaseStatus.CONFIRMED if confirm else CaseStatus.DISMISSED
        case.outcome, case.closed_at, case.closed_by = outcome, timezone.now(), by
        if confirm:
            case.barred_until = years_after(timezone.localdate(), settings.reapply_bar_years)
            change_designation_status(
                case.designation, to=DesignationStatus.DELISTED, by=by, reason=outcome
            )
        case.save()
        _record_case(
            case,
            kind="case.confirmed" if confirm else "case.dismissed",
            by=by,
            old=CaseStatus.OPEN,
        )
    return case
