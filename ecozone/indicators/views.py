from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecozone.accounts import permissions
from ecozone.core.feedback import attempt
from ecozone.core.tabular import ImportRejected, workbook_response
from ecozone.indicators import queries, services
from ecozone.indicators.excel import export_edition, export_mapping, import_edition, read_mapping
from ecozone.indicators.forms import (
    CopyEditionForm,
    DiffForm,
    ImportEditionForm,
    IndicatorForm,
    MappingFormSet,
    MappingSourceForm,
)
from ecozone.indicators.mapping import MappingLine, propose
from ecozone.indicators.models import EditionMapping, Indicator, IndicatorSystem


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
            "mappings": system.mappings_in.select_related("source"),
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


# ---------------------------------------------------------------------------- mappings


def _mapping_context(request, code: str):
    """The target edition, the chosen source edition (?from=) and the mapping between them."""
    target = get_object_or_404(IndicatorSystem, code=code)
    source_form = MappingSourceForm(request.GET or None)
    source_form.fields["source"].queryset = IndicatorSystem.objects.exclude(pk=target.pk)
    source = source_form.cleaned_data["source"] if source_form.is_valid() else None
    if source is None and target.copied_from_id and "source" not in request.GET:
        source = target.copied_from
        source_form = MappingSourceForm(initial={"source": source.code})
        source_form.fields["source"].queryset = IndicatorSystem.objects.exclude(pk=target.pk)
    mapping = (
        EditionMapping.objects.filter(source=source, target=target).first() if source else None
    )
    return target, source, source_form, mapping


@login_required
def mapping_edit(request, code: str):
    _can_view(request)
    if request.method == "POST":
        _can_manage(request)
    target, source, source_form, mapping = _mapping_context(request, code)
    can_edit = permissions.can_manage_catalogues(request.user) and not (
        mapping and mapping.is_published
    )
    formset = problems = None
    if source is not None:
        old_codes = [(c, f"{c} {n}") for c, n in source.indicators.values_list("code", "name")]
        new_codes = [(c, f"{c} {n}") for c, n in target.indicators.values_list("code", "name")]
        if mapping is not None:
            initial = [
                {"old_code": r.old_code, "new_code": r.new_code, "kind": r.kind, "note": r.note}
                for r in mapping.rows.all()
            ]
        else:
            initial = [
                line._asdict() | {"old_code": line.old, "new_code": line.new}
                for line in propose(
                    list(source.indicators.values_list("code", "name")),
                    list(target.indicators.values_list("code", "name")),
                )
            ]
        kwargs = {
            "form_kwargs": {
                "old_codes": old_codes,
                "new_codes": new_codes,
                "read_only": not can_edit,
            }
        }
        if request.method == "POST":
            _can_manage(request)
            formset = MappingFormSet(request.POST, **kwargs)
            if formset.is_valid():
                rows = [
                    f.cleaned_data
                    for f in formset.forms
                    if f.cleaned_data and not f.cleaned_data.get("DELETE")
                ]
                lines = [MappingLine(r["old_code"], r["new_code"], r["kind"]) for r in rows]
                try:
                    services.save_mapping(
                        source=source,
                        target=target,
                        lines=lines,
                        notes=[r["note"] for r in rows],
                        by=request.user,
                    )
                except services.MappingRejected as exc:
                    problems = exc.messages
                except ValidationError as exc:
                    problems = exc.messages
                else:
                    messages.success(request, _("The mapping was saved."))
                    return _back_to_mapping(target, source)
        else:
            formset = MappingFormSet(initial=initial, **kwargs)
    return render(
        request,
        "indicators/mapping.html",
        {
            "target": target,
            "source": source,
            "source_form": source_form,
            "mapping": mapping,
            "formset": formset,
            "problems": problems,
            "can_edit": can_edit,
            "import_form": ImportEditionForm(),
        },
    )


def _back_to_mapping(target, source):
    url = reverse("indicators:mapping", args=[target.code])
    return redirect(f"{url}?source={source.code}" if source else url)


@login_required
@require_POST
def mapping_publish(request, code: str):
    _can_manage(request)
    target, source, _form, mapping = _mapping_context(request, code)
    if mapping is None:
        raise Http404
    attempt(
        request,
        lambda: services.publish_mapping(mapping, by=request.user),
        _("The mapping %(mapping)s is published.") % {"mapping": mapping},
    )
    return _back_to_mapping(target, source)


@login_required
@require_POST
def mapping_import(request, code: str):
    _can_manage(request)
    target, source, _form, _mapping = _mapping_context(request, code)
    if source is None:
        raise Http404
    form = ImportEditionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a workbook (.xlsx)."))
        return _back_to_mapping(target, source)
    try:
        lines, notes = read_mapping(form.cleaned_data["file"])
        services.save_mapping(
            source=source, target=target, lines=lines, notes=notes, by=request.user
        )
    except ImportRejected as exc:
        for error in exc.errors:
            messages.error(request, str(error))
    except services.MappingRejected as exc:
        # Sheet rows start under the header row.
        for row, message in exc.problems:
            text = _("row %(row)d: %(message)s") % {"row": row + 1, "message": message}
            messages.error(request, text if row else message)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The mapping was imported: %(n)d rows.") % {"n": len(lines)})
    return _back_to_mapping(target, source)


@login_required
def mapping_export(request, code: str):
    _can_view(request)
    target, source, _form, mapping = _mapping_context(request, code)
    if source is None:
        raise Http404
    if mapping is not None:
        rows = list(mapping.rows.all())
        lines = [MappingLine(r.old_code, r.new_code, r.kind) for r in rows]
        notes = [r.note for r in rows]
    else:
        lines = propose(
            list(source.indicators.values_list("code", "name")),
            list(target.indicators.values_list("code", "name")),
        )
        notes = [""] * len(lines)
    return workbook_response(
        export_mapping(lines, notes), f"mapping-{source.code}-{target.code}.xlsx"
    )
