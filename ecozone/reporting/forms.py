import json
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from ecozone.core.forms import StyledFormMixin
from ecozone.designations.models import Designation
from ecozone.regions.models import Level, Region
from ecozone.reporting.models import ReportingYear
from ecozone.reporting.queries import EditionChoice
from ecozone.reporting.states import ReportStatus


def _published_editions():
    from ecozone.indicators.models import IndicatorSystem
    from ecozone.indicators.states import EditionStatus

    return IndicatorSystem.objects.filter(status=EditionStatus.PUBLISHED).order_by("code")


class _EditionField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title}（{obj.code}）"


class _DatesMixin(forms.Form):
    opens_on = forms.DateField(
        label=_("opening date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline = forms.DateField(label=_("deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    locks_on = forms.DateField(label=_("lock date"), widget=forms.DateInput(attrs={"type": "date"}))


class OpenYearForm(StyledFormMixin, _DatesMixin):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
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
    everyone = _EditionField(
        label=_("edition for every region"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("— each region keeps the edition of its latest report —"),
    )
    cities = _EditionField(
        label=_("edition for cities"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("— as above —"),
    )
    counties = _EditionField(
        label=_("edition for counties"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("— as above —"),
    )
    listed = _EditionField(
        label=_("edition for the regions listed below"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("— as above —"),
    )
    codes = forms.CharField(
        label=_("regions (codes or names, separated by spaces, commas or lines)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm_gap = forms.BooleanField(
        label=_("I confirm opening this year although earlier years were never opened"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        holding = Designation.objects.holding().values("region_id")
        self.fields["preparing"].queryset = Region.objects.filter(
            level__in=[Level.CITY, Level.COUNTY]
        ).exclude(pk__in=holding)
        for name in ("everyone", "cities", "counties", "listed"):
            self.fields[name].queryset = _published_editions()

    def clean_codes(self):
        words = [w for w in re.split(r"[\s,，、;；]+", self.cleaned_data["codes"]) if w]
        units = Region.objects.filter(level__in=[Level.CITY, Level.COUNTY])
        found = {r.code: r for r in units.filter(code__in=words)}
        found |= {r.name: r for r in units.filter(name__in=words)}
        unknown = [w for w in words if w not in found]
        if unknown:
            raise forms.ValidationError(
                _("Not cities or counties: %(words)s") % {"words": "、".join(unknown)}
            )
        return frozenset(found[w].code for w in words)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("designated") and not cleaned.get("preparing"):
            raise forms.ValidationError(_("Choose the regions that report."))
        if cleaned.get("codes") and not cleaned.get("listed"):
            self.add_error("listed", _("Choose the edition of the listed regions."))
        return cleaned

    def regions(self):
        chosen = list(self.cleaned_data.get("preparing") or [])
        if self.cleaned_data.get("designated"):
            holding = Designation.objects.holding().values("region_id")
            chosen += list(Region.objects.filter(pk__in=holding))
        return chosen

    def editions(self) -> EditionChoice:
        data = self.cleaned_data
        return EditionChoice(
            everyone=data.get("everyone"),
            cities=data.get("cities"),
            counties=data.get("counties"),
            listed=data.get("listed"),
            codes=data.get("codes") or frozenset(),
        )


class YearDatesForm(StyledFormMixin, _DatesMixin):
    reason = forms.CharField(label=_("reason for the change"), max_length=300)


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


class ReceiptUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("receipt (.json)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large for a receipt."))
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise forms.ValidationError(_("The file is not a receipt in JSON.")) from None
