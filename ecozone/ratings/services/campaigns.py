"""Campaigns and their inputs: due zones, experts and their Part B scores, feature items,
recorded veto and bar-excellence items."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ecozone.accounts.models import Role, User
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
from ecozone.ratings.reviews import can_prereview_feature, needs_city_review
from ecozone.ratings.services.common import _record, _require_preparing, _zone_facts, settings_of
from ecozone.ratings.states import (
    CampaignStatus,
    CityReview,
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


def _assignment_refusal(zone: Reexamination, expert, *, assigned: bool) -> str:
    """Why `expert` may not be assigned to `zone` (empty when they may): the checks of
    assign_expert, shared with the bulk assignment."""
    if expert.role != Role.EXPERT:
        return _("%(name)s is not an expert.") % {"name": expert}
    reason = conflict_of_interest(expert, zone)
    if reason:
        return _("Conflict of interest: %(reason)s.") % {"reason": reason}
    if assigned:
        return _("%(name)s is already assigned.") % {"name": expert}
    return ""


def assign_expert(zone: Reexamination, *, expert, by) -> ExpertAssignment:
    _require_preparing(zone.campaign)
    reason = _assignment_refusal(zone, expert, assigned=False)
    if reason:
        raise ValidationError(reason)
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


@dataclass(frozen=True)
class Pair:
    """An (expert, zone) pair of a bulk assignment; `reason` says why it is refused."""

    expert: User
    zone: Reexamination
    reason: str = ""


def assignment_plan(
    campaign: Campaign, *, experts: Iterable[User], zones: Iterable[Reexamination]
) -> tuple[list[Pair], list[Pair]]:
    """(the pairs that can be assigned, those refused with the reason), zone by zone: what
    assign_experts would do now (the preview shows it before the province confirms)."""
    experts, zones = list(experts), list(zones)
    for zone in zones:
        if zone.campaign_id != campaign.pk:
            raise ValidationError(
                _("%(region)s is not re-examined in this campaign.")
                % {"region": zone.designation.region.name}
            )
    taken = set(
        ExpertAssignment.objects.filter(zone__in=zones, expert__in=experts).values_list(
            "zone_id", "expert_id"
        )
    )
    valid, refused = [], []
    for zone in zones:
        for expert in experts:
            reason = _assignment_refusal(zone, expert, assigned=(zone.pk, expert.pk) in taken)
            (refused if reason else valid).append(Pair(expert, zone, reason))
    return valid, refused


def assign_experts(
    campaign: Campaign, *, experts: Iterable[User], zones: Iterable[Reexamination], by
) -> tuple[list[ExpertAssignment], list[Pair]]:
    """Assign each expert to each zone, in one transaction: every valid pair is written (one
    history entry each, as assign_expert does); the others are returned with the reason."""
    experts, zones = list(experts), list(zones)
    if not experts or not zones:
        raise ValidationError(_("Choose at least one expert and at least one zone."))
    try:
        with transaction.atomic():
            # read again under the lock: the caller's object may predate a publication
            _require_preparing(Campaign.objects.select_for_update().get(pk=campaign.pk))
            valid, refused = assignment_plan(campaign, experts=experts, zones=zones)
            assigned = []
            for pair in valid:
                assignment = ExpertAssignment.objects.create(zone=pair.zone, expert=pair.expert)
                _record(
                    campaign,
                    kind="expert.assigned",
                    by=by,
                    **_zone_facts(pair.zone),
                    assignment=assignment.pk,
                    expert=pair.expert.pk,
                    expert_name=str(pair.expert),
                )
                assigned.append(assignment)
    except IntegrityError:  # an assignment of one of the pairs was made meanwhile
        raise ValidationError(
            _("Experts were assigned meanwhile; preview the assignment again.")
        ) from None
    return assigned, refused


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


def prereview_feature(item: FeatureItem, *, by, recommend: bool, reason: str) -> FeatureItem:
    """The city's opinion on a county's feature item, before the province decides it. The city
    may change its opinion until the province has decided."""
    zone = item.zone
    if not can_prereview_feature(by, zone):
        raise PermissionDenied
    _require_preparing(zone.campaign)
    reason = reason.strip()
    if not recommend and not reason:
        raise ValidationError(_("Give the city's opinion when it does not recommend an item."))
    with transaction.atomic():
        current = FeatureItem.objects.select_for_update().get(pk=item.pk)
        if current.status != ItemStatus.PENDING:
            raise ValidationError(_("The province has already decided this item."))
        old = current.city_status
        item.city_status = CityReview.RECOMMENDED if recommend else CityReview.NOT_RECOMMENDED
        item.city_reason, item.city_by, item.city_at = reason, by, timezone.now()
        item.save(update_fields=["city_status", "city_reason", "city_by", "city_at"])
        _record(
            zone.campaign,
            kind="feature.recommended" if recommend else "feature.not_recommended",
            by=by,
            **_zone_facts(zone),
            item=item.pk,
            title=item.title,
            points=str(item.points),
            reason=reason,
            **{"from": old, "to": item.city_status},
        )
    return item


def decide_feature(item: FeatureItem, *, by, approve: bool, reason: str) -> FeatureItem:
    """The province's decision; a county's item only after its city's pre-review."""
    _require_preparing(item.zone.campaign)
    if not approve and not reason.strip():
        raise ValidationError(_("A rejection needs a reason."))
    with transaction.atomic():
        # Read under a lock: the city may be giving its opinion at this very moment.
        city_status = (
            FeatureItem.objects.select_for_update()
            .values_list("city_status", flat=True)
            .get(pk=item.pk)
        )
        if needs_city_review(item.zone) and city_status == CityReview.PENDING:
            raise ValidationError(
                _(
                    "%(city)s has not pre-reviewed this item yet: the province decides a "
                    "county's feature item after its city's opinion."
                )
                % {"city": item.zone.designation.region.parent.name}
            )
        old = item.status
        item.city_status = city_status
        item.status = ItemStatus.APPROVED if approve else ItemStatus.REJECTED
        item.decision_reason, item.decided_by = reason, by
        # Only the province's fields: the city's opinion stays as the lock read it.
        item.save(update_fields=["status", "decision_reason", "decided_by"])
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
