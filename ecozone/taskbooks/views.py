from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecozone.accounts import permissions as scope
from ecozone.core.feedback import attempt
from ecozone.core.pdf import pdf_response
from ecozone.core.tabular import ImportRejected, workbook_response
from ecozone.taskbooks import excel, permissions, queries, services
from ecozone.taskbooks.forms import (
    AdjustmentForm,
    AmendForm,
    CopyForm,
    ImportForm,
    NewBookForm,
    ProgressForm,
    ScoreForm,
    TaskForm,
    YearSettingsForm,
)
from ecozone.taskbooks.models import AssessmentYear, Progress, Task
from ecozone.taskbooks.states import BookStatus


def _book(request, pk: int):
    """A book within the user's scope (404 otherwise: drafts are the province's)."""
    return get_object_or_404(queries.books_for(request.user), pk=pk)


def _task(request, pk: int) -> Task:
    task = get_object_or_404(Task.objects.select_related("book"), pk=pk)
    if not permissions.can_view(request.user, task.book):
        raise Http404
    return task


def _manage(request) -> None:
    scope.require(permissions.can_manage(request.user))


@login_required
def book_list(request):
    scope.require(permissions.can_list(request.user))
    years = queries.years()
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0))
    except ValueError:
        year = years[0] if years else 0
    books = list(queries.books_for(request.user).filter(year=year))
    return render(
        request,
        "taskbooks/list.html",
        {
            "year": year,
            "years": years,
            "books": books,
            "assessment": AssessmentYear.objects.filter(year=year).first(),
            "can_manage": permissions.can_manage(request.user),
            "copy_form": CopyForm(initial={"source_year": year, "year": year + 1}),
            "new_form": NewBookForm(),
            "drafts": sum(b.status == BookStatus.DRAFT for b in books),
        },
    )


@login_required
def book_detail(request, pk: int):
    book = _book(request, pk)
    manage = permissions.can_manage(request.user)
    rows = queries.task_rows(book)
    for row in rows:  # one form per task, with ids of its own
        row.score_form = ScoreForm(auto_id=f"id_t{row.task.pk}_%s")
        row.progress_form = ProgressForm(auto_id=f"id_t{row.task.pk}_%s")
    return render(
        request,
        "taskbooks/book.html",
        {
            "book": book,
            "rows": rows,
            "events": book.events.select_related("by"),
            "adjustments": book.adjustments.select_related("by"),
            "can_manage": manage,
            "can_report": permissions.can_report(request.user, book),
            "can_acknowledge": permissions.is_recipient(request.user, book)
            and book.status == BookStatus.ISSUED,
            "scorable": manage and book.status in services.SCORABLE,
            "adjustment_form": AdjustmentForm(),
            "import_form": ImportForm(),
        },
    )


@login_required
@require_POST
def book_new(request, year: int):
    _manage(request)
    form = NewBookForm(request.POST)
    if form.is_valid():
        try:
            book = services.create_book(by=request.user, year=year, **form.chosen())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("taskbooks:book", pk=book.pk)
    return redirect(f"{_list_url()}?year={year}")


def _list_url() -> str:
    return reverse("taskbooks:list")


@login_required
@require_POST
def year_copy(request):
    _manage(request)
    form = CopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give both years."))
        return redirect("taskbooks:list")
    data = form.cleaned_data
    attempt(
        request,
        lambda: messages.success(
            request,
            _("%(n)d task books drafted for %(year)d.")
            % {
                "n": services.copy_year(
                    by=request.user, source_year=data["source_year"], year=data["year"]
                ),
                "year": data["year"],
            },
        ),
    )
    return redirect(f"{_list_url()}?year={data['year']}")


@login_required
@require_POST
def year_issue(request, year: int):
    _manage(request)
    attempt(
        request,
        lambda: messages.success(
            request,
            _("%(n)d task books issued.") % {"n": services.issue_year(by=request.user, year=year)},
        ),
    )
    return redirect(f"{_list_url()}?year={year}")


