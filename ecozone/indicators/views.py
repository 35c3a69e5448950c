from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecozone.accounts import permissions
from ecozone.core.feedback import attempt
from ecozone.core.tabular import ImportRejected, workbook_response
from ecozone.indicators import queries, services
from ecozone.indicators.excel import export_edition, import_edition
from ecozone.indicators.forms import CopyEditionForm, DiffForm, ImportEditionForm, IndicatorForm
from ecozone.indicators.models import Indicator, IndicatorSystem


def _can_view(request) -> None:
    permissions.require(permissions.can_view_catalogues(request.user))


def _can_manage(request) -> None:
    permissions.require(permissions.can_manage_catalogues(request.user))


@login_required
def edition_list(request):
    _can_view(request)
    return render(
        request,
        "indicators/list.html",
        {
            "editions": queries.editions(),
            "diff_form": DiffForm(),
            "can_manage": permissions.can_manage_catalogues(request.user),
        },
    )


@login_required
def edition_detail(request, code: str):
    _can_view(request)
    system = get_object_or_404(IndicatorSystem, code=code)
    groups = queries.grouped_by_domain(system)
    unverified = sum(1 for g in groups for i in g.indicators if i.is_unverified)
    return render(
        request,
        "indicators/detail.html",
        {
            "system": system,
            "groups": groups,
            "unverified": unverified,
            "count": sum(len(g.indicators) for g in groups),
            "copy_form": CopyEditionForm(initial={"title": system.title}),
            "changes": system.changes.select_related("by")[:30],
            "can_manage": permissions.can_manage_catalogues(request.user),
        },
    )


@login_required
def indicator_edit(request, code: str, pk: int | None = None):
    _can_manage(request)
    system = get_object_or_404(IndicatorSystem, code=code)
    indicator = get_object_or_404(Indicator, pk=pk, system=system) if pk else None
    if not system.is_editable:
        messages.error(
            request,
            _("A published or retired edition cannot be changed; copy it into a new draft."),
        )
        return redirect("indicators:detail", code=system.code)
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_indicator(form, system=system, by=request.user)
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            messages.success(request, _("Indicator %(code)s saved.") % {"code": saved.code})
            return redirect("indicators:detail", code=system.code)
    return render(
        request, "indicators/edit.html", {"system": system, "indicator": indicator, "form": form}
    )


@login_required
@require_POST
def indicator_delete(request, code: str, pk: int):
    _can_manage(request)
    indicator = get_object_or_404(Indicator, pk=pk, system__code=code)
    attempt(
        request,
        lambda: services.delete_indicator(indicator, by=request.user),
        _("Indicator %(code)s deleted.") % {"code": indicator.code},
    )
    return redirect("indicators:detail", code=code)


@login_required
@require_POST
def edition_copy(request, code: str):
    _can_manage(request)
    source = get_object_or_404(IndicatorSystem, code=code)
    form = CopyEditionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("indicators:detail", code=code)
    draft = services.copy_edition(source, by=request.user, **form.cleaned_data)
    messages.success(
        request, _("Draft %(code)s created from %(source)s.") % {"code": draft.code, "source": code}
    )
    return redirect("indicators:detail", code=draft.code)


@login_required
@require_POST
def edition_transition(request, code: str, action: str):
    _can_manage(request)
    system = get_object_or_404(IndicatorSystem, code=code)
    try:
        if action == "default":
            services.make_default_edition(system, by=request.user)
        else:
            services.transition_edition(system, action=action, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Edition %(code)s updated.") % {"code": code})
    return redirect("indicators:detail", code=code)


@login_required
def edition_export(request, code: str):
    _can_view(request)
    system = get_object_or_404(IndicatorSystem, code=code)
    return workbook_response(export_edition(system), f"{system.code}.xlsx")


@login_required
def edition_import(request):
    _can_manage(request)
    form = ImportEditionForm(request.POST or None, request.FILES or None)
    import_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            system = import_edition(form.cleaned_data["file"], by=request.user)
        except ImportRejected as exc:
            import_errors = exc.errors
        else:
            messages.success(request, _("Draft %(code)s imported.") % {"code": system.code})
            return redirect("indicators:detail", code=system.code)
    return render(request, "indicators/import.html", {"form": form, "import_errors": import_errors})


@login_required
def edition_diff(request):
    _can_view(request)
    form = DiffForm(request.GET or None)
    diff = None
    if form.is_valid():
        diff = queries.diff_editions(form.cleaned_data["a"], form.cleaned_data["b"])
    return render(request, "indicators/diff.html", {"form": form, "diff": diff})
