"""The only code that writes creation applications: the workflow, materials, expert review.

Every state change goes through `transition()`, which reads the TRANSITIONS table, runs in one
transaction and appends an ApplicationEvent. Pages, the API and the demo loader call these.
"""

from __future__ import annotations

from collections import Counter

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.accounts.models import Role, User
from ecozone.applications import queries
from ecozone.applications.models import (
    Application,
    ApplicationEvent,
    GreenCase,
    IndicatorOpinion,
    Material,
    Notification,
    ReviewAssignment,
    ReviewRound,
)
from ecozone.applications.states import (
    TRANSITIONS,
    Actor,
    Conclusion,
    Opinion,
    RoundResult,
    Status,
)
from ecozone.core.uploads import check_image, check_upload
from ecozone.designations.models import Designation
from ecozone.indicators.queries import default_edition
from ecozone.indicators.rules import Verdict, fmt
from ecozone.ratings.models import ConsequenceCase
from ecozone.reporting.conflicts import conflict_of_interest
from ecozone.reporting.models import AnnualReport


def actors(user, application: Application) -> set[str]:
    found = set()
    home = permissions.home_region(user)
    if home is not None and home.pk == application.region_id:
        found.add(
            Actor.CITY_APPLICANT if application.region.level == "city" else Actor.COUNTY_APPLICANT
        )
    if (
        permissions.role_of(user) == Role.CITY
        and home is not None
        and application.region.parent_id == home.pk
    ):
        found.add(Actor.CITY)
    if permissions.is_province_admin(user):
        found.add(Actor.PROVINCE)
    return found


def allowed_actions(user, application: Application) -> list[str]:
    mine = actors(user, application)
    return sorted({a for s, a, who, _to in TRANSITIONS if s == application.status and who in mine})


def notify(users, text: str, url: str = "") -> None:
    users = [u for u in users if u is not None]
    Notification.objects.bulk_create(Notification(user=u, text=text, url=url) for u in users)
    emails = [u.email for u in users if u.email]
    if emails:
        send_mail(
            subject=text[:80],
            message=f"{text}\n{url}",
            from_email=None,
            recipient_list=emails,
            fail_silently=True,
        )


