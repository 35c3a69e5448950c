from django import forms
from django.utils.translation import gettext_lazy as _

from ecozone.core.forms import StyledFormMixin
from ecozone.designations.models import Batch, Programme
from ecozone.designations.states import DesignationStatus
from ecozone.regions.models import Level, Region


class RosterFilterForm(StyledFormMixin, forms.Form):
    compact = True
    programme = forms.ModelChoiceField(
        label=_("programme"),
        queryset=Programme.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("all programmes"),
    )
    batch = forms.ModelChoiceField(
        label=_("batch"),
        queryset=Batch.objects.select_related("programme"),
        required=False,
        empty_label=_("all batches"),
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
        choices=[("", _("all statuses")), *DesignationStatus.choices],
        required=False,
    )
    q = forms.CharField(label=_("region name or code"), required=False)


class StatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("new status"), choices=DesignationStatus.choices)
    reason = forms.CharField(label=_("reason"), max_length=300)


class CoverageForm(StyledFormMixin, forms.Form):
    compact = True
    programme = forms.ModelChoiceField(
        label=_("programme"),
        queryset=Programme.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=None,
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )


class ImportRosterForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("workbook (.xlsx)"))
