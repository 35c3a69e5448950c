"""Scoring-scheme versions: the list, a version in words with its diff and preview, the editor of
a draft, copying, publishing, export and import. The province writes; departments read."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecozone.accounts import permissions
from ecozone.core.feedback import attempt
from ecozone.ratings import scheme_queries, schemes, services
from ecozone.ratings.forms_schemes import SchemeCopyForm, SchemeEditor, SchemeImportForm
from ecozone.ratings.models import Scheme
from ecozone.ratings.states import SchemeStatus


def _reader(request) -> None:
    permissions.require(scheme_queries.can_read_schemes(request.user))


def _admin(request) -> None:
    permissions.require(permissions.is_province_admin(request.user))


def _scheme(code: str) -> Scheme:
    return get_object_or_404(Scheme.objects.select_related("base", "created_by"), code=code)


def _refused(form, exc: ValidationError) -> None:
    """A service's refusal beside the form's field it names, else at the top."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(key if key in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@login_required
def scheme_list(request):
    _reader(request)
    return render(
        request,
        "ratings/schemes.html",
        {
            "versions": scheme_queries.versions(),
            "is_admin": permissions.is_province_admin(request.user),
        },
    )


@login_required
def scheme_detail(request, code: str):
    _reader(request)
    scheme = _scheme(code)
    names = scheme_queries.indicator_names()
    is_admin = permissions.is_province_admin(request.user)
    return render(
        request,
        "ratings/scheme.html",
        {
            "scheme": scheme,
            "sections": schemes.sections(scheme.settings, names),
            "changes": (
                schemes.diff(scheme.base.settings, scheme.settings, names) if scheme.base else []
            ),
            "preview": scheme_queries.preview(scheme),
            "campaigns": scheme.campaigns.order_by("-year", "-pk"),
            "is_admin": is_admin,
            "copy_form": SchemeCopyForm() if is_admin else None,
        },
    )


@login_required
def scheme_edit(request, code: str):
    _admin(request)
    scheme = _scheme(code)
    if scheme.status != SchemeStatus.DRAFT:
        messages.error(request, _("A published scheme cannot change; copy it into a new version."))
        return redirect("ratings:scheme", code=code)
    choices = [(c, f"{c} {n}") for c, n in scheme_queries.indicator_names().items()]
    editor = SchemeEditor(request.POST or None, scheme=scheme, indicator_choices=choices)
    if request.method == "POST" and editor.is_valid():
        data = editor.form.cleaned_data
        try:
            services.update_scheme(
                scheme,
                settings=editor.settings(),
                title=data["title"],
                note=data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            editor.add_error(exc)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("ratings:scheme", code=code)
    return render(
        request,
        "ratings/scheme_edit.html",
        {"scheme": scheme, "editor": editor, "summary": editor.summary()},
    )


@login_required
def scheme_copy(request, code: str):
    _admin(request)
    base = _scheme(code)
    form = SchemeCopyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scheme = services.create_scheme_version(
                base=base,
                code=data["code"],
                title=data["title"],
                note=data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("A new draft is copied from %(code)s.") % {"code": code})
            return redirect("ratings:scheme_edit", code=scheme.code)
    return render(request, "ratings/scheme_copy.html", {"base": base, "form": form})


@login_required
@require_POST
def scheme_publish(request, code: str):
    _admin(request)
    scheme = _scheme(code)
    attempt(
        request,
        lambda: services.publish_scheme(scheme, by=request.user),
        _("Published: campaigns may now use this version; it can no longer change."),
    )
    return redirect("ratings:scheme", code=code)


@login_required
def scheme_export(request, code: str):
    _reader(request)
    scheme = _scheme(code)
    body = json.dumps(services.export_scheme(scheme), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scheme-{scheme.code}.json"'
    return response


@login_required
def scheme_import(request):
    _admin(request)
    form = SchemeImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["data"]
        if form.cleaned_data["code"]:
            data = {**data, "code": form.cleaned_data["code"]}
        try:
            scheme = services.import_scheme(data=data, by=request.user)
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Imported as draft %(code)s.") % {"code": scheme.code})
            return redirect("ratings:scheme", code=scheme.code)
    return render(request, "ratings/scheme_import.html", {"form": form})
