from django import forms
from django.utils.translation import gettext_lazy as _

from ecozone.core.forms import StyledFormMixin
from ecozone.regions.models import Level, Region, Terrain


class RegionAttributesForm(StyledFormMixin, forms.Form):
    terrain = forms.ChoiceField(
        label=_("terrain class"), choices=[("", "—"), *Terrain.choices], required=False
    )
    coastal = forms.BooleanField(label=_("coastal"), required=False)
    mountain_county = forms.BooleanField(label=_("one of the 26 mountain counties"), required=False)
    reason = forms.CharField(label=_("reason for the change"), max_length=200)


class RegionFilterForm(StyledFormMixin, forms.Form):
    compact = True
    q = forms.CharField(label=_("name or code"), required=False)
    city = forms.ModelChoiceField(
        label=_("city"),
        queryset=Region.objects.filter(level=Level.CITY),
        to_field_name="code",
        required=False,
        empty_label=_("all cities"),
    )
    level = forms.ChoiceField(
        label=_("level"), choices=[("", _("all levels")), *Level.choices], required=False
    )


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("file (.xlsx or UTF-8 .csv)"))
