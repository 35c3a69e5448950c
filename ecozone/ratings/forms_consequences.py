"""Forms of the consequences of a published result: the incentive list's filters, the decision
on a delisting case."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ecozone.accounts import permissions
from ecozone.core.forms import StyledFormMixin
from ecozone.ratings.entitlement_queries import ENTITLED_CLASSES
from ecozone.ratings.models import Campaign
from ecozone.ratings.states import CampaignStatus, EntitlementStatus
from ecozone.regions.models import Level, Region

ALL_STATUSES = "all"


class IncentiveFilterForm(StyledFormMixin, forms.Form):
    """Filters of the incentive list; without a status it shows the entitlements in force."""

    compact = True
    campaign = forms.ModelChoiceField(
        label=_("campaign"),
        queryset=Campaign.objects.filter(
            status__in=[CampaignStatus.PUBLISHED, CampaignStatus.WITHDRAWN]
        ),
        required=False,
        empty_label=_("all campaigns"),
    )
    stars = forms.TypedChoiceField(
        label=_("star class"),
        choices=[("", _("all star classes")), *((s, f"{s}★") for s in ENTITLED_CLASSES)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    city = forms.ModelChoiceField(
        label=_("city"),
        queryset=Region.objects.filter(level=Level.CITY),
        to_field_name="code",
        required=False,
        empty_label=_("all cities"),
    )
    status = forms.ChoiceField(
        label=_("status"),
        choices=[*EntitlementStatus.choices, (ALL_STATUSES, _("all statuses"))],
        required=False,
    )

    def __init__(self, data=None, *, user, **kwargs):
        if data is not None and not data.get("status"):
            data = data.copy()
            data["status"] = EntitlementStatus.ACTIVE
        super().__init__(data, initial={"status": EntitlementStatus.ACTIVE}, **kwargs)
        if permissions.region_scope(user) is not None:
            # A city or county sees only its own zones: there is no city to choose.
            del self.fields["city"]

    def filters(self) -> dict:
        """The keyword arguments of entitlement_queries.entitlements_for; in force by default."""
        if not self.is_valid():
            return {"status": EntitlementStatus.ACTIVE}
        data = self.cleaned_data
        status = data.get("status") or EntitlementStatus.ACTIVE
        return {
            "campaign": data.get("campaign"),
            "stars": data.get("stars"),
            "city": data.get("city"),
            "status": None if status == ALL_STATUSES else status,
        }


class DelistingForm(StyledFormMixin, forms.Form):
    """The province's decision on a delisting case: its reason, and on the confirmation step
    `final` (a hidden field) that makes the confirmation take effect."""

    reason = forms.CharField(
        label=_("reason for the decision"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    final = forms.BooleanField(required=False, widget=forms.HiddenInput)
