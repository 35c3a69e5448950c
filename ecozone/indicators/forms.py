from django import forms
from django.utils.translation import gettext_lazy as _

from ecozone.core.forms import StyledFormMixin
from ecozone.indicators.models import Indicator, IndicatorSystem, MappingKind
from ecozone.indicators.rules import RuleSyntaxError, parse_rule, rule_fits_value_type

EDITABLE_FIELDS = [
    "code",
    "number",
    "domain",
    "task",
    "name",
    "unit",
    "attribute",
    "kind",
    "scope",
    "condition",
    "value_type",
    "target_text",
    "rule",
    "data_source",
    "explanation",
    "verified",
    "yoy_band",
]


class IndicatorForm(StyledFormMixin, forms.ModelForm):
    """Validates one indicator, from the edit page or from a row of an imported workbook."""

    class Meta:
        model = Indicator
        fields = EDITABLE_FIELDS
        widgets = {"explanation": forms.Textarea(attrs={"rows": 3})}

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code:
            raise forms.ValidationError(_("The code is required."))
        return code

    def clean_rule(self):
        text = self.cleaned_data["rule"].strip()
        try:
            parse_rule(text)
        except RuleSyntaxError as exc:
            raise forms.ValidationError(exc.message) from exc
        return text

    def clean_yoy_band(self):
        band = self.cleaned_data["yoy_band"]
        if band is not None and not (0 < band <= 1000):
            raise forms.ValidationError(_("The band is a percentage above 0 and at most 1000."))
        return band

    def clean(self):
        cleaned = super().clean()
        rule, value_type = cleaned.get("rule"), cleaned.get("value_type")
        if rule and value_type:
            problem = rule_fits_value_type(parse_rule(rule), value_type)
            if problem:
                self.add_error("rule", problem)
        return cleaned


class CopyEditionForm(StyledFormMixin, forms.Form):
    code = forms.RegexField(
        label=_("code of the new edition"),
        regex=r"^[A-Za-z0-9_-]{2,20}$",
        error_messages={"invalid": _("Use 2–20 letters, digits, “-” or “_”.")},
    )
    title = forms.CharField(label=_("title"), max_length=200)

    def clean_code(self):
        code = self.cleaned_data["code"]
        if IndicatorSystem.objects.filter(code=code).exists():
            raise forms.ValidationError(_("An edition with this code exists already."))
        return code


class ImportEditionForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("workbook (.xlsx)"))


class DiffForm(StyledFormMixin, forms.Form):
    a = forms.ModelChoiceField(
        label=_("from edition"), queryset=IndicatorSystem.objects.all(), to_field_name="code"
    )
    b = forms.ModelChoiceField(
        label=_("to edition"), queryset=IndicatorSystem.objects.all(), to_field_name="code"
    )


class MappingRowForm(StyledFormMixin, forms.Form):
    compact = True
    old_code = forms.ChoiceField(label=_("old code"), required=False)
    new_code = forms.ChoiceField(label=_("new code"), required=False)
    kind = forms.ChoiceField(label=_("kind of change"), choices=MappingKind.choices)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, old_codes=(), new_codes=(), read_only=False, **kwargs):
        """`old_codes` and `new_codes` are (code, label) pairs."""
        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        self.fields["old_code"].choices = blank + list(old_codes)
        self.fields["new_code"].choices = blank + list(new_codes)
        if read_only:
            for field in self.fields.values():
                field.disabled = True


MappingFormSet = forms.formset_factory(MappingRowForm, extra=3, can_delete=True)


class MappingSourceForm(StyledFormMixin, forms.Form):
    compact = True
    source = forms.ModelChoiceField(
        label=_("from edition"), queryset=IndicatorSystem.objects.all(), to_field_name="code"
    )
