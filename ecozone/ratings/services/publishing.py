"""Publishing a campaign and the consequences that follow."""

from __future__ import annotations

import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecozone.designations.services import change_designation_status, set_designation_stars
from ecozone.designations.states import DesignationStatus
from ecozone.ratings.integrity import enqueue_integrity_run
from ecozone.ratings.models import (
    Campaign,
    ConsequenceCase,
    IntegrityRun,
    Reexamination,
)
from ecozone.ratings.services.common import _record, _zone_facts, settings_of
from ecozone.ratings.services.computing import computation_problem, transition_campaign
from ecozone.ratings.states import (
    CampaignStatus,
    CaseKind,
    CaseStatus,
)
from ecozone.reporting import checkpoints
from ecozone.reporting.models import Checkpoint

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
