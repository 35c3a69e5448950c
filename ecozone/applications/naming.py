"""Public notice, objections, naming by batch, certificates and national recommendation."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.applications import queries
from ecozone.applications.models import Application, NationalRecommendation, Objection
from ecozone.applications.services import actors, current_round, pass_rule_problems, transition
from ecozone.applications.states import Actor, Handling, NationalOutcome, Status
from ecozone.designations.models import Programme
from ecozone.designations.services import get_or_create_batch, name_designation


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days (Monday–Friday) after `start`."""
    current, left = start, days
    while left:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def start_notice(
    application: Application, *, by, starts: datetime.date | None = None
) -> Application:
    """Start the public notice of a passed application whose frozen self-assessment still meets
    the pass rule; otherwise refuse and change nothing."""
    starts = starts or timezone.localdate()
    application = Application.objects.select_related("region").get(pk=application.pk)
    if by is not None and Actor.PROVINCE not in actors(by, application):
        raise PermissionDenied
    if application.status == Status.PASSED:
        problems = notice_problems(application)
        if problems:
            raise ValidationError(problems)
    with transaction.atomic():
        application = transition(application, action="start_notice", by=by)
        application.notice_starts = starts
        application.notice_ends = add_working_days(starts, queries.settings().notice_working_days)
        application.save(update_fields=["notice_starts", "notice_ends"])
    return application


def notice_problems(application: Application) -> list[str]:
    """Why the application's notice may not start: the checks of the snapshot it is judged on."""
    if not queries.is_frozen(application):
        return [
            _(
                "The public notice cannot start: no self-assessment was frozen when the "
                "application was submitted."
            )
        ]
    problems = pass_rule_problems(queries.assessment(application), year=application.base_year)
    if problems:
        return [
            _(
                "The public notice cannot start: the self-assessment frozen at submission does "
                "not meet the pass rule."
            ),
            *problems,
        ]
    return []


def lodge_objection(application: Application, *, name: str, contact: str, text: str) -> Objection:
    """Anyone may object while the notice runs (the showcase's form)."""
    today = timezone.localdate()
    if application.status != Status.PUBLIC_NOTICE or not (
        application.notice_starts <= today <= application.notice_ends
    ):
        raise ValidationError(_("This application is not under public notice."))
    if not (name.strip() and contact.strip() and text.strip()):
        raise ValidationError(_("Give your name, a contact and the objection."))
    return Objection.objects.create(
        application=application, name=name.strip(), contact=contact.strip(), text=text.strip()
    )


def uphold_objection(objection: Objection, *, by, comment: str) -> Application:
    """Send the case back to expert review (a new round with the last panel)."""
    from ecozone.applications.services import _new_round

    if not permissions.is_province_admin(by):
        raise PermissionDenied
    application = objection.application
    with transaction.atomic():
        objection.handled = Handling.UPHELD
        objection.save(update_fields=["handled"])
        last = current_round(application)
        application = transition(
            application, action="back_to_review", by=by, comment=comment or objection.text
        )
        _new_round(
            application, [(a.expert, a.domains) for a in last.assignments.select_related("expert")]
        )
    return application


def ranking(
    programme: Programme, *, today: datetime.date | None = None
) -> list[tuple[Application, tuple]]:
    """Applications whose notice has ended, best first: compliance, expert result, typical cases."""
    today = today or timezone.localdate()
    ready = Application.objects.filter(
        programme=programme, status=Status.PUBLIC_NOTICE, notice_ends__lt=today
    ).select_related("region")
    ranked = []
    for application in ready:
        rounds = application.rounds.count()
        key = (queries.assessment(application).met_share, -rounds, application.green_cases.count())
        ranked.append((application, key))
    ranked.sort(key=lambda pair: (pair[1], -pair[0].pk), reverse=True)
    return ranked


def name_batch(
    *,
    by,
    programme: Programme,
    year: int,
    number: int,
    named_on: datetime.date,
    document_number: str,
    quota: int | None,
) -> list[Application]:
    """Name the best-ranked applications of a batch (within the quota) and create designations."""
    if not permissions.is_province_admin(by):
        raise PermissionDenied
    if not document_number.strip():
        raise ValidationError(_("The naming document number is required."))
    ranked = ranking(programme)
    if not ranked:
        raise ValidationError(_("No application has finished its public notice."))
    chosen = [a for a, _key in ranked][: quota if quota else None]
    with transaction.atomic():
        batch = get_or_create_batch(
            programme=programme,
            year=year,
            number=number,
            named_on=named_on,
            document_number=document_number,
            quota=quota,
        )
        for application in chosen:
            designation = name_designation(
                region=application.region,
                programme=programme,
                batch=batch,
                named_on=named_on,
                document_number=document_number,
                by=by,
                reason=_("named after creation review"),
            )
            application = transition(application, action="name", by=by, comment=document_number)
            application.designation = designation
            application.save(update_fields=["designation"])
    return chosen


def recommend_national(designation, *, by) -> NationalRecommendation:
    if not permissions.is_province_admin(by):
        raise PermissionDenied
    if designation.programme.code != "provincial" or designation.status != "active":
        raise ValidationError(
            _("Only an active provincial zone can be recommended for the national title.")
        )
    recommendation, created = NationalRecommendation.objects.get_or_create(
        designation=designation, defaults={"recommended_by": by}
    )
    if not created:
        raise ValidationError(_("This zone has been recommended already."))
    return recommendation


def record_national_outcome(
    recommendation: NationalRecommendation,
    *,
    by,
    named: bool,
    note: str,
    year: int | None = None,
    number: int | None = None,
    named_on: datetime.date | None = None,
) -> NationalRecommendation:
    if not permissions.is_province_admin(by):
        raise PermissionDenied
    if recommendation.outcome:
        raise ValidationError(_("The national outcome is recorded already."))
    with transaction.atomic():
        recommendation.outcome = NationalOutcome.NAMED if named else NationalOutcome.NOT_NAMED
        recommendation.outcome_note, recommendation.decided_at = note, timezone.now()
        recommendation.save()
        if named:
            if not (year and number and named_on):
                raise ValidationError(_("Give the national batch year, number and naming date."))
            national = Programme.objects.get(code="national")
            batch = get_or_create_batch(
                programme=national,
                year=year,
                number=number,
                named_on=named_on,
                document_number=note,
            )
            name_designation(
                region=recommendation.designation.region,
                programme=national,
                batch=batch,
                named_on=named_on,
                document_number=note,
                by=by,
                reason=_("named by the national ministry"),
            )
    return recommendation
