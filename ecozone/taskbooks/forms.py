from django import forms
from django.utils.translation import gettext_lazy as _

from ecozone.accounts.models import Organisation, OrganisationKind
from ecozone.core.forms import StyledFormMixin
from ecozone.regions.models import Region
from ecozone.taskbooks.models import AssessmentYear, Task
from ecozone.taskbooks.services import TASK_FIELDS
from ecozone.taskbooks.states import (
    CITY_METRICS,
    DEPARTMENT_METRICS,
    AdjustmentKind,
    BookKind,
    Metric,
    Period,
)

POINTS = {"max_digits": 5, "decimal_places": 2, "min_value": 0, "max_value": 100}


class TaskForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Task
        fields = TASK_FIELDS
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, book=None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = DEPARTMENT_METRICS if book and book.kind == BookKind.DEPARTMENT else CITY_METRICS
        self.fields["metric"].choices = [("", "—")] + [
            (m.value, m.label) for m in Metric if m in allowed
        ]

    def clean_points(self):
        points = self.cleaned_data["points"]
        if not (0 < points <= 100):
            raise forms.ValidationError(_("Points are between 0 and 100."))
        return points

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("method") == "measured" and (
            not cleaned.get("metric") or cleaned.get("target_value") is None
        ):
            raise forms.ValidationError(
                _("A measured task needs a platform measure and a target value.")
            )
        return cleaned


class AmendForm(TaskForm):
    reason = forms.CharField(label=_("reason for the amendment"), max_length=300)


class NewBookForm(StyledFormMixin, forms.Form):
    recipient = forms.ChoiceField(label=_("recipient"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cities = [
            (f"r{r.pk}", r.name) for r in Region.objects.filter(level="city").order_by("code")
        ]
        departments = [
            (f"o{o.pk}", o.name)
            for o in Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).order_by("name")
        ]
        self.fields["recipient"].choices = [
            (_("cities"), cities),
            (_("provincial departments"), departments),
        ]

    def chosen(self) -> dict:
        value = self.cleaned_data["recipient"]
        if value.startswith("r"):
            return {"region": Region.objects.get(pk=value[1:])}
        return {"organisation": Organisation.objects.get(pk=value[1:])}


class CopyForm(StyledFormMixin, forms.Form):
    compact = True
    source_year = forms.IntegerField(label=_("copy from"), min_value=2000, max_value=2100)
    year = forms.IntegerField(label=_("into"), min_value=2000, max_value=2100)


class ProgressForm(StyledFormMixin, forms.Form):
    period = forms.ChoiceField(label=_("period"), choices=Period.choices)
    text = forms.CharField(
        label=_("progress"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    value = forms.DecimalField(
        label=_("reported value"), required=False, max_digits=9, decimal_places=2
    )
    file = forms.FileField(label=_("evidence (PDF, image, Word or Excel)"), required=False)


class ScoreForm(StyledFormMixin, forms.Form):
    compact = True
    awarded = forms.DecimalField(label=_("points awarded"), **POINTS)
    reason = forms.CharField(label=_("reason"), max_length=300)


class AdjustmentForm(StyledFormMixin, forms.Form):
    compact = True
    kind = forms.ChoiceField(label=_("kind"), choices=AdjustmentKind.choices)
    points = forms.DecimalField(label=_("number of points"), **POINTS)
    reason = forms.CharField(label=_("reason"), max_length=300)


class YearSettingsForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = AssessmentYear
        fields = [
            "excellent_from",
            "good_from",
            "pass_from",
            "deduction_cap",
            "bonus_cap",
            "ranking_public",
        ]


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("workbook (.xlsx)"))
