from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ecozone.accounts import permissions
from ecozone.casebook import services
from ecozone.casebook.models import TypicalCase
from ecozone.core.feedback import attempt
from ecozone.core.forms import StyledFormMixin
from ecozone.designations.models import Programme
from ecozone.regions.models import Level, Region


class CaseForm(StyledFormMixin, forms.Form):
    region = forms.ModelChoiceField(
        label=gettext_lazy("region"), queryset=Region.objects.none(), to_field_name="code"
    )
    programme = forms.ModelChoiceField(
        label=gettext_lazy("programme"), queryset=Programme.objects.all(), required=False
    )
    title = forms.CharField(label=gettext_lazy("title"), max_length=200)
    tags = forms.CharField(
        label=gettext_lazy("tags (separated by commas)"), max_length=200, required=False
    )
    summary = forms.CharField(label=gettext_lazy("summary"), max_length=300)
    body = forms.CharField(label=gettext_lazy("text"), widget=forms.Textarea(attrs={"rows": 10}))
    image = forms.FileField(label=gettext_lazy("image (PNG or JPG)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(level__in=[Level.CITY, Level.COUNTY])
        self.fields["region"].queryset = (
            permissions.in_scope(user, regions)
            if not permissions.is_province_admin(user)
            else regions
        )


def _visible(user):
    cases = TypicalCase.objects.select_related("region")
    if permissions.is_province_admin(user):
        return cases
    region = permissions.home_region(user)
    return cases.filter(region=region) if region else cases.none()


@login_required
def case_list(request):
    permissions.require(
        permissions.is_province_admin(request.user)
        or permissions.home_region(request.user) is not None
    )
    return render(
        request,
        "casebook/list.html",
        {"cases": _visible(request.user), "is_admin": permissions.is_province_admin(request.user)},
    )


@login_required
def case_edit(request, pk: int | None = None):
    permissions.require(
        permissions.is_province_admin(request.user)
        or permissions.home_region(request.user) is not None
    )
    case = get_object_or_404(_visible(request.user), pk=pk) if pk else None
    initial = {}
    if case:
        initial = {
            "region": case.region.code,
            "programme": case.programme_id,
            "title": case.title,
            "tags": case.tags,
            "summary": case.summary,
            "body": case.body,
        }
    form = CaseForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_case(
                case,
                by=request.user,
                region=data["region"],
                programme=data["programme"],
                title=data["title"],
                tags=data["tags"],
                summary=data["summary"],
                body=data["body"],
                image=data["image"],
            )
        except ValidationError as exc:
            form.add_error("image", exc)
        else:
            messages.success(
                request,
                _("The case was saved (%(status)s).") % {"status": saved.get_status_display()},
            )
            return redirect("casebook:list")
    return render(request, "casebook/form.html", {"form": form, "case": case})


@login_required
@require_POST
def case_publish(request, pk: int, action: str):
    permissions.require(permissions.is_province_admin(request.user))
    case = get_object_or_404(TypicalCase, pk=pk)
    publish = action == "publish"
    attempt(request, lambda: services.publish_case(case, by=request.user, publish=publish))
    return redirect("casebook:list")
