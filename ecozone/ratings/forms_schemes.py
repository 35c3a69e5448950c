"""Forms of the scoring-scheme pages: copying a version, importing a file, and the editor of a
draft (one form for the single settings, one formset per list of rows)."""

from __future__ import annotations

import json
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecozone.core.forms import StyledFormMixin
from ecozone.indicators.rules import fmt
from ecozone.ratings import schemes
from ecozone.ratings.services.schemes import MAX_IMPORT_BYTES

HUNDRED = Decimal(100)
# The smallest whole value each whole-number setting takes (SchemeSettings.from_dict).
LOWEST = {"trim_from": 3, "reapply_bar_years": 0, "withdraw_days": 0}
STAR_CHOICES = [(s, schemes.stars_text(s)) for s in schemes.STAR_CHOICES]

code_validator = RegexValidator(
    schemes.SCHEME_CODE_RE,
    gettext_lazy("Letters, digits, “_” and “-” only, starting with a letter or digit."),
)


class SchemeCopyForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("code of the new version"),
        max_length=30,
        validators=[code_validator],
        help_text=gettext_lazy("Part of the version's address, e.g. 2026."),
    )
    title = forms.CharField(label=gettext_lazy("title"), max_length=200)
    note = forms.CharField(
        label=gettext_lazy("what changes and why"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SchemeImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("scheme file (JSON)"),
        help_text=gettext_lazy("A file exported from a version page of this platform."),
    )
    code = forms.CharField(
        label=gettext_lazy("code of the new version"),
        max_length=30,
        required=False,
        validators=[code_validator],
        help_text=gettext_lazy("Leave empty to keep the code written in the file."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                _("The file is too large for a scheme (at most %(n)d KB).")
                % {"n": MAX_IMPORT_BYTES // 1024}
            )
        try:
            data = json.loads(upload.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise ValidationError(_("The file is not JSON text (UTF-8).")) from None
        if not isinstance(data, dict):
            raise ValidationError(_("The file is not a scheme exported from this platform."))
        self.cleaned_data["data"] = data
        return upload


# ---------------------------------------------------------------------------- the editor


class WorkItemForm(StyledFormMixin, forms.Form):
    compact = True
    code = forms.CharField(label=gettext_lazy("code"), max_length=40)
    name = forms.CharField(label=gettext_lazy("name"), max_length=100)
    max = forms.DecimalField(
        label=gettext_lazy("full marks"),
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=2,
    )


class ItemForm(StyledFormMixin, forms.Form):
    compact = True
    code = forms.CharField(label=gettext_lazy("code"), max_length=40)
    name = forms.CharField(label=gettext_lazy("name"), max_length=200)


class WeightForm(StyledFormMixin, forms.Form):
    compact = True
    indicator = forms.ChoiceField(label=gettext_lazy("indicator"), choices=[])
    weight = forms.DecimalField(
        label=gettext_lazy("weight"), min_value=0, max_value=100, max_digits=7, decimal_places=3
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", "—"), *choices]


class RowsFormSet(forms.BaseFormSet):
    """Rows of a list setting: blank rows are ignored, a code may appear once."""

    key_field = "code"

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.kept():
            key = form.cleaned_data[self.key_field]
            if key in seen:
                raise ValidationError(_("“%(code)s” appears twice.") % {"code": key})
            seen.add(key)

    def kept(self) -> list[forms.Form]:
        """The rows that stay: every stored row not removed, and every blank row filled in."""
        initial = self.initial_form_count()
        return [
            form
            for index, form in enumerate(self.forms)
            if (index < initial or form.has_changed())
            and form.cleaned_data
            and not (self.can_delete and self._should_delete_form(form))
        ]


class WeightsFormSet(RowsFormSet):
    key_field = "indicator"


def _formset(form, base=RowsFormSet):
    return forms.formset_factory(form, formset=base, extra=2, can_delete=True, max_num=500)


WorkItemFormSet = _formset(WorkItemForm)
ItemFormSet = _formset(ItemForm)
WeightFormSet = _formset(WeightForm, WeightsFormSet)


def _field_name(key: str) -> str:
    """The editor's field for a setting named as SchemeError names it."""
    return key.replace(".", "_")


class SchemeSettingsForm(StyledFormMixin, forms.Form):
    """Title, note and every single setting of a draft, with the words of the version page."""

    title = forms.CharField(label=gettext_lazy("title"), max_length=200)
    note = forms.CharField(
        label=gettext_lazy("what changed and why"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        self.section_of: dict[str, str] = {}
        declared = {}
        for setting in schemes.SETTINGS:
            for name, field in _fields_of(setting):
                declared[name] = field
                self.section_of[name] = setting.section
        # Built per form (labels in the request's language); the mixin styles them all.
        self.base_fields = {**type(self).base_fields, **declared}
        super().__init__(*args, **kwargs)

    def sections(self):
        grouped: dict[str, list] = {code: [] for code, _label in schemes.SECTIONS}
        for name, section in self.section_of.items():
            grouped[section].append(self[name])
        return [(code, str(label), grouped[code]) for code, label in schemes.SECTIONS]


def _fields_of(setting: schemes.Setting):
    label, help_text, unit, key = setting.label, setting.help, setting.unit, setting.key
    if unit in ("years", "days", "scores", "experts"):
        yield (
            key,
            forms.IntegerField(
                label=label, help_text=help_text, min_value=LOWEST.get(key, 1), max_value=3650
            ),
        )
    elif unit == "points":
        yield (
            key,
            forms.DecimalField(
                label=label,
                help_text=help_text,
                min_value=0,
                max_value=100,
                max_digits=6,
                decimal_places=2,
            ),
        )
    elif unit == "share":
        yield (
            key,
            forms.DecimalField(
                label=f"{label} (%)",
                help_text=help_text,
                min_value=0,
                max_value=100,
                max_digits=6,
                decimal_places=2,
            ),
        )
    elif unit in ("stars", "min_stars"):
        yield (
            key,
            forms.TypedChoiceField(
                label=label, help_text=help_text, choices=STAR_CHOICES, coerce=int
            ),
        )
    elif unit == "yesno":
        yield key, forms.BooleanField(label=label, help_text=help_text, required=False)
    elif unit == "thresholds":
        for stars in schemes.STAR_CLASSES:
            yield (
                f"thresholds_{stars}",
                forms.DecimalField(
                    label=schemes.threshold_label(stars),
                    help_text=help_text if stars == schemes.STAR_CLASSES[-1] else "",
                    min_value=0,
                    max_value=100,
                    max_digits=5,
                    decimal_places=1,
                ),
            )
    elif unit == "incentives":
        for stars in schemes.STAR_CLASSES:
            yield (
                f"incentives_{stars}",
                forms.CharField(
                    label=schemes.incentives_label(stars),
                    help_text=help_text,
                    required=False,
                    max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                ),
            )
    # work_items, veto_items, bar_items and weights are formsets


def _measures(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def settings_initial(settings: dict, *, title: str, note: str) -> dict:
    """The editor's initial values from stored (completed) settings."""
    initial: dict = {"title": title, "note": note}
    for setting in schemes.SETTINGS:
        key, value = setting.key, settings.get(setting.key)
        if setting.unit == "share":
            initial[key] = fmt(Decimal(str(value)) * HUNDRED)
        elif setting.unit == "thresholds":
            for stars in schemes.STAR_CLASSES:
                initial[f"thresholds_{stars}"] = value.get(stars)
        elif setting.unit == "incentives":
            for stars in schemes.STAR_CLASSES:
                initial[f"incentives_{stars}"] = "\n".join(value.get(stars, []))
        elif setting.unit not in ("work_items", "items", "weights"):
            initial[key] = value
    return initial


class SchemeEditor:
    """The draft's editor: the settings form and the formsets of its list settings, turned into
    the settings JSON, and the service's refusal put back beside the field it names."""

    LISTS = ("work_items", "veto_items", "bar_items", "weights")

    def __init__(self, data=None, *, scheme, indicator_choices):
        self.stored = schemes.complete(scheme.settings)
        stored = self.stored
        known = {code for code, _label in indicator_choices}
        choices = list(indicator_choices) + [
            (code, code) for code in stored["weights"] if code not in known
        ]
        self.form = SchemeSettingsForm(
            data, initial=settings_initial(stored, title=scheme.title, note=scheme.note)
        )
        self.work = WorkItemFormSet(
            data,
            prefix="work",
            initial=[
                {"code": w["code"], "name": w["name"], "max": w["max"]}
                for w in stored["work_items"]
            ],
        )
        self.veto = ItemFormSet(data, prefix="veto", initial=stored["veto_items"])
        self.bar = ItemFormSet(data, prefix="bar", initial=stored["bar_items"])
        self.weights = WeightFormSet(
            data,
            prefix="weights",
            initial=[{"indicator": c, "weight": w} for c, w in sorted(stored["weights"].items())],
            form_kwargs={"choices": choices},
        )
        # Refusals about a list as a whole, shown above its rows.
        self.list_errors: dict[str, list[str]] = {key: [] for key in self.LISTS}

    @property
    def formsets(self):
        return {
            "work_items": self.work,
            "veto_items": self.veto,
            "bar_items": self.bar,
            "weights": self.weights,
        }

    def sections(self) -> list[tuple[str, list, list[dict]]]:
        """(title, fields, list settings) per part of the method, in the page's order."""
        lists: dict[str, list[dict]] = {}
        for key, formset in self.formsets.items():
            setting = schemes.BY_KEY[key]
            lists.setdefault(setting.section, []).append(
                {
                    "key": key,
                    "formset": formset,
                    "title": setting.label,
                    "help": setting.help,
                    "errors": self.list_errors[key],
                }
            )
        return [
            (title, fields, lists.get(code, [])) for code, title, fields in self.form.sections()
        ]

    def is_valid(self) -> bool:
        results = [self.form.is_valid()] + [f.is_valid() for f in self.formsets.values()]
        return all(results)

    def settings(self) -> dict:
        """The settings JSON from the cleaned input, keeping settings the editor does not show."""
        data = self.form.cleaned_data
        result = dict(self.stored)
        for setting in schemes.SETTINGS:
            key, unit = setting.key, setting.unit
            if unit == "share":
                result[key] = fmt(data[key] / HUNDRED)
            elif unit == "points":
                result[key] = fmt(data[key])
            elif unit == "thresholds":
                result[key] = {s: fmt(data[f"thresholds_{s}"]) for s in schemes.STAR_CLASSES}
            elif unit == "incentives":
                result[key] = {s: _measures(data[f"incentives_{s}"]) for s in schemes.STAR_CLASSES}
            elif unit in ("years", "days", "scores", "experts", "stars", "min_stars", "yesno"):
                result[key] = data[key]
        result["work_items"] = [
            {
                "code": f.cleaned_data["code"].strip(),
                "name": f.cleaned_data["name"].strip(),
                "max": fmt(f.cleaned_data["max"]),
            }
            for f in self.work.kept()
        ]
        for key, formset in (("veto_items", self.veto), ("bar_items", self.bar)):
            result[key] = [
                {"code": f.cleaned_data["code"].strip(), "name": f.cleaned_data["name"].strip()}
                for f in formset.kept()
            ]
        result["weights"] = {
            f.cleaned_data["indicator"]: fmt(f.cleaned_data["weight"]) for f in self.weights.kept()
        }
        return result

    def add_error(self, exc: ValidationError) -> None:
        """Put a service's refusal beside the field it names (else at the top)."""
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.form.add_error(None, message)
            return
        for key, errors in exc.message_dict.items():
            for message in errors:
                self._place(key, message)

    def _place(self, key: str, message: str) -> None:
        head, _dot, rest = key.partition(".")
        name = _field_name(key)
        if name in self.form.fields:
            self.form.add_error(name, message)
        elif head == "work_items" and rest.endswith(".max"):
            row = self._row(self.work, "code", rest.removesuffix(".max"))
            if row is not None:
                row.add_error("max", message)
            else:
                self.list_errors[head].append(message)
        elif head == "weights" and rest:
            row = self._row(self.weights, "indicator", rest)
            if row is not None:
                row.add_error("weight", message)
            else:
                self.list_errors[head].append(message)
        elif head in self.list_errors:
            self.list_errors[head].append(message)
        else:
            self.form.add_error(None, message)

    @staticmethod
    def _row(formset, field: str, value: str):
        return next((f for f in formset.kept() if f.cleaned_data.get(field) == value), None)

    def summary(self) -> list[str]:
        """Every error of the page, for the summary at its top."""
        found = list(self.form.non_field_errors())
        for name, errors in self.form.errors.items():
            if name != "__all__":
                found += [f"{self.form.fields[name].label}：{e}" for e in errors]
        for key, formset in self.formsets.items():
            label = schemes.BY_KEY[key].label
            found += [f"{label}：{e}" for e in formset.non_form_errors()]
            found += [f"{label}：{e}" for e in self.list_errors[key]]
            for number, form in enumerate(formset.forms, 1):
                for errors in form.errors.values():
                    found += [
                        _("%(list)s, row %(n)d: %(error)s")
                        % {"list": label, "n": number, "error": e}
                        for e in errors
                    ]
        return list(dict.fromkeys(found))
