from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecozone.accounts import permissions
from ecozone.accounts.permissions import home_region
from ecozone.core.feedback import attempt
from ecozone.core.pdf import pdf_response
from ecozone.ratings import basis, entitlement_queries, queries, services
from ecozone.ratings.forms import (
    AssignForm,
    CampaignForm,
    DecisionForm,
    FeatureForm,
    RecordForm,
)
from ecozone.ratings.models import (
    Campaign,
    ComputationJob,
    ExpertAssignment,
    FeatureItem,
    Reexamination,
)
from ecozone.ratings.readiness import campaign_readiness
from ecozone.ratings.states import CampaignStatus


def _admin(request) -> None:
    permissions.require(permissions.is_province_admin(request.user))


@login_required
def campaigns(request):
    permissions.require(
        permissions.can_list_regions(request.user) or permissions.is_expert(request.user)
    )
    visible = Campaign.objects.select_related("scheme")
    if not (permissions.is_province_admin(request.user) or permissions.is_department(request.user)):
        visible = visible.filter(status=CampaignStatus.PUBLISHED)
    assignments = ExpertAssignment.objects.filter(expert=request.user).select_related(
        "zone__designation__region", "zone__campaign"
    )
    return render(
        request,
        "ratings/campaigns.html",
        {
            "campaigns": visible,
            "assignments": assignments,
            "is_admin": permissions.is_province_admin(request.user),
        },
    )


@login_required
def campaign_new(request):
    _admin(request)
    form = CampaignForm(
        request.POST or None, initial={"scheme": "default", "programme": "provincial"}
    )
    due = None
    if form.is_valid():
        data = form.cleaned_data
        due = list(
            services.due_designations(
                year=data["year"], scheme=data["scheme"], programme_code=data["programme"].code
            )
        )
        if request.method == "POST" and request.POST.get("confirm"):
            try:
                campaign = services.create_campaign(
                    year=data["year"],
                    title=data["title"],
                    scheme=data["scheme"],
                    by=request.user,
                    designations=due,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Campaign created with %(n)d zones.") % {"n": len(due)})
                return redirect("ratings:campaign", pk=campaign.pk)
    return render(request, "ratings/campaign_new.html", {"form": form, "due": due})


@login_required
def campaign_detail(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("scheme"), pk=pk)
    zones = queries.results_for(request.user, campaign)
    if not zones.exists() and not permissions.is_province_admin(request.user):
        raise Http404
    stars = request.GET.get("stars", "")
    if stars.isdigit():
        zones = zones.filter(stars=int(stars))
    is_admin = permissions.is_province_admin(request.user)
    readiness = {}
    if is_admin:
        services.recover_stale_jobs()  # a job whose worker died shows as queued again or failed
        readiness = campaign_readiness(campaign)
    zones = list(zones)
    for zone in zones:
        zone.readiness = readiness.get(zone.pk)
    return render(
        request,
        "ratings/campaign.html",
        {
            "campaign": campaign,
            "zones": zones,
            "is_admin": permissions.is_province_admin(request.user),
            "job": campaign.jobs.first(),
            "counts": _star_counts(campaign),
            "ready": _ready_counts(campaign, readiness),
            "deadline": services.withdrawal_deadline(campaign),
            "stars": stars,
            # the decisions of every zone: for the province only
            "history": (
                queries.campaign_history(campaign)
                if permissions.is_province_admin(request.user)
                else []
            ),
        },
    )


def _star_counts(campaign):
    counts = {5: 0, 4: 0, 3: 0, 0: 0}
    for value in campaign.zones.exclude(stars=None).values_list("stars", flat=True):
        counts[value] = counts.get(value, 0) + 1
    return counts


def _ready_counts(campaign, readiness) -> dict[str, int]:
    """Zones ready for a result, not ready, and excluded (the province's view)."""
    complete = sum(r.complete for r in readiness.values())
    return {
        "complete": complete,
        "incomplete": len(readiness) - complete,
        "excluded": campaign.zones.filter(excluded_at__isnull=False).count() if readiness else 0,
    }


@login_required
@require_POST
def campaign_compute(request, pk: int):
    _admin(request)
    campaign = get_object_or_404(Campaign, pk=pk)
    attempt(request, lambda: services.start_computation(campaign, by=request.user))
    return redirect("ratings:campaign", pk=pk)


@login_required
def job_progress(request, pk: int):
    """htmx: the progress of a computation, polled every second while it runs; the poll also
    notices a worker that died (its lease ran out) and queues the job again or fails it."""
    _admin(request)
    services.recover_stale_jobs()
    job = get_object_or_404(ComputationJob, pk=pk)
    return render(request, "ratings/_job.html", {"job": job, "is_admin": True})


@login_required
@require_POST
def job_retry(request, pk: int):
    _admin(request)
    job = get_object_or_404(ComputationJob.objects.select_related("campaign", "zone"), pk=pk)
    attempt(
        request,
        lambda: services.retry_job(job, by=request.user),
        _("The computation is queued again."),
    )
    return redirect("ratings:campaign", pk=job.campaign_id)


def _zone(request, pk: int) -> Reexamination:
    zone = get_object_or_404(
        Reexamination.objects.select_related(
            "campaign__scheme", "designation__region__parent", "designation__programme"
        ),
        pk=pk,
    )
    if not queries.can_view_result(request.user, zone) and not _is_zone_filer(request.user, zone):
        raise Http404
    return zone


def _is_zone_filer(user, zone) -> bool:
    region = home_region(user)
    return region is not None and region.pk == zone.designation.region_id


@login_required
def zone_detail(request, pk: int):
    zone = _zone(request, pk)
    is_admin = permissions.is_province_admin(request.user)
    preparing = zone.campaign.status != CampaignStatus.PUBLISHED
    settings = services.settings_of(zone.campaign.scheme)
    show_card = _card_visible(request.user, zone)
    return render(
        request,
        "ratings/zone.html",
        {
            "zone": zone,
            "card": zone.card if show_card else None,
            "is_admin": is_admin,
            "preparing": preparing,
            "assignments": zone.assignments.select_related("expert__organisation")
            if is_admin
            else [],
            "features": zone.features.all(),
            "recorded": zone.recorded_items.all(),
            "assign_form": AssignForm(),
            "record_form": RecordForm(scheme_settings=settings),
            "feature_form": FeatureForm()
            if _is_zone_filer(request.user, zone) and preparing
            else None,
            "decision_form": DecisionForm(),
            "indicators": _card_rows(zone.card) if show_card else [],
            "entitlements": entitlement_queries.zone_entitlements(zone),
        },
    )


def _card_visible(user, zone: Reexamination) -> bool:
    """A computed card is seen by the province before publication, by everyone in scope after."""
    return bool(zone.card) and (
        zone.campaign.status == CampaignStatus.PUBLISHED
        or permissions.is_province_admin(user)
        or permissions.is_department(user)
    )


def _card_rows(card: dict) -> list[dict]:
    years = sorted({y for i in card.get("indicators", []) for y in i["years"]})
    rows = []
    for item in card.get("indicators", []):
        rows.append({**item, "cells": [item["years"].get(y) for y in years]})
    return rows


@login_required
@require_POST
def zone_assign(request, pk: int):
    _admin(request)
    zone = _zone(request, pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.assign_expert(
                zone, expert=form.cleaned_data["expert"], by=request.user
            ),
            _("Expert assigned."),
        )
    return redirect("ratings:zone", pk=pk)


@login_required
@require_POST
def zone_record(request, pk: int):
    _admin(request)
    zone = _zone(request, pk)
    form = RecordForm(
        request.POST, request.FILES, scheme_settings=services.settings_of(zone.campaign.scheme)
    )
    if form.is_valid():
        kind, code = form.cleaned_data["item"].split(":", 1)
        attempt(
            request,
            lambda: services.record_item(
                zone,
                by=request.user,
                kind=kind,
                code=code,
                note=form.cleaned_data["note"],
                evidence=form.cleaned_data["evidence"],
            ),
            _("Item recorded; recompute the zone to apply it."),
        )
    else:
        messages.error(request, _("Choose the item and describe the evidence."))
    return redirect("ratings:zone", pk=pk)


@login_required
@require_POST
def zone_recompute(request, pk: int):
    _admin(request)
    zone = _zone(request, pk)
    attempt(
        request,
        lambda: services.start_computation(zone.campaign, by=request.user, zone=zone),
        _("The zone is being recomputed."),
    )
    return redirect("ratings:zone", pk=pk)


@login_required
@require_POST
def zone_feature(request, pk: int):
    zone = _zone(request, pk)
    permissions.require(_is_zone_filer(request.user, zone))
    form = FeatureForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.submit_feature(
                zone,
                by=request.user,
                title=data["title"],
                description=data["description"],
                points=data["points"],
                evidence=data["evidence"],
            ),
            _("Feature item submitted to the province."),
        )
    else:
        messages.error(request, _("Fill in the title, description and points."))
    return redirect("ratings:zone", pk=pk)


