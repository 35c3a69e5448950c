"""Readiness before publishing (exclusion, the preview), publishing a campaign, withdrawing it,
and the consequences that follow (SPEC §7.2)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ecozone.designations.services import change_designation_status, set_designation_stars
from ecozone.designations.states import DesignationStatus
from ecozone.ratings.engine import SchemeSettings
from ecozone.ratings.integrity import enqueue_integrity_run
from ecozone.ratings.models import (
    Campaign,
    ConsequenceCase,
    Entitlement,
    IntegrityRun,
    Reexamination,
)
from ecozone.ratings.readiness import Readiness, zones_readiness
from ecozone.ratings.services.common import (
    _record,
    _require_preparing,
    _zone_facts,
    settings_of,
)
from ecozone.ratings.services.computing import computation_problem, transition_campaign
from ecozone.ratings.states import (
    CampaignStatus,
    CaseKind,
    CaseStatus,
    EntitlementStatus,
)
from ecozone.ratings.verify import changed_inputs
from ecozone.reporting import checkpoints
from ecozone.reporting.models import Checkpoint

STAR_CLASSES = (5, 4, 3, 0)

# ------------------------------------------------------------------------ excluding a zone


def exclude_zone(zone: Reexamination, *, by, reason: str) -> Reexamination:
    """The province leaves a zone out of the campaign: it gets no result and no consequence."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for excluding the zone."))
    with transaction.atomic():
        zone = Reexamination.objects.select_related("campaign", "designation__region").get(
            pk=zone.pk
        )
        _require_preparing(Campaign.objects.select_for_update().get(pk=zone.campaign_id))
        if zone.excluded_at is not None:
            raise ValidationError(_("The zone is excluded already."))
        zone.excluded_reason, zone.excluded_at, zone.excluded_by = reason, timezone.now(), by
        zone.total = zone.stars = None
        zone.save(update_fields=["excluded_reason", "excluded_at", "excluded_by", "total", "stars"])
        _record(zone.campaign, kind="zone.excluded", by=by, **_zone_facts(zone), reason=reason)
    return zone


def exclude_incomplete(campaign: Campaign, *, by, reason: str) -> int:
    """Exclude, with one reason, every zone the preview finds incomplete; returns how many."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for excluding the zone."))
    with transaction.atomic():
        _require_preparing(Campaign.objects.select_for_update().get(pk=campaign.pk))
        incomplete = [zone for zone, _problems in preview_publication(campaign).incomplete]
        if not incomplete:
            raise ValidationError(_("No zone is incomplete."))
        for zone in incomplete:
            exclude_zone(zone, by=by, reason=reason)
    return len(incomplete)


def include_zone(zone: Reexamination, *, by, reason: str) -> Reexamination:
    """Take an excluded zone back into the campaign; it must be computed again."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for including the zone again."))
    with transaction.atomic():
        zone = Reexamination.objects.select_related("campaign", "designation__region").get(
            pk=zone.pk
        )
        _require_preparing(Campaign.objects.select_for_update().get(pk=zone.campaign_id))
        if zone.excluded_at is None:
            raise ValidationError(_("The zone is not excluded."))
        zone.excluded_reason, zone.excluded_at, zone.excluded_by = "", None, None
        zone.computed_at, zone.missing = None, []
        zone.save(
            update_fields=[
                "excluded_reason",
                "excluded_at",
                "excluded_by",
                "computed_at",
                "missing",
            ]
        )
        _record(zone.campaign, kind="zone.included", by=by, **_zone_facts(zone), reason=reason)
    return zone


# ------------------------------------------------------------------------ the preview


@dataclass(frozen=True)
class ClassChange:
    zone: Reexamination
    before: int | None  # the star class at the zone's previous published re-examination
    after: int


@dataclass
class Preview:
    """What publishing the campaign now would do, and what keeps it from being published."""

    campaign: Campaign
    previous: Campaign | None
    counts: dict[int, int]
    previous_counts: dict[int, int]
    changes: list[ClassChange] = field(default_factory=list)
    interviews: int = 0
    delistings: int = 0
    warned: int = 0  # active titles that become warned
    restored: int = 0  # warned titles that become active again
    entitlements: int = 0
    excluded: int = 0
    incomplete: list[tuple[Reexamination, list[str]]] = field(default_factory=list)
    changed: list[Reexamination] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def can_publish(self) -> bool:
        return not self.problems

    def figures(self) -> str:
        """The figures the province confirms; publishing refuses when they no longer hold."""
        counts = ",".join(f"{s}:{self.counts[s]}" for s in STAR_CLASSES)
        return (
            f"{counts};interviews:{self.interviews};delistings:{self.delistings};"
            f"warned:{self.warned};restored:{self.restored};entitlements:{self.entitlements}"
        )


def _lowest_class(settings: SchemeSettings) -> int:
    return min(stars for stars, _minimum in settings.thresholds)


