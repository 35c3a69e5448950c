from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecozone.accounts import permissions as scope
from ecozone.core.feedback import attempt
from ecozone.core.tabular import ImportRejected, workbook_response
from ecozone.indicators.rules import evaluate
from ecozone.reporting import evidence as evidence_service
from ecozone.reporting import excel, permissions, queries, services
from ecozone.reporting.checks import flag_label, parse_input
from ecozone.reporting.forms import (
    DecisionForm,
    DepartmentUploadForm,
    OpenYearForm,
    ReportFilterForm,
    UnlockRequestForm,
    UploadForm,
    YearDatesForm,
)
from ecozone.reporting.models import (
    AnnualReport,
    Evidence,
    ReportingYear,
    ReportValue,
    UnlockRequest,
)
from ecozone.reporting.states import Action

INPUTS = ("number", "task", "yes", "state", "text")


def _report(request, pk: int) -> AnnualReport:
    return scope.get_in_scope_or_404(
        request.user, queries.reports_for(request.user), field="region", pk=pk
    )


def _filters(request):
    form = ReportFilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


@login_required
def report_list(request):
    scope.require(scope.can_list_regions(request.user))
    form, filters = _filters(request)
    reports = queries.reports_for(request.user)
    if filters.get("year"):
        reports = reports.filter(window=filters["year"])
    if filters.get("city"):
        city = filters["city"]
        reports = reports.filter(region__in=[city, *city.children.all()])
    if filters.get("status"):
        reports = reports.filter(status=filters["status"])
    page = Paginator(reports.order_by("-year", "region__code"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reporting/list.html",
        {
            "form": form,
            "page": page,
            "years": ReportingYear.objects.all(),
            "can_open": permissions.can_open_years(request.user),
            "can_board": permissions.can_view_board(request.user),
            "can_department": permissions.can_supply_department_values(request.user),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def open_year(request):
    """Open a year in two steps: the plan (which edition each region reports on, missing years),
    then the confirmation."""
    scope.require(permissions.can_open_years(request.user))
    form = OpenYearForm(request.POST or None)
    plan = missing = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = queries.plan_year(year=data["year"], regions=form.regions(), choice=form.editions())
        missing = (
            []
            if ReportingYear.objects.filter(year=data["year"]).exists()
            else (queries.missing_years(data["year"]))
        )
        for problem in services.plan_problems(plan):
            form.add_error(None, problem)
        if "confirm" in request.POST and not form.errors:
            try:
                window, created = services.open_reporting_year(
                    by=request.user,
                    year=data["year"],
                    opens_on=data["opens_on"],
                    deadline=data["deadline"],
                    locks_on=data["locks_on"],
                    regions=form.regions(),
                    editions=form.editions(),
                    confirm_gap=data["confirm_gap"],
                )
            except ValidationError as exc:
                form.add_error("confirm_gap" if isinstance(exc, services.YearGap) else None, exc)
            else:
                messages.success(
                    request,
                    _("Reporting year %(year)d is open: %(count)d reports created.")
                    % {"year": window.year, "count": created},
                )
                return redirect("reporting:board", year=window.year)
    return render(
        request,
        "reporting/open_year.html",
        {
            "form": form,
            "plan": plan,
            "missing": missing,
            "counts": _edition_counts(plan or []),
        },
    )


def _edition_counts(plan) -> list[tuple[str, int, int]]:
    """(edition, reports, of which moving to it from another edition), by edition code."""
    counts: dict[str, list[int]] = {}
    for p in plan:
        if p.exists:
            continue
        row = counts.setdefault(str(p.edition), [0, 0])
        row[0] += 1
        row[1] += p.moves
    return [(name, n, moving) for name, (n, moving) in sorted(counts.items())]


@login_required
def year_dates(request, year: int):
    scope.require(permissions.can_open_years(request.user))
    window = get_object_or_404(ReportingYear, year=year)
    form = YearDatesForm(
        request.POST or None,
        initial={
            "opens_on": window.opens_on,
            "deadline": window.deadline,
            "locks_on": window.locks_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_year_dates(
                window,
                by=request.user,
                opens_on=data["opens_on"],
                deadline=data["deadline"],
                locks_on=data["locks_on"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The dates of %(year)d were changed.") % {"year": year})
            return redirect("reporting:board", year=year)
    return render(
        request,
        "reporting/year_dates.html",
        {"form": form, "window": window, "changes": window.changes.select_related("by")},
    )


@login_required
def board(request, year: int):
    scope.require(permissions.can_view_board(request.user))
    window = get_object_or_404(ReportingYear, year=year)
    cities = queries.board(request.user, window)
    totals = {state: sum(c.counts[state] for c in cities) for state in queries.BOARD_STATES}
    return render(
        request,
        "reporting/board.html",
        {
            "window": window,
            "cities": cities,
            "totals": totals,
            "states": queries.BOARD_STATES,
            "overdue": sum(c.overdue for c in cities),
            "today": timezone.localdate(),
            "can_open": permissions.can_open_years(request.user),
        },
    )


def _row_inputs(request) -> list[services.RowInput]:
    codes = request.POST.getlist("codes")
    return [
        services.RowInput(
            code,
            {name: request.POST.get(f"v-{code}-{name}", "") for name in INPUTS},
            request.POST.get(f"v-{code}-explanation"),
        )
        for code in codes
    ]


@login_required
def report_detail(request, pk: int):
    report = _report(request, pk)
    result = None
    conflict = None
    if request.method == "POST":
        scope.require(permissions.can_edit_values(request.user, report))
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            result = services.save_values(
                report, by=request.user, rows=_row_inputs(request), version=version
            )
        except services.StaleReport as exc:
            conflict = exc
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            if result.errors:
                messages.warning(
                    request,
                    _("Saved as a draft. %(n)d rows have errors; what you typed is kept below.")
                    % {"n": len(result.errors)},
                )
            else:
                messages.success(request, _("Saved: %(n)d values changed.") % {"n": result.changed})
                return redirect("reporting:report", pk=report.pk)
        report.refresh_from_db()
    return _render_report(request, report, result=result, conflict=conflict)


def _render_report(request, report, *, result=None, conflict=None, status=200):
    rows = queries.form_rows(report)
    editable = (
        services.editable_codes(report)
        if permissions.can_edit_values(request.user, report)
        else set()
    )
    actions = permissions.allowed_actions(request.user, report)
    codes = [(r.indicator.code, f"{r.indicator.code} {r.indicator.name}") for r in rows]
    context = {
        "report": report,
        "groups": queries.grouped(rows),
        "editable": editable,
        "all_editable": editable is None,
        "actions": actions,
        "can_return": any(a.endswith("_return") for a in actions),
        "errors": result.errors if result else {},
        "conflict": conflict,
        "problems": services.submission_problems(report) if Action.SUBMIT in actions else [],
        "events": report.events.select_related("by")[:50],
        "receipts": report.receipts.all(),
        "unlock_form": UnlockRequestForm(codes=codes)
        if permissions.can_request_unlock(request.user, report)
        else None,
        "pending_unlocks": report.unlock_requests.filter(status="pending"),
        "can_decide_unlock": permissions.can_decide_unlock(request.user),
        "flag_label": flag_label,
    }
    return render(request, "reporting/report.html", context, status=status)


@login_required
@require_POST
def check_row(request, pk: int, code: str):
    """htmx: the verdict for what is typed in one row, without saving."""
    report = _report(request, pk)
    row = next((r for r in queries.form_rows(report) if r.indicator.code == code), None)
    if row is None:
        return render(request, "reporting/_verdict.html", {"evaluation": None}, status=404)
    parsed = parse_input(
        row.spec, {name: request.POST.get(f"v-{code}-{name}", "") for name in INPUTS}
    )
    evaluation = None
    if not parsed.errors:
        evaluation = evaluate(
            row.spec.rule,
            parsed.reported(),
            queries.reported(row.previous),
            queries.region_facts(report.region),
        )
    return render(
        request, "reporting/_verdict.html", {"evaluation": evaluation, "errors": parsed.errors}
    )


@login_required
@require_POST
def transition(request, pk: int, action: str):
    report = _report(request, pk)
    scope.require(action in permissions.allowed_actions(request.user, report))
    try:
        if action == Action.SUBMIT:
            services.submit_report(
                report, by=request.user, version=_int(request.POST.get("version"))
            )
        elif action in (Action.CITY_RETURN, Action.PROVINCE_RETURN):
            reasons = {
                code: request.POST.get(f"reason-{code}", "")
                for code in request.POST.getlist("return")
            }
            returner = (
                services.city_return_report
                if action == Action.CITY_RETURN
                else services.province_return_report
            )
            returner(report, by=request.user, reasons=reasons)
        elif action == Action.CITY_ACCEPT:
            services.city_accept_report(
                report, by=request.user, comment=request.POST.get("comment", "")
            )
        elif action == Action.PROVINCE_ACCEPT:
            services.province_accept_report(
                report, by=request.user, comment=request.POST.get("comment", "")
            )
    except services.StaleReport as exc:
        report.refresh_from_db()
        return _render_report(request, report, conflict=exc, status=409)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Done: the report is now “%(status)s”.")
            % {"status": AnnualReport.objects.get(pk=pk).get_status_display()},
        )
    return redirect("reporting:report", pk=pk)


def _int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return -1


@login_required
@require_POST
def unlock_request(request, pk: int):
    report = _report(request, pk)
    scope.require(permissions.can_request_unlock(request.user, report))
    codes = [(r.indicator.code, r.indicator.code) for r in queries.form_rows(report)]
    form = UnlockRequestForm(request.POST, codes=codes)
    if form.is_valid():
        attempt(
            request,
            lambda: services.request_unlock(
                report,
                by=request.user,
                codes=form.cleaned_data["indicators"],
                reason=form.cleaned_data["reason"],
            ),
            _("The unlock request was sent to the province."),
        )
    else:
        messages.error(request, _("Name the indicators to reopen and the reason."))
    return redirect("reporting:report", pk=pk)


@login_required
@require_POST
def unlock_decide(request, pk: int, request_pk: int, decision: str):
    report = _report(request, pk)
    scope.require(permissions.can_decide_unlock(request.user))
    unlock = get_object_or_404(UnlockRequest, pk=request_pk, report=report)
    form = DecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    attempt(
        request,
        lambda: services.decide_unlock(
            unlock, by=request.user, approve=decision == "approve", comment=comment
        ),
        _("The unlock request was decided."),
    )
    return redirect("reporting:report", pk=pk)


@login_required
@require_POST
def evidence_upload(request, pk: int):
    report = _report(request, pk)
    scope.require(permissions.can_edit_values(request.user, report))
    code = request.POST.get("indicator", "")
    upload = request.FILES.get(f"file-{code}")
    if request.POST.getlist("codes"):
        # The upload button submits the whole form: save what was typed first, so nothing is lost.
        try:
            services.save_values(
                report,
                by=request.user,
                rows=_row_inputs(request),
                version=_int(request.POST.get("version")),
            )
        except services.StaleReport as exc:
            report.refresh_from_db()
            return _render_report(request, report, conflict=exc, status=409)
        report.refresh_from_db()
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
    else:
        attempt(
            request,
            lambda: evidence_service.add_evidence(
                report, indicator_code=code, upload=upload, by=request.user
            ),
            _("Evidence file stored."),
        )
    return redirect(reverse("reporting:report", args=[pk]) + f"#row-{code}")


def _evidence(request, pk: int) -> Evidence:
    evidence = get_object_or_404(
        Evidence.objects.select_related("value__report__region", "value__indicator"), pk=pk
    )
    if not permissions.can_view_report(request.user, evidence.value.report):
        raise Http404
    return evidence


@login_required
def evidence_download(request, pk: int):
    evidence = get_object_or_404(
        Evidence.objects.select_related("value__report__region", "value__indicator"), pk=pk
    )
    if not permissions.can_download_evidence(request.user, evidence):
        raise Http404
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=True,
        filename=evidence.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def evidence_delete(request, pk: int):
    evidence = _evidence(request, pk)
    report_pk = evidence.value.report_id
    scope.require(permissions.can_edit_values(request.user, evidence.value.report))
    attempt(
        request,
        lambda: evidence_service.remove_evidence(evidence, by=request.user),
        _("Evidence file removed."),
    )
    return redirect("reporting:report", pk=report_pk)


@login_required
def value_history(request, pk: int):
    value = get_object_or_404(
        ReportValue.objects.select_related("report__region", "indicator"), pk=pk
    )
    if not permissions.can_view_report(request.user, value.report):
        raise Http404
    changes = value.changes.select_related("by").order_by("-pk")
    return render(
        request,
        "reporting/history.html",
        {
            "value": value,
            "changes": changes,
            "describe": services.describe_change,
            "series": queries.value_series(value.report, value.indicator.code),
        },
    )


@login_required
def report_template(request, pk: int):
    report = _report(request, pk)
    return workbook_response(
        excel.template_for([report]), f"{report.region.code}-{report.year}.xlsx"
    )


@login_required
def city_template(request, code: str, year: int):
    from ecozone.regions.models import Region

    city = scope.get_in_scope_or_404(request.user, Region.objects.filter(level="city"), code=code)
    reports = list(
        queries.reports_for(request.user)
        .filter(year=year, region__in=[city, *city.children.all()])
        .order_by("region__code")
    )
    if not reports:
        raise Http404
    return workbook_response(excel.template_for(reports), f"{city.code}-{year}.xlsx")


@login_required
def import_values(request):
    scope.require(scope.can_list_regions(request.user))
    form = UploadForm(request.POST or None, request.FILES or None)
    import_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            changed = excel.import_values(form.cleaned_data["file"], by=request.user)
        except ImportRejected as exc:
            import_errors = exc.errors
        else:
            messages.success(request, _("Imported: %(n)d values changed.") % {"n": changed})
            return redirect("reporting:list")
    return render(request, "reporting/import.html", {"form": form, "import_errors": import_errors})


@login_required
def export_values(request):
    scope.require(scope.can_list_regions(request.user))
    _form, filters = _filters(request)
    values = excel.values_for_export(
        request.user,
        year=filters.get("year").year if filters.get("year") else None,
        city=filters.get("city"),
        indicator_code=filters.get("indicator", ""),
        status=filters.get("status", ""),
    )
    return workbook_response(excel.export_values(values), _("indicator-values.xlsx"))


@login_required
def department(request):
    scope.require(permissions.can_supply_department_values(request.user))
    form = DepartmentUploadForm(request.POST or None, request.FILES or None)
    import_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            changed = excel.import_department_values(
                form.cleaned_data["file"], by=request.user, year=form.cleaned_data["year"].year
            )
        except ImportRejected as exc:
            import_errors = exc.errors
        else:
            messages.success(
                request, _("Department values stored: %(n)d changed.") % {"n": changed}
            )
            return redirect("reporting:department")
    supplied = ReportValue.objects.filter(
        dept_organisation=request.user.organisation
    ).select_related("report__region", "indicator")
    mismatches = [
        v
        for v in supplied.order_by("-report__year", "report__region__code")
        if "dept_mismatch" in v.flags
    ]
    return render(
        request,
        "reporting/department.html",
        {
            "form": form,
            "import_errors": import_errors,
            "years": ReportingYear.objects.all(),
            "mismatches": mismatches,
        },
    )


@login_required
def department_template(request, year: int):
    scope.require(permissions.can_supply_department_values(request.user))
    get_object_or_404(ReportingYear, year=year)
    return workbook_response(
        excel.department_template(user=request.user, year=year), f"department-{year}.xlsx"
    )
