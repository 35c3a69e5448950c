from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.core.tabular import ImportRejected, workbook_response
from ecozone.designations import queries, services
from ecozone.designations.excel import export_roster, import_roster
from ecozone.designations.forms import CoverageForm, ImportRosterForm, RosterFilterForm, StatusForm
from ecozone.designations.models import Programme


def _filters(request) -> tuple[RosterFilterForm, dict]:
    form = RosterFilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


@login_required
def roster(request):
    permissions.require(permissions.can_view_designations(request.user))
    form, filters = _filters(request)
    designations = queries.filtered_roster(request.user, **filters)
    page = Paginator(designations, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "designations/roster.html",
        {
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "can_manage": permissions.can_manage_designations(request.user),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def roster_export(request):
    permissions.require(permissions.can_view_designations(request.user))
    if request.GET.get("template"):
        return workbook_response(export_roster([]), _("roster-template.xlsx"))
    _form, filters = _filters(request)
    workbook = export_roster(queries.filtered_roster(request.user, **filters))
    return workbook_response(workbook, _("designations.xlsx"))


@login_required
def designation_detail(request, pk: int):
    permissions.require(permissions.can_view_designations(request.user))
    designation = permissions.get_in_scope_or_404(
        request.user, queries.roster(), field="region", pk=pk
    )
    can_manage = permissions.can_manage_designations(request.user)
    form = StatusForm(request.POST or None, initial={"status": designation.status})
    if request.method == "POST":
        permissions.require(can_manage)
        if form.is_valid():
            try:
                services.change_designation_status(
                    designation,
                    to=form.cleaned_data["status"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_error("status", exc)
            else:
                messages.success(request, _("The status was changed."))
                return redirect("designations:detail", pk=designation.pk)
    return render(
        request,
        "designations/detail.html",
        {
            "designation": designation,
            "events": designation.events.select_related("by"),
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
def coverage(request):
    permissions.require(permissions.can_view_designations(request.user))
    form = CoverageForm(request.GET or None)
    programme = (
        form.cleaned_data.get("programme") if form.is_valid() else None
    ) or Programme.objects.first()
    return render(
        request,
        "designations/coverage.html",
        {"form": form, "coverage": queries.coverage(programme), "programme": programme},
    )


@login_required
def roster_import(request):
    permissions.require(permissions.can_manage_designations(request.user))
    form = ImportRosterForm(request.POST or None, request.FILES or None)
    import_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            count = import_roster(form.cleaned_data["file"], by=request.user)
        except ImportRejected as exc:
            import_errors = exc.errors
        else:
            messages.success(request, _("%(count)d designations imported.") % {"count": count})
            return redirect("designations:roster")
    return render(
        request, "designations/import.html", {"form": form, "import_errors": import_errors}
    )