def _measures(settings: SchemeSettings, stars: int) -> tuple[str, ...]:
    return dict(settings.incentives).get(stars, ())


def _previous_campaign(campaign: Campaign) -> Campaign | None:
    return (
        Campaign.objects.filter(status=CampaignStatus.PUBLISHED, year__lt=campaign.year)
        .exclude(pk=campaign.pk)
        .order_by("-year", "-pk")
        .first()
    )


def _class_counts(stars) -> dict[int, int]:
    counted = Counter(s for s in stars if s is not None)
    return {s: counted.get(s, 0) for s in STAR_CLASSES}


def preview_publication(campaign: Campaign) -> Preview:
    """Counts by star class against the previous campaign, the zones that change class, and the
    consequences publishing will create; `problems` lists what must be solved first."""
    settings = settings_of(campaign.scheme)
    everyone = list(
        campaign.zones.select_related("campaign__scheme", "designation__region__parent")
    )
    zones = [z for z in everyone if z.excluded_at is None]
    previous = _previous_campaign(campaign)
    preview = Preview(
        campaign=campaign,
        previous=previous,
        counts=_class_counts(z.stars for z in zones),
        previous_counts=_class_counts(
            previous.zones.filter(excluded_at__isnull=True).values_list("stars", flat=True)
            if previous
            else []
        ),
        excluded=len(everyone) - len(zones),
    )
    # Until the results are computed and final, what they would do is not known yet.
    if problem := computation_problem(campaign):
        preview.problems.append(problem)
        return preview
    # (read again: the caller's object may predate the computation)
    status = Campaign.objects.values_list("status", flat=True).get(pk=campaign.pk)
    if status != CampaignStatus.COMPUTED:
        preview.problems.append(_("Only a computed campaign can be published."))
        return preview
    if not zones:
        preview.problems.append(_("Every zone is excluded: there is nothing to publish."))
    ready: dict[int, Readiness] = zones_readiness(zones, experts_required=settings.experts_required)
    for zone in zones:
        live = ready[zone.pk].problems()
        if live or zone.missing or zone.stars is None:
            preview.incomplete.append((zone, live or zone.missing))
    if preview.incomplete:
        preview.problems.append(
            ngettext(
                "%(n)d zone is incomplete: complete its inputs and compute it again, or exclude "
                "it with a reason.",
                "%(n)d zones are incomplete: complete their inputs and compute them again, or "
                "exclude them with a reason.",
                len(preview.incomplete),
            )
            % {"n": len(preview.incomplete)}
        )
    complete = [z for z in zones if z.stars is not None and not z.missing]
    preview.changed = changed_inputs(campaign, [z for z in complete if z.inputs])
    if preview.changed:
        preview.problems.append(
            ngettext(
                "The inputs of %(n)d zone changed after it was computed; compute it again.",
                "The inputs of %(n)d zones changed after they were computed; compute them again.",
                len(preview.changed),
            )
            % {"n": len(preview.changed)}
        )
    before = _previous_results(campaign, [z.designation_id for z in zones])
    lowest = _lowest_class(settings)
    for zone in complete:
        designation = zone.designation
        was = before.get(designation.pk)
        if was != zone.stars:
            preview.changes.append(ClassChange(zone, was, zone.stars))
        preview.entitlements += len(_measures(settings, zone.stars))
        if zone.stars == 0:
            preview.interviews += 1
            preview.warned += designation.status == DesignationStatus.ACTIVE
            preview.delistings += was == 0
        elif zone.stars >= lowest and designation.status == DesignationStatus.WARNED:
            preview.restored += 1
    return preview


# ------------------------------------------------------------------------ publishing


def publish_campaign(campaign: Campaign, *, by, figures: str | None = None) -> Campaign:
    """Publish: stars on each designation, incentive entitlements, interview and delisting cases,
    warned titles restored. Refused while any included zone is incomplete or changed since it was
    computed; with `figures` (from the preview the province confirmed), refused when they no
    longer hold."""
    settings = settings_of(campaign.scheme)
    with transaction.atomic():
        # Locked first, as by start_computation: no job starts between the check and the end.
        locked = Campaign.objects.select_for_update().select_related("scheme").get(pk=campaign.pk)
        preview = preview_publication(locked)
        if preview.problems:
            raise ValidationError(" ".join(preview.problems))
        if figures is not None and figures != preview.figures():
            raise ValidationError(
                _("The figures changed since the preview was shown; look at the preview again.")
            )
        zones = list(
            locked.zones.filter(excluded_at__isnull=True).select_related(
                "designation", "designation__region"
            )
        )
        results = {
            zone.designation.region.code: {"total": str(zone.total), "stars": zone.stars}
            for zone in zones
        }
        campaign = transition_campaign(
            locked,
            action="publish",
            by=by,
            facts={"results": results, "figures": preview.figures()},
        )
        previous = _previous_results(campaign, [z.designation_id for z in zones])
        lowest = _lowest_class(settings)
        for zone in zones:
            _publish_zone(zone, campaign, settings, by=by, previous=previous, lowest=lowest)
        # Signed in the same transaction, covering what publishing wrote (decision 0012).
        checkpoints.make_checkpoint(Checkpoint.Reason.PUBLISHED, subject=campaign.title)
        # Once committed, the whole platform is verified again (ratings.integrity).
        transaction.on_commit(
            partial(enqueue_integrity_run, trigger=IntegrityRun.Trigger.PUBLISHED)
        )
    return campaign


