"""The three levels around a zone's re-examination: the city pre-reviews its counties' feature
items before the province decides them, and the province assigns experts to many zones at once
(with a preview of the pairs assigned and refused)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecozone.accounts import permissions
from ecozone.accounts.models import Role
from ecozone.ratings import services
from ecozone.ratings.forms import BulkAssignForm, PrereviewForm
from ecozone.ratings.models import Campaign, FeatureItem
from ecozone.ratings.reviews import can_prereview_feature, city_features
from ecozone.ratings.states import CampaignStatus, CityReview

# ---------------------------------------------------------------------------- city pre-review


def _is_city(user) -> bool:
    return permissions.role_of(user) == Role.CITY and permissions.home_region(user) is not None


def _prereview_form(item: FeatureItem, data=None) -> PrereviewForm:
    initial = {"reason": item.city_reason}
    return PrereviewForm(data, prefix=f"item-{item.pk}", initial=initial)


def _render_city_features(request, bound: PrereviewForm | None = None, bound_item=None):
    items = list(city_features(request.user))
    for item in items:
        item.form = bound if bound_item == item.pk else _prereview_form(item)
    return render(
        request,
        "ratings/city_features.html",
        {
            "items": items,
            "waiting": sum(1 for item in items if item.city_status == CityReview.PENDING),
        },
    )


@login_required
def city_feature_list(request):
    """The city's counties' feature items not yet decided by the province, each with its form."""
    permissions.require(_is_city(request.user))
    return _render_city_features(request)


@login_required
@require_POST
def feature_prereview(request, pk: int):
    item = get_object_or_404(
        FeatureItem.objects.select_related("zone__campaign", "zone__designation__region"), pk=pk
    )
    if not permissions.can_view_region(request.user, item.zone.designation.region):
        raise Http404
    permissions.require(can_prereview_feature(request.user, item.zone))
    form = _prereview_form(item, request.POST)
    if form.is_valid():
        recommend = form.cleaned_data["decision"] == "recommend"
        try:
            services.prereview_feature(
                item, by=request.user, recommend=recommend, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("%(title)s: recommended to the province.") % {"title": item.title}
                if recommend
                else _("%(title)s: not recommended; the province sees the city's opinion.")
                % {"title": item.title},
            )
            return redirect("ratings:city_features")
    if not any(i.pk == item.pk for i in city_features(request.user)):
        # decided by the province meanwhile: no longer on the list
        messages.error(request, " ".join(form.non_field_errors()))
        return redirect("ratings:city_features")
    return _render_city_features(request, bound=form, bound_item=item.pk)


# ---------------------------------------------------------------------------- bulk assignment


@login_required
def bulk_assign(request, pk: int):
    """Choose experts and zones, preview the pairs assigned and refused, then confirm."""
    permissions.require(permissions.is_province_admin(request.user))
    campaign = get_object_or_404(Campaign.objects.select_related("scheme"), pk=pk)
    form = BulkAssignForm(request.POST or None, campaign=campaign)
    valid = refused = None
    if request.method == "POST" and form.is_valid():
        experts, zones = list(form.cleaned_data["experts"]), form.cleaned_data["selected"]
        if request.POST.get("confirm"):
            try:
                assigned, refused = services.assign_experts(
                    campaign, experts=experts, zones=zones, by=request.user
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("%(assigned)d assignments made, %(refused)d refused.")
                    % {"assigned": len(assigned), "refused": len(refused)},
                )
                return redirect("ratings:campaign", pk=pk)
        try:
            valid, refused = services.assignment_plan(campaign, experts=experts, zones=zones)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
    return render(
        request,
        "ratings/bulk_assign.html",
        {
            "campaign": campaign,
            "form": form,
            "valid": valid,
            "refused": refused,
            "open": campaign.status in (CampaignStatus.PREPARING, CampaignStatus.COMPUTED),
        },
    )
