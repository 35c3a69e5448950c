from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecozone.accounts.models import Role, User
from ecozone.core.forms import StyledFormMixin
from ecozone.designations.models import Programme
from ecozone.ratings.models import Reexamination, Scheme
from ecozone.ratings.states import SchemeStatus
from ecozone.regions.models import Region


class CampaignForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("title"), max_length=200)
    scheme = forms.ModelChoiceField(
        label=_("scheme"),
        queryset=Scheme.objects.filter(status=SchemeStatus.PUBLISHED),
        to_field_name="code",
    )
    programme = forms.ModelChoiceField(
        label=_("programme"),
        queryset=Programme.objects.exclude(code="lianshan"),
        to_field_name="code",
    )


class AssignForm(StyledFormMixin, forms.Form):
    expert = forms.ModelChoiceField(
        label=_("expert"),
        queryset=User.objects.filter(role=Role.EXPERT).select_related("organisation"),
    )


class FeatureForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 3}))
    points = forms.DecimalField(label=_("points claimed"), max_digits=3, decimal_places=1)
    evidence = forms.FileField(label=_("evidence file"), required=False)


class RecordForm(StyledFormMixin, forms.Form):
    item = forms.ChoiceField(label=_("item"), choices=[])
    note = forms.CharField(label=_("evidence and note"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("evidence file"), required=False)

    def __init__(self, *args, scheme_settings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [
            (f"veto:{c}", _("veto") + f" · {n}") for c, n in scheme_settings.veto_items
        ] + [(f"bar:{c}", _("bar-excellence") + f" · {n}") for c, n in scheme_settings.bar_items]


class DecisionForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)


class OutcomeForm(StyledFormMixin, forms.Form):
    outcome = forms.CharField(label=_("outcome"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(StyledFormMixin, forms.Form):
    """A decision that needs a reason: excluding a zone, including it again."""

    reason = forms.CharField(
        label=_("reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PublishForm(StyledFormMixin, forms.Form):
    # The preview's figures, sent back: publishing refuses when they no longer hold.
    figures = forms.CharField(widget=forms.HiddenInput, max_length=300)
    confirm = forms.BooleanField(label=_("I have checked the figures above"))


class WithdrawForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("reason for withdrawal"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm = forms.BooleanField(label=_("I understand what the withdrawal reverts"))


class PrereviewForm(StyledFormMixin, forms.Form):
    """The city's pre-review of one feature item: the button pressed and its opinion."""

    compact = True
    decision = forms.ChoiceField(
        choices=[("recommend", _("recommend")), ("not_recommend", _("do not recommend"))],
        widget=forms.HiddenInput,  # sent by the button pressed
        error_messages={"required": _("Choose to recommend the item or not.")},
    )
    reason = forms.CharField(
        label=_("the city's opinion"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "not_recommend" and not (data.get("reason") or "").strip():
            self.add_error(
                "reason", _("Give the city's opinion when it does not recommend an item.")
            )
        return data


class BulkAssignForm(StyledFormMixin, forms.Form):
    """Experts for many zones of a campaign: the zones of a city, or zones ticked one by one."""

    experts = forms.ModelMultipleChoiceField(
        label=_("experts"),
        queryset=User.objects.filter(role=Role.EXPERT, is_active=True)
        .select_related("organisation")
        .order_by("username"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    city = forms.ModelChoiceField(
        label=_("every zone of a city"), queryset=Region.objects.none(), required=False
    )
    zones = forms.ModelMultipleChoiceField(
        label=_("or these zones"),
        queryset=Reexamination.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        zones = campaign.zones.filter(excluded_at__isnull=True).select_related(
            "designation__region"
        )
        self.fields["zones"].queryset = zones.order_by("designation__region__code")
        self.fields["zones"].label_from_instance = lambda zone: zone.designation.region.name
        self.fields["zones"].widget.attrs["class"] = "form-check-input"
        self.fields["experts"].label_from_instance = lambda user: (
            f"{user}（{user.organisation}）" if user.organisation_id else str(user)
        )
        self.fields["city"].queryset = Region.objects.filter(
            Q(designations__reexaminations__in=zones)
            | Q(children__designations__reexaminations__in=zones),
            level="city",
        ).distinct()

    def clean(self):
        data = super().clean()
        city, ticked = data.get("city"), list(data.get("zones") or [])
        chosen = {zone.pk: zone for zone in ticked}
        if city is not None:
            for zone in self.fields["zones"].queryset:
                region = zone.designation.region
                if city.pk in (region.pk, region.parent_id):
                    chosen.setdefault(zone.pk, zone)
        if "city" in data and "zones" in data and not chosen:
            raise forms.ValidationError(_("Choose a city or at least one zone."))
        data["selected"] = sorted(chosen.values(), key=lambda z: z.designation.region.code)
        return data