def _publish_zone(zone, campaign, settings: SchemeSettings, *, by, previous, lowest) -> None:
    designation = zone.designation
    zone.stars_before, zone.status_before = designation.stars, designation.status
    zone.save(update_fields=["stars_before", "status_before"])
    reason = _("%(title)s: %(total)s points") % {"title": campaign.title, "total": zone.total}
    set_designation_stars(designation, stars=zone.stars, by=by, reason=reason)
    measures = _measures(settings, zone.stars)
    Entitlement.objects.bulk_create(
        Entitlement(
            campaign=campaign,
            zone=zone,
            designation=designation,
            stars=zone.stars,
            measure=measure,
            first_year=campaign.year,
            last_year=campaign.year + settings.due_after_years - 1,
        )
        for measure in measures
    )
    if measures:
        _record(
            campaign,
            kind="entitlements.granted",
            by=by,
            **_zone_facts(zone),
            stars=zone.stars,
            measures=list(measures),
        )
    if zone.stars >= lowest and zone.stars != 0:
        if designation.status == DesignationStatus.WARNED:
            change_designation_status(
                designation,
                to=DesignationStatus.ACTIVE,
                by=by,
                reason=_("rated %(stars)d stars in %(title)s")
                % {"stars": zone.stars, "title": campaign.title},
            )
        return
    if zone.stars != 0:
        return
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


# ------------------------------------------------------------------------ withdrawing


def withdrawal_deadline(campaign: Campaign) -> datetime.datetime | None:
    """Until when the province may withdraw the published campaign (None when not published)."""
    if campaign.status != CampaignStatus.PUBLISHED or campaign.published_at is None:
        return None
    days = settings_of(campaign.scheme).withdraw_days
    return campaign.published_at + datetime.timedelta(days=days)


def withdraw_campaign(campaign: Campaign, *, by, reason: str) -> Campaign:
    """Withdraw a published campaign within the scheme's days: its results, consequence cases and
    entitlements are withdrawn and each designation's stars and status return to what they were
    before publishing. The history keeps both the publication and the withdrawal."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for the withdrawal."))
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().select_related("scheme").get(pk=campaign.pk)
        deadline = withdrawal_deadline(locked)
        if deadline is None:
            raise ValidationError(_("Only a published campaign can be withdrawn."))
        if timezone.now() > deadline:
            raise ValidationError(
                _("A campaign can be withdrawn until %(date)s; that time has passed.")
                % {"date": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")}
            )
        zones = list(
            locked.zones.filter(excluded_at__isnull=True).select_related("designation__region")
        )
        cases = list(ConsequenceCase.objects.filter(zone__campaign=locked))
        if any(c.status == CaseStatus.CONFIRMED for c in cases):
            raise ValidationError(
                _("A delisting following this campaign was confirmed; it cannot be withdrawn.")
            )
        later = Reexamination.objects.filter(
            designation_id__in=[z.designation_id for z in zones],
            campaign__status=CampaignStatus.PUBLISHED,
            campaign__published_at__gt=locked.published_at,
        ).exclude(campaign=locked)
        if later.exists():
            raise ValidationError(
                _("A later campaign was published for some of its zones; withdraw that one first.")
            )
        campaign = transition_campaign(locked, action="withdraw", by=by, facts={"reason": reason})
        campaign.withdrawn_at, campaign.withdrawn_by = timezone.now(), by
        campaign.withdraw_reason = reason
        campaign.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
        note = _("%(title)s withdrawn: %(reason)s") % {"title": campaign.title, "reason": reason}
        for zone in zones:
            designation = zone.designation
            if zone.status_before and designation.status != zone.status_before:
                change_designation_status(designation, to=zone.status_before, by=by, reason=note)
            set_designation_stars(designation, stars=zone.stars_before, by=by, reason=note)
        for case in cases:
            if case.status in (CaseStatus.OPEN, CaseStatus.CLOSED):
                old, case.status = case.status, CaseStatus.WITHDRAWN
                case.save(update_fields=["status"])
                _record_case(case, kind="case.withdrawn", by=by, campaign=campaign, old=old)
        Entitlement.objects.filter(campaign=campaign, status=EntitlementStatus.ACTIVE).update(
            status=EntitlementStatus.WITHDRAWN, withdrawn_at=timezone.now()
        )
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
            designation_id__in=designation_ids,
            campaign__status=CampaignStatus.PUBLISHED,
            stars__isnull=False,
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
