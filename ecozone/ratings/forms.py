from django import forms
from django.utils.translation import gettext_lazy as _

from ecozone.accounts.models import Role, User
from ecozone.core.forms import StyledFormMixin
from ecozone.designations.models import Programme
from ecozone.ratings.models import Scheme
from ecozone.ratings.states import SchemeStatus


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
