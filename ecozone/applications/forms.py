from django import forms
from django.utils.translation import gettext_lazy as _

from ecozone.applications.models import OBJECTION_MAX_TEXT, Objection
from ecozone.core.forms import StyledFormMixin


class ObjectionForm(StyledFormMixin, forms.Form):
    """The public objection to an application under notice (anyone, no account)."""

    name = forms.CharField(
        label=_("your name"), max_length=Objection._meta.get_field("name").max_length
    )
    contact = forms.CharField(
        label=_("phone or e-mail"), max_length=Objection._meta.get_field("contact").max_length
    )
    text = forms.CharField(
        label=_("objection"), max_length=OBJECTION_MAX_TEXT, widget=forms.Textarea
    )
