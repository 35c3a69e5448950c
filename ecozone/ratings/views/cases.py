"""Interview and delisting cases (SPEC §7.2): the list in scope, a case's page, and the
province's decisions, one view each: closing an interview with its outcome, confirming a
delisting in two steps (the consequence named first, then the final confirmation), dismissing
it with a reason."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecozone.accounts import permissions
from ecozone.ratings import services
from ecozone.ratings.forms import OutcomeForm
from ecozone.ratings.forms_consequences import DelistingForm
from ecozone.ratings.models import ConsequenceCase
from ecozone.ratings.states import CaseKind, CaseStatus


def _case(request, pk: int) -> ConsequenceCase:
    """The case, if its region is in the user's scope (404 otherwise: experts, other regions)."""
    case = get_object_or_404(
        ConsequenceCase.objects.select_related(
            "designation__region", "designation__programme", "zone__campaign__scheme"
        ),
        pk=pk,
    )
    if not permissions.can_view_region(request.user, case.designation.region):
        raise Http404
    return case


def _decider(request, pk: int, kind: str) -> ConsequenceCase:
    """The case a province decision is about: in scope (404), by the province (403), of the
    decision's kind (404: no such action on this case)."""
    case = _case(request, pk)
    permissions.require(permissions.is_province_admin(request.user))
    if case.kind != kind:
        raise Http404
    return case


def _decide(request, form, action, success: str) -> bool:
    """Run a service; its refusal goes beside the form with the input kept."""
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return False
    messages.success(request, success)
    return True


def delisting_consequence(case: ConsequenceCase, *, today: datetime.date) -> str:
    """What confirming the delisting does, in the words the province confirms."""
    years = services.settings_of(case.zone.campaign.scheme).reapply_bar_years
    return _(
        "Once confirmed, the %(programme)s title of %(zone)s will be delisted and shown on the "
        "public notice page; it may not be applied for again for %(years)d years from %(today)s "
        "(until %(until)s)."
    ) % {
        "zone": case.designation.region.name,
        "programme": case.designation.programme.name,
        "years": years,
        "today": today.isoformat(),
        "until": services.years_after(today, years).isoformat(),
    }


def _render_case(request, case, *, outcome_form=None, delisting_form=None):
    is_admin = permissions.is_province_admin(request.user)
    return render(
        request,
        "ratings/case.html",
        {
            "case": case,
            "is_admin": is_admin,
            "decidable": is_admin and case.status == CaseStatus.OPEN,
            "outcome_form": outcome_form or OutcomeForm(),
            "delisting_form": delisting_form or DelistingForm(),
        },
    )


@login_required
def case_list(request):
    permissions.require(permissions.can_list_regions(request.user))
    visible = permissions.in_scope(
        request.user,
        ConsequenceCase.objects.select_related("designation__region", "zone__campaign"),
        "designation__region",
    )
    return render(request, "ratings/cases.html", {"cases": visible})


@login_required
def case_detail(request, pk: int):
    return _render_case(request, _case(request, pk))


@login_required
@require_POST
def case_close(request, pk: int):
    """The province closes an interview case with its outcome."""
    case = _decider(request, pk, CaseKind.INTERVIEW)
    form = OutcomeForm(request.POST)
    if form.is_valid() and _decide(
        request,
        form,
        lambda: services.close_interview(
            case, by=request.user, outcome=form.cleaned_data["outcome"]
        ),
        _("The interview case is closed."),
    ):
        return redirect("ratings:case", pk=pk)
    return _render_case(request, case, outcome_form=form)


@login_required
@require_POST
def case_delist(request, pk: int):
    """First step: the reason is checked and the consequence named, nothing written. Second
    step (`final`, from the confirmation page): the designation is delisted."""
    case = _decider(request, pk, CaseKind.DELISTING)
    if case.status != CaseStatus.OPEN:
        messages.error(request, _("Only an open delisting case can be decided."))
        return redirect("ratings:case", pk=pk)
    form = DelistingForm(request.POST)
    if not form.is_valid():
        if request.POST.get("final"):
            return _render_confirmation(request, case, form)
        return _render_case(request, case, delisting_form=form)
    if not form.cleaned_data["final"]:
        return _render_confirmation(request, case, form)
    if _decide(
        request,
        form,
        lambda: services.decide_delisting(
            case, by=request.user, confirm=True, outcome=form.cleaned_data["reason"]
        ),
        _("The delisting is confirmed."),
    ):
        return redirect("ratings:case", pk=pk)
    return _render_confirmation(request, case, form)


def _render_confirmation(request, case, form):
    return render(
        request,
        "ratings/case_confirm.html",
        {
            "case": case,
            "form": form,
            "consequence": delisting_consequence(case, today=timezone.localdate()),
        },
    )


@login_required
@require_POST
def case_dismiss(request, pk: int):
    """The province dismisses a delisting case; the reason is all it needs."""
    case = _decider(request, pk, CaseKind.DELISTING)
    form = DelistingForm(request.POST)
    if form.is_valid() and _decide(
        request,
        form,
        lambda: services.decide_delisting(
            case, by=request.user, confirm=False, outcome=form.cleaned_data["reason"]
        ),
        _("The delisting case is dismissed."),
    ):
        return redirect("ratings:case", pk=pk)
    return _render_case(request, case, delisting_form=form)