@login_required
def year_settings(request, year: int):
    _manage(request)
    assessment = get_object_or_404(AssessmentYear, year=year)
    form = YearSettingsForm(
        request.POST or None, instance=AssessmentYear.objects.get(pk=assessment.pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_year_settings(
                by=request.user, assessment=assessment, data=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The settings of %(year)d were saved.") % {"year": year})
            return redirect(f"{_list_url()}?year={year}")
    return render(request, "taskbooks/settings.html", {"form": form, "assessment": assessment})


@login_required
def task_edit(request, pk: int, task_pk: int | None = None):
    """Add or change a task of a draft book; amend one of an issued book (with a reason)."""
    _manage(request)
    book = _book(request, pk)
    task = get_object_or_404(Task, pk=task_pk, book=book) if task_pk else None
    amending = book.status != BookStatus.DRAFT
    if amending and task is None:
        raise Http404
    form_class = AmendForm if amending else TaskForm
    form = form_class(request.POST or None, instance=task, book=book)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in services.TASK_FIELDS}
        try:
            if amending:
                services.amend_task(
                    by=request.user, task=task, data=data, reason=form.cleaned_data["reason"]
                )
            else:
                services.save_task(
                    by=request.user,
                    book=book,
                    data=data,
                    task=Task.objects.get(pk=task.pk) if task else None,
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The task was saved."))
            return redirect("taskbooks:book", pk=book.pk)
    return render(
        request, "taskbooks/task_form.html", {"form": form, "book": book, "amending": amending}
    )


@login_required
@require_POST
def task_delete(request, pk: int):
    _manage(request)
    task = _task(request, pk)
    attempt(
        request,
        lambda: services.delete_task(by=request.user, task=task),
        _("The task was deleted."),
    )
    return redirect("taskbooks:book", pk=task.book_id)


@login_required
@require_POST
def book_transition(request, pk: int, action: str):
    book = _book(request, pk)
    if action not in ("issue", "acknowledge", "publish"):
        raise Http404
    if action == "acknowledge":
        scope.require(permissions.is_recipient(request.user, book))
    else:
        _manage(request)
    attempt(
        request,
        lambda: services.transition(book, action=action, by=request.user),
        _("Done: %(action)s.") % {"action": services.action_word(action)},
    )
    return redirect("taskbooks:book", pk=book.pk)


@login_required
@require_POST
def progress_add(request, pk: int):
    task = _task(request, pk)
    scope.require(permissions.can_report(request.user, task.book))
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.report_progress(
                by=request.user,
                task=task,
                period=data["period"],
                text=data["text"],
                value=data["value"],
                upload=data["file"],
            ),
            _("The progress was reported."),
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("taskbooks:book", args=[task.book_id]) + f"#task-{task.pk}")


@login_required
def progress_file(request, pk: int):
    progress = get_object_or_404(Progress.objects.select_related("task__book"), pk=pk)
    if not progress.file or not permissions.can_view(request.user, progress.task.book):
        raise Http404
    return FileResponse(
        progress.file.open("rb"), as_attachment=True, filename=progress.original_name
    )


@login_required
@require_POST
def task_score(request, pk: int):
    _manage(request)
    task = _task(request, pk)
    if task.method == "measured":
        attempt(request, lambda: services.score_task(by=request.user, task=task), _("Scored."))
    else:
        form = ScoreForm(request.POST)
        if form.is_valid():
            # A published result changes only by a recorded correction.
            published = task.book.status == BookStatus.PUBLISHED
            action = services.correct_result if published else services.score_task
            attempt(
                request,
                lambda: action(
                    by=request.user,
                    task=task,
                    awarded=form.cleaned_data["awarded"],
                    reason=form.cleaned_data["reason"],
                ),
                _("Scored."),
            )
        else:
            messages.error(request, _("Give the points (0 to the task's points) and a reason."))
    return redirect(reverse("taskbooks:book", args=[task.book_id]) + f"#task-{task.pk}")


@login_required
@require_POST
def book_score_measured(request, pk: int):
    _manage(request)
    book = _book(request, pk)
    attempt(
        request,
        lambda: services.score_measured(by=request.user, book=book),
        _("The platform-measured tasks were scored from the current data."),
    )
    return redirect("taskbooks:book", pk=book.pk)


@login_required
@require_POST
def adjustment_add(request, pk: int):
    _manage(request)
    book = _book(request, pk)
    form = AdjustmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.add_adjustment(
                by=request.user,
                book=book,
                kind=data["kind"],
                points=data["points"],
                reason=data["reason"],
            ),
            _("Recorded."),
        )
    else:
        messages.error(request, _("Give the kind, the points and a reason."))
    return redirect("taskbooks:book", pk=book.pk)


@login_required
def book_export(request, pk: int):
    book = _book(request, pk)
    return workbook_response(excel.export_book(book), f"taskbook-{book.year}-{book.pk}.xlsx")


@login_required
@require_POST
def book_import(request, pk: int):
    _manage(request)
    book = _book(request, pk)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a workbook (.xlsx)."))
        return redirect("taskbooks:book", pk=book.pk)
    try:
        rows = excel.read_tasks(form.cleaned_data["file"], book)
        count = services.replace_tasks(by=request.user, book=book, rows=rows)
    except ImportRejected as exc:
        for error in exc.errors:
            messages.error(request, str(error))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)d tasks imported.") % {"n": count})
    return redirect("taskbooks:book", pk=book.pk)


@login_required
def results_export(request, year: int):
    _manage(request)
    books = list(
        queries.books_for(request.user)
        .filter(year=year)
        .exclude(status=BookStatus.DRAFT)
        .prefetch_related("tasks")
        .order_by("kind", "rank", "region__code", "organisation__name")
    )
    return workbook_response(excel.export_results(books), f"assessment-{year}.xlsx")


@login_required
def book_pdf(request, pk: int):
    book = _book(request, pk)
    if book.status != BookStatus.PUBLISHED and not permissions.can_manage(request.user):
        raise Http404
    return pdf_response(
        "taskbooks/book_pdf.html",
        {
            "book": book,
            "rows": queries.task_rows(book, live=False),
            "adjustments": book.adjustments.all(),
        },
        stylesheet="css/pdf.css",
        filename=f"assessment-{book.year}-{book.pk}.pdf",
        request=request,
    )
