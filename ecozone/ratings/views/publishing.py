"""Readiness before publishing: excluding a zone, the preview and the confirmed publication, and
the withdrawal of a published campaign (all for the province)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ecozone.accounts import permissions
from ecozone.ratings import services
from ecozone.ratings.forms import PublishForm, ReasonForm, WithdrawForm
from ecozone.ratings.models import Campaign, ConsequenceCase, Entitlement, Reexamination
from ecozone.ratings.states import CaseStatus, EntitlementStatus


def _admin(request) -> None:
    permissions.require(permissions.is_province_admin(request.user))


def _zone(pk: int) -> Reexamination:
    return get_object_or_404(
        Reexamination.objects.select_related("campaign__scheme", "designation__region"), pk=pk
    )


def _decide(request, form, action, success: str):
    """Run a service with the form's data; its refusal goes beside the form, input kept."""
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return False
    messages.success(request, success)
    return True


@login_required
def zone_exclude(request, pk: int):
    _admin(request)
    zone = _zone(pk)
    excluded = zone.excluded_at is not None
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = services.include_zone if excluded else services.exclude_zone
        done = _decide(
            request,
            form,
            lambda data: service(zone, by=request.user, reason=data["reason"]),
            _("The zone is included again; compute it.")
            if excluded
            else _("The zone is excluded from the campaign."),
        )
        if done:
            return redirect("ratings:campaign", pk=zone.campaign_id)
    return render(
        request, "ratings/zone_exclude.html", {"zone": zone, "form": form, "excluded": excluded}
    )


@login_required
def campaign_publish(request, pk: int):
    """The preview (GET) and the publication the province confirms with its figures (POST)."""
    _admin(request)
    campaign = get_object_or_404(Campaign.objects.select_related("scheme"), pk=pk)
    preview = services.preview_publication(campaign)
    form = PublishForm(request.POST or None, initial={"figures": preview.figures()})
    if request.method == "POST" and form.is_valid():
        done = _decide(
            request,
            form,
            lambda data: services.publish_campaign(
                campaign, by=request.user, figures=data["figures"]
            ),
            _("Published: stars, incentives and cases are updated."),
        )
        if done:
            return redirect("ratings:campaign", pk=pk)
        preview = services.preview_publication(campaign)
        form = PublishForm(
            initial={"figures": preview.figures()}, data={"figures": preview.figures()}
        )
        form.is_valid()
        form.add_error(None, _("Check the figures again before publishing."))
    return render(
        request,
        "ratings/publish.html",
        {"campaign": campaign, "preview": preview, "form": form},
    )


@login_required
@require_POST
def exclude_incomplete(request, pk: int):
    """Exclude every incomplete zone with one reason, from the preview."""
    _admin(request)
    campaign = get_object_or_404(Campaign.objects.select_related("scheme"), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for excluding the zones."))
        return redirect("ratings:publish", pk=pk)
    try:
        n = services.exclude_incomplete(
            campaign, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext("%(n)d incomplete zone excluded.", "%(n)d incomplete zones excluded.", n)
            % {"n": n},
        )
    return redirect("ratings:publish", pk=pk)


@login_required
def campaign_withdraw(request, pk: int):
    _admin(request)
    campaign = get_object_or_404(Campaign.objects.select_related("scheme"), pk=pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _decide(
            request,
            form,
            lambda data: services.withdraw_campaign(
                campaign, by=request.user, reason=data["reason"]
            ),
            _("The campaign is withdrawn; stars, cases and incentives are reverted."),
        )
        if done:
            return redirect("ratings:campaign", pk=pk)
    zones = campaign.zones.filter(excluded_at__isnull=True)
    return render(
        request,
        "ratings/withdraw.html",
        {
            "campaign": campaign,
            "form": form,
            "deadline": services.withdrawal_deadline(campaign),
            "zones": zones.count(),
            "cases": ConsequenceCase.objects.filter(
                zone__campaign=campaign, status__in=[CaseStatus.OPEN, CaseStatus.CLOSED]
            ).count(),
            "entitlements": Entitlement.objects.filter(
                campaign=campaign, status=EntitlementStatus.ACTIVE
            ).count(),
        },
    )
