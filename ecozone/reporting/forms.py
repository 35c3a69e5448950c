from django import forms
from django.utils.translation import gettext_lazy as _

from ecozone.core.forms import StyledFormMixin
from ecozone.designations.models import Designation
from ecozone.regions.models import Level, Region
from ecozone.reporting.models import ReportingYear
from ecozone.reporting.states import ReportStatus


class OpenYearForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    opens_on = forms.DateField(
        label=_("opening date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline = forms.DateField(label=_("deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    locks_on = forms.DateField(label=_("lock date"), widget=forms.DateInput(attrs={"type": "date"}))
    designated = forms.BooleanField(
        label=_("every region holding a title"), required=False, initial=True
    )
    preparing = forms.ModelMultipleChoiceField(
        label=_("regions preparing an application"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("Their base-year values become their self-assessment."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        holding = Designation.objects.holding().values("region_id")
        self.fields["preparing"].queryset = Region.objects.filter(
            level__in=[Level.CITY, Level.COUNTY]
        ).exclude(pk__in=holding)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("designated") and not cleaned.get("preparing"):
            raise forms.ValidationError(_("Choose the regions that report."))
        return cleaned

    def regions(self):
        chosen = list(self.cleaned_data.get("preparing") or [])
        if self.cleaned_data.get("designated"):
            holding = Designation.objects.holding().values("region_id")
            chosen += list(Region.objects.filter(pk__in=holding))
        return chosen


class ReportFilterForm(StyledFormMixin, forms.Form):
    compact = True
    year = forms.ModelChoiceField(
        label=_("year"),
        queryset=ReportingYear.objects.all(),
        to_field_name="year",
        required=False,
        empty_label=_("all years"),
    )
    city = forms.ModelChoiceField(
        label=_("city"),
        queryset=Region.objects.filter(level=Level.CITY),
        to_field_name="code",
        required=False,
        empty_label=_("all cities"),
    )
    status = forms.ChoiceField(
        label=_("status"), choices=[("", _("all statuses")), *ReportStatus.choices], required=False
    )
    indicator = forms.CharField(label=_("indicator code"), required=False, max_length=20)


class UploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("workbook (.xlsx)"))


class DepartmentUploadForm(UploadForm):
    year = forms.ModelChoiceField(
        label=_("year"), queryset=ReportingYear.objects.all(), to_field_name="year"
    )


class UnlockRequestForm(StyledFormMixin, forms.Form):
    indicators = forms.MultipleChoiceField(
        label=_("indicators to reopen"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, codes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = codes
        self.fields["indicators"].widget.attrs["class"] = "form-check-input"


class DecisionForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("comment"), required=False, max_length=300)
