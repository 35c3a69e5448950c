"""The early-warning page: stored provisional ratings, and the province's choice of scheme."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ecozone.accounts import permissions
from ecozone.core.forms import StyledFormMixin
from ecozone.ratings import warning
from ecozone.regions.models import Level, Region

PAGE_SIZE = 100


class SchemeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.title


class WarningSchemeForm(StyledFormMixin, forms.Form):
    scheme = SchemeChoiceField(
        label=gettext_lazy("scheme for the next campaign"),
        queryset=warning.published_schemes(),
        empty_label=None,
    )


class WarningFilterForm(StyledFormMixin, forms.Form):
    compact = True
    city = forms.ModelChoiceField(
        label=gettext_lazy("city"),
        queryset=Region.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("all cities"),
    )
    stars = forms.ChoiceField(
        label=gettext_lazy("provisional stars"),
        required=False,
        choices=[
            ("", gettext_lazy("all ratings")),
            ("5", "★★★★★"),
            ("4", "★★★★"),
            ("3", "★★★"),
            ("0", gettext_lazy("rating revoked")),
            ("none", gettext_lazy("no provisional rating yet")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cities = Region.objects.filter(level=Level.CITY).order_by("code")
        self.fields["city"].queryset = permissions.in_scope(user, cities)
        for field in self.fields.values():
            field.widget.attrs["data-autosubmit"] = ""


def _page(request, *, scheme_form: WarningSchemeForm | None = None):
    permissions.require(permissions.can_list_regions(request.user))
    state = warning.warning_state(request.user)
    filters = WarningFilterForm(request.GET or None, user=request.user)
    rows = state.rows
    if filters.is_valid():
        rows = warning.filtered(
            rows, city=filters.cleaned_data["city"], stars=filters.cleaned_data["stars"]
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    is_admin = permissions.is_province_admin(request.user)
    if is_admin and scheme_form is None:
        scheme_form = WarningSchemeForm(initial={"scheme": state.scheme})
    return render(
        request,
        "ratings/early_warning.html",
        {
            "state": state,
            "rows": list(page.object_list),
            "page": page,
            "filters": filters,
            "scheme_form": scheme_form if is_admin else None,
            "has_cities": filters.fields["city"].queryset.exists(),
        },
    )


@login_required
def early_warning(request):
    return _page(request)


@login_required
@require_POST
def early_warning_scheme(request):
    permissions.require(permissions.is_province_admin(request.user))
    form = WarningSchemeForm(request.POST)
    if form.is_valid():
        try:
            warning.choose_scheme(scheme=form.cleaned_data["scheme"], by=request.user)
        except ValidationError as exc:
            form.add_error("scheme", exc)
        else:
            messages.success(
                request,
                _("Scheme chosen; the early warning is being recomputed in the background."),
            )
            return redirect("ratings:early_warning")
    return _page(request, scheme_form=form)
