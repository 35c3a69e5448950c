"""Campaigns and their inputs: due zones, experts and their Part B scores, feature items,
recorded veto and bar-excellence items."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ecozone.accounts.models import Role
from ecozone.core.uploads import check_upload
from ecozone.designations.models import Designation
from ecozone.ratings.inputs import period_for
from ecozone.ratings.models import (
    Campaign,
    ExpertAssignment,
    FeatureItem,
    RecordedItem,
    Reexamination,
    Scheme,
)
from ecozone.ratings.services.common import _record, _require_preparing, _zone_facts, settings_of
from ecozone.ratings.states import (
    CampaignStatus,
    ItemStatus,
    RecordKind,
    SchemeStatus,
)
from ecozone.reporting import conflicts
from ecozone.reporting.models import ReportingYear


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