@login_required
@require_POST
def feature_decide(request, pk: int, decision: str):
    _admin(request)
    item = get_object_or_404(FeatureItem.objects.select_related("zone__campaign"), pk=pk)
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    attempt(
        request,
        lambda: services.decide_feature(
            item, by=request.user, approve=decision == "approve", reason=reason
        ),
    )
    return redirect("ratings:zone", pk=item.zone_id)


@login_required
def assessment(request, pk: int):
    """An expert scores Part B; blind: only their own assignment and scores are shown."""
    assignment = get_object_or_404(
        ExpertAssignment.objects.select_related(
            "zone__campaign__scheme", "zone__designation__region"
        ),
        pk=pk,
        expert=request.user,
    )
    settings = services.settings_of(assignment.zone.campaign.scheme)
    if request.method == "POST":
        scores = {w.code: request.POST.get(f"score-{w.code}", "") for w in settings.work_items}
        saved = attempt(
            request,
            lambda: services.save_work_scores(
                assignment,
                by=request.user,
                scores=scores,
                comment=request.POST.get("comment", ""),
                submit="submit" in request.POST,
            ),
            _("Scores submitted.") if "submit" in request.POST else _("Draft saved."),
        )
        if saved:
            return redirect("ratings:assessment", pk=pk)
    items = [
        (w, assignment.scores.get(w.code, request.POST.get(f"score-{w.code}", "")))
        for w in settings.work_items
    ]
    zone = assignment.zone
    return render(
        request,
        "ratings/assessment.html",
        {
            "assignment": assignment,
            "items": items,
            "zone": zone,
            # the zone's basis for the scores (ratings.basis): never another expert's scores
            "indicators": basis.indicator_basis(zone, settings),
            "evidence": basis.zone_evidence(zone),
            "self_report": basis.self_report(zone),
        },
    )


@login_required
def simulator(request):
    example = (Path(__file__).parents[1] / "simulator_example.json").read_text(encoding="utf-8")
    return render(request, "ratings/simulator.html", {"example": example})


@login_required
def card_pdf(request, pk: int):
    zone = _zone(request, pk)
    if not _card_visible(request.user, zone):
        raise Http404
    return pdf_response(
        "ratings/card_pdf.html",
        {"zone": zone, "card": zone.card, "indicators": _card_rows(zone.card)},
        stylesheet="css/pdf.css",
        filename=f"scorecard-{zone.designation.region.code}-{zone.campaign.year}.pdf",
        request=request,
    )