def mark_notifications_read(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _applicant_users(application):
    return list(User.objects.filter(organisation__region=application.region, is_active=True))


def transition(
    application: Application, *, action: str, by, comment: str = "", items=None
) -> Application:
    """The one function that changes an application's state (TRANSITIONS)."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update().select_related("region").get(pk=application.pk)
        )
        mine = actors(by, application) if by is not None else {Actor.PROVINCE}
        row = next(
            (
                t
                for t in TRANSITIONS
                if t[0] == application.status and t[1] == action and t[2] in mine
            ),
            None,
        )
        if row is None:
            if any(t[0] == application.status and t[1] == action for t in TRANSITIONS):
                raise PermissionDenied
            raise ValidationError(
                _("An application that is “%(status)s” cannot take this action.")
                % {"status": application.get_status_display()}
            )
        old, application.status = application.status, row[3]
        application.status_changed_at = timezone.now()
        if items is not None:
            application.open_items = items
        application.save()
        ApplicationEvent.objects.create(
            application=application,
            by=by,
            action=action,
            from_status=old,
            to_status=row[3],
            comment=comment,
            items=items or [],
        )
    url = reverse("applications:detail", args=[application.pk])
    text = _("%(region)s · %(programme)s: %(status)s") % {
        "region": application.region.name,
        "programme": application.programme.short_name,
        "status": application.get_status_display(),
    }
    notify(_applicant_users(application), text, url)
    return application


# ---------------------------------------------------------------------------- creating, materials


def create_application(
    *, by, region, programme, base_year: int, target_year: int | None = None
) -> Application:
    home = permissions.home_region(by)
    if home is None or home.pk != region.pk:
        raise PermissionDenied
    if Designation.objects.holding().filter(region=region, programme=programme).exists():
        raise ValidationError(_("%(region)s already holds this title.") % {"region": region.name})
    open_ = Application.objects.filter(region=region, programme=programme).exclude(
        status__in=[Status.NAMED, Status.REJECTED, Status.WITHDRAWN]
    )
    if open_.exists():
        raise ValidationError(_("An application for this title is already under way."))
    barred = ConsequenceCase.objects.filter(
        designation__region=region,
        kind="delisting",
        status="confirmed",
        barred_until__gt=timezone.localdate(),
    ).first()
    if barred:
        raise ValidationError(
            _("%(region)s was delisted and may not re-apply before %(date)s.")
            % {"region": region.name, "date": barred.barred_until}
        )
    report = AnnualReport.objects.filter(region=region, year=base_year).first()
    system = report.system if report else default_edition()
    with transaction.atomic():
        application = Application.objects.create(
            region=region,
            programme=programme,
            base_year=base_year,
            target_year=target_year,
            system=system,
            created_by=by,
        )
        ApplicationEvent.objects.create(
            application=application, by=by, action="create", to_status=Status.DRAFT
        )
    return application


def _require_editable(application: Application, by) -> None:
    if not actors(by, application) & {Actor.COUNTY_APPLICANT, Actor.CITY_APPLICANT}:
        raise PermissionDenied
    if application.status not in (Status.DRAFT, Status.RETURNED, Status.RECTIFICATION):
        raise ValidationError(_("The application cannot be changed in its current state."))


def add_material(application: Application, *, by, kind: str, upload) -> Material:
    _require_editable(application, by)
    name, content_type = check_upload(upload)
    material = Material(
        application=application,
        kind=kind,
        name=name,
        size=upload.size,
        content_type=content_type,
        uploaded_by=by,
    )
    material.file.save(name, upload, save=False)
    material.save()
    return material


def add_green_case(application: Application, *, by, title: str, text: str, image=None) -> GreenCase:
    _require_editable(application, by)
    if not title.strip() or not text.strip():
        raise ValidationError(_("A case needs a title and a text."))
    case = GreenCase(application=application, title=title, text=text)
    if image is not None:
        name, _type = check_image(image)
        case.image.save(name, image, save=False)
    case.save()
    return case


# ---------------------------------------------------------------------- submitting and pre-review


def _base_report(application: Application) -> AnnualReport | None:
    """The base-year report, locked until the transaction ends: the values frozen are those of
    its current version, not half of a save made meanwhile."""
    return (
        AnnualReport.objects.select_for_update()
        .filter(region=application.region_id, year=application.base_year)
        .first()
    )


def pass_rule_problems(assessment: queries.Assessment, *, year: int) -> list[str]:
    """Why an assessment does not meet the pass rule (empty when it does)."""
    problems = []

    def listed(rows) -> str:
        return "、".join(f"{r.indicator.code} {r.indicator.name}".strip() for r in rows)

    failing = assessment.failing_binding
    not_met = [r for r in failing if r.verdict != Verdict.MISSING]
    missing = [r for r in failing if r.verdict == Verdict.MISSING]
    if not_met:
        problems.append(
            _("Binding indicators not met in %(year)d: %(list)s")
            % {"year": year, "list": listed(not_met)}
        )
    if missing:
        problems.append(
            _("Binding indicators without a value in %(year)d: %(list)s")
            % {"year": year, "list": listed(missing)}
        )
    if assessment.reference_share < assessment.required_share:
        problems.append(
            _(
                "Only %(share)s%% of the applicable reference indicators are met; "
                "%(required)s%% are required."
            )
            % {
                "share": fmt(assessment.reference_share * 100),
                "required": fmt(assessment.required_share * 100),
            }
        )
    return problems


def _judge(application: Application) -> tuple[dict, list[str]]:
    """The snapshot to freeze and the problems that forbid it (decision 0009). Call inside a
    transaction. Reasons are written in the site's language: a snapshot is a record."""
    report = _base_report(application)
    if report is None:
        return {}, [
            _("There is no annual report of %(year)d: the application is judged on its values.")
            % {"year": application.base_year}
        ]
    with translation.override(django_settings.LANGUAGE_CODE):
        data = queries.self_assessment(application).as_json(report)
    return data, pass_rule_problems(
        queries.read_assessment(data, frozen=False), year=application.base_year
    )


def _freeze(application: Application, data: dict) -> Application:
    application.compliance, application.assessed_at = data, timezone.now()
    application.save(update_fields=["compliance", "assessed_at"])
    return application


def submit_application(application: Application, *, by) -> Application:
    """Submit (or resubmit after a return), freezing the self-assessment it is judged on."""
    with transaction.atomic():
        data, problems = _judge(application)
        if not application.materials.filter(kind=Material.PLAN).exists():
            problems.append(_("Upload the construction plan."))
        if problems:
            raise ValidationError(problems)
        application = transition(application, action="submit", by=by)
        return _freeze(application, data)


def return_application(
    application: Application, *, by, reasons: dict[str, str], action: str
) -> Application:
    """Return to the applicant with a reason per item (city pre-review or province)."""
    items = [
        {"item": item, "reason": reason.strip()} for item, reason in reasons.items() if item.strip()
    ]
    if not items or any(not i["reason"] for i in items):
        raise ValidationError(_("Name each item to fix and give its reason."))
    return transition(application, action=action, by=by, items=items)


# ---------------------------------------------------------------------------- expert review


def open_round(application: Application, *, by, panel: list[tuple[User, list[str]]]) -> ReviewRound:
    """Assign a panel (expert, domains) and open the first round of review."""
    if not permissions.is_province_admin(by):
        raise PermissionDenied
    settings = queries.settings()
    years = [application.base_year - 1, application.base_year]
    for expert, _domains in panel:
        if expert.role != Role.EXPERT:
            raise ValidationError(_("%(name)s is not an expert.") % {"name": expert})
        reason = conflict_of_interest(expert, application.region, years)
        if reason:
            raise ValidationError(
                _("%(name)s cannot review this application: %(reason)s.")
                % {"name": expert, "reason": reason}
            )
    if len(panel) < settings.min_panel:
        raise ValidationError(
            _("A panel needs at least %(n)d experts.") % {"n": settings.min_panel}
        )
    departments = {e.organisation_id for e, _d in panel if e.organisation_id}
    if len(departments) < settings.min_departments:
        raise ValidationError(
            _("A panel needs experts from at least %(n)d departments.")
            % {"n": settings.min_departments}
        )
    with transaction.atomic():
        review = _new_round(application, [(e, d) for e, d in panel])
        transition(application, action="open_review", by=by)
    notify(
        [e for e, _d in panel],
        _("You are assigned to review %(region)s.") % {"region": application.region.name},
        reverse("applications:review", args=[application.pk]),
    )
    return review


def _new_round(application: Application, panel) -> ReviewRound:
    number = (
        application.rounds.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    # A round reviews what the application was frozen with (its last submission).
    review = ReviewRound.objects.create(
        application=application,
        number=number,
        snapshot=queries.assessment_data(Application.objects.get(pk=application.pk)),
    )
    ReviewAssignment.objects.bulk_create(
        ReviewAssignment(round=review, expert=e, domains=d) for e, d in panel
    )
    return review


def current_round(application: Application) -> ReviewRound | None:
    return application.rounds.order_by("-number").first()


def save_review(
    assignment: ReviewAssignment,
    *,
    by,
    opinions: dict[str, tuple[str, str]],
    conclusion: str,
    comment: str,
    submit: bool,
) -> ReviewAssignment:
    if by.pk != assignment.expert_id:
        raise PermissionDenied
    if assignment.round.closed_at is not None:
        raise ValidationError(_("The round is closed."))
    if assignment.submitted_at is not None:
        raise ValidationError(_("Your review was submitted and cannot change."))
    for code, (opinion, _text) in opinions.items():
        if opinion and opinion not in Opinion.values:
            raise ValidationError(_("Unknown opinion for %(code)s.") % {"code": code})
    if submit and conclusion not in Conclusion.values:
        raise ValidationError(_("Choose an overall conclusion before submitting."))
    with transaction.atomic():
        for code, (opinion, text) in opinions.items():
            if opinion:
                IndicatorOpinion.objects.update_or_create(
                    assignment=assignment,
                    indicator_code=code,
                    defaults={"opinion": opinion, "comment": text},
                )
        assignment.conclusion, assignment.comment = conclusion or "", comment
        if submit:
            assignment.submitted_at = timezone.now()
        assignment.save()
    return assignment


def consolidate(review: ReviewRound) -> tuple[str, list[str], Counter]:
    """(result, questioned indicator codes, tally) by the default rule: any “disagree” on a binding
    indicator or a majority of “fail” conclusions → rectification; otherwise pass."""
    binding = set(
        review.application.system.indicators.filter(attribute="binding").values_list(
            "code", flat=True
        )
    )
    submitted = [a for a in review.assignments.prefetch_related("opinions") if a.submitted_at]
    tally: Counter = Counter()
    questioned = set()
    binding_disagree = False
    for assignment in submitted:
        for opinion in assignment.opinions.all():
            tally[(opinion.indicator_code, opinion.opinion)] += 1
            if opinion.opinion in (Opinion.DOUBT, Opinion.DISAGREE):
                questioned.add(opinion.indicator_code)
            if opinion.opinion == Opinion.DISAGREE and opinion.indicator_code in binding:
                binding_disagree = True
    fails = sum(1 for a in submitted if a.conclusion == Conclusion.FAIL)
    majority_fail = bool(submitted) and fails * 2 > len(submitted)
    result = RoundResult.RECTIFICATION if binding_disagree or majority_fail else RoundResult.PASS
    if (
        any(a.conclusion == Conclusion.RECTIFY for a in submitted)
        and result == RoundResult.PASS
        and questioned
    ):
        result = RoundResult.RECTIFICATION
    return result, sorted(questioned), tally


def close_round(
    application: Application, *, by, force: bool = False, reject: bool = False, comment: str = ""
) -> ReviewRound:
    if not permissions.is_province_admin(by):
        raise PermissionDenied
    review = current_round(application)
    if review is None or review.closed_at is not None:
        raise ValidationError(_("No review round is open."))
    late = [
        str(a.expert) for a in review.assignments.select_related("expert") if not a.submitted_at
    ]
    if late and not force:
        raise ValidationError(
            _("Still waiting for: %(names)s. Close anyway to record them as late.")
            % {"names": "、".join(late)}
        )
    result, questioned, _tally = consolidate(review)
    if reject:
        result = RoundResult.REJECT
    with transaction.atomic():
        review.closed_at, review.result, review.late_experts, review.questioned = (
            timezone.now(),
            result,
            late,
            questioned,
        )
        review.save()
        action = {
            RoundResult.PASS: "conclude_pass",
            RoundResult.RECTIFICATION: "conclude_rectification",
            RoundResult.REJECT: "conclude_reject",
        }[result]
        items = (
            [{"item": code, "reason": _("questioned by the experts")} for code in questioned]
            if result == RoundResult.RECTIFICATION
            else []
        )
        transition(application, action=action, by=by, comment=comment, items=items)
    return review


def submit_rectification(application: Application, *, by, responses: dict[str, str]) -> ReviewRound:
    previous = current_round(application)
    missing = [code for code in previous.questioned if not responses.get(code, "").strip()]
    if missing:
        raise ValidationError(
            _("Explain how each questioned item was rectified: %(codes)s")
            % {"codes": "、".join(missing)}
        )
    with transaction.atomic():
        data, problems = _judge(application)
        if problems:
            raise ValidationError(problems)
        previous.responses = {code: responses[code].strip() for code in previous.questioned}
        previous.save(update_fields=["responses"])
        application = transition(application, action="submit_rectification", by=by)
        _freeze(application, data)
        review = _new_round(
            application,
            [(a.expert, a.domains) for a in previous.assignments.select_related("expert")],
        )
    notify(
        [a.expert for a in review.assignments.select_related("expert")],
        _("%(region)s has rectified: please re-review.") % {"region": application.region.name},
        reverse("applications:review", args=[application.pk]),
    )
    return review


def my_assignment(application: Application, expert) -> ReviewAssignment | None:
    review = current_round(application)
    if review is None:
        return None
    return review.assignments.filter(expert=expert).first()
