import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecozone.accounts import permissions
from ecozone.accounts.models import Role, User
from ecozone.applications import naming, queries, services
from ecozone.applications.forms import ObjectionForm
from ecozone.applications.models import (
    Application,
    Material,
    NationalRecommendation,
    Notification,
    Objection,
)
from ecozone.applications.states import VERDICT_LABELS, Actor, Conclusion, Opinion, Status
from ecozone.core.feedback import attempt
from ecozone.core.limits import client_address, over_limit
from ecozone.core.pdf import pdf_response
from ecozone.designations.models import Batch, Designation, Programme


def _application(request, pk: int) -> Application:
    return permissions.get_in_scope_or_404(
        request.user, queries.applications_for(request.user), field="region", pk=pk
    )


def _lines(text: str) -> dict[str, str]:
    """'item: reason' lines → {item: reason} (the return form)."""
    result = {}
    for line in text.splitlines():
        if line.strip():
            item, _sep, reason = line.replace("：", ":").partition(":")
            result[item.strip()] = reason.strip()
    return result


@login_required
def application_list(request):
    permissions.require(permissions.can_list_regions(request.user))
    apps = queries.applications_for(request.user)
    status = request.GET.get("status", "")
    if status:
        apps = apps.filter(
            status__in=[status, Status.RE_REVIEW] if status == Status.EXPERT_REVIEW else [status]
        )
    home = permissions.home_region(request.user)
    return render(
        request,
        "applications/list.html",
        {
            "applications": apps,
            "statuses": Status.choices,
            "status": status,
            "can_apply": home is not None,
            "is_admin": permissions.is_province_admin(request.user),
        },
    )


@login_required
def application_new(request):
    home = permissions.home_region(request.user)
    permissions.require(home is not None)
    programmes = Programme.objects.exclude(code="national")
    if request.method == "POST":
        programme = programmes.filter(code=request.POST.get("programme")).first()
        try:
            base_year = int(request.POST.get("base_year", ""))
        except ValueError:
            base_year = None
        if programme is None or base_year is None:
            messages.error(request, _("Choose the title and the base year."))
        else:
            try:
                application = services.create_application(
                    by=request.user, region=home, programme=programme, base_year=base_year
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                return redirect("applications:detail", pk=application.pk)
    return render(
        request,
        "applications/new.html",
        {"programmes": programmes, "year": timezone.localdate().year - 1, "region": home},
    )


@login_required
def application_detail(request, pk: int):
    application = _application(request, pk)
    mine = services.actors(request.user, application)
    compliance = queries.assessment(application)
    review = services.current_round(application)
    is_admin = permissions.is_province_admin(request.user)
    experts = []
    if is_admin and application.status == Status.PROVINCE_ACCEPTED:
        years = [application.base_year - 1, application.base_year]
        from ecozone.reporting.conflicts import conflict_of_interest

        for expert in User.objects.filter(role=Role.EXPERT).select_related(
            "organisation", "expert_profile"
        ):
            profile = getattr(expert, "expert_profile", None)
            experts.append(
                (
                    expert,
                    profile.domains if profile else [],
                    conflict_of_interest(expert, application.region, years),
                )
            )
    rounds = []
    if is_admin:
        for r in application.rounds.prefetch_related("assignments__expert__organisation"):
            result = None
            if r.closed_at:
                outcome, questioned, tally = services.consolidate(r)
                per_indicator = {}
                for (code, opinion), count in sorted(tally.items()):
                    if opinion != "agree":
                        per_indicator.setdefault(code, []).append(
                            f"{Opinion(opinion).label} {count}"
                        )
                result = (
                    outcome,
                    questioned,
                    [f"{code} {'、'.join(v)}" for code, v in per_indicator.items()],
                )
            rounds.append((r, result))
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "compliance": compliance,
            "actions": services.allowed_actions(request.user, application),
            "is_applicant": bool(mine & {Actor.COUNTY_APPLICANT, Actor.CITY_APPLICANT}),
            "is_admin": is_admin,
            "editable": application.status in (Status.DRAFT, Status.RETURNED, Status.RECTIFICATION),
            "events": application.events.select_related("by")[:40],
            "review": review,
            "rounds": rounds,
            "experts": experts,
            "objections": application.objections.all() if is_admin else [],
        },
    )


@login_required
@require_POST
def application_action(request, pk: int, action: str):
    application = _application(request, pk)
    try:
        if action == "submit":
            services.submit_application(application, by=request.user)
        elif action in ("city_return", "province_return"):
            services.return_application(
                application,
                by=request.user,
                reasons=_lines(request.POST.get("items", "")),
                action=action,
            )
        elif action in ("city_pass", "accept", "withdraw"):
            services.transition(
                application, action=action, by=request.user, comment=request.POST.get("comment", "")
            )
        elif action == "open_review":
            ids = request.POST.getlist("experts")
            panel = []
            for expert in User.objects.filter(pk__in=ids).select_related(
                "expert_profile", "organisation"
            ):
                profile = getattr(expert, "expert_profile", None)
                panel.append((expert, profile.domains if profile else []))
            services.open_round(application, by=request.user, panel=panel)
        elif action == "close_round":
            services.close_round(
                application,
                by=request.user,
                force="force" in request.POST,
                reject="reject" in request.POST,
                comment=request.POST.get("comment", ""),
            )
        elif action == "submit_rectification":
            review = services.current_round(application)
            responses = {
                code: request.POST.get(f"response-{code}", "") for code in review.questioned
            }
            services.submit_rectification(application, by=request.user, responses=responses)
        elif action == "start_notice":
            naming.start_notice(application, by=request.user)
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Done: the application is now “%(status)s”.")
            % {"status": Application.objects.get(pk=pk).get_status_display()},
        )
    return redirect("applications:detail", pk=pk)


@login_required
@require_POST
def material_upload(request, pk: int):
    application = _application(request, pk)
    try:
        if request.FILES.get("file"):
            services.add_material(
                application,
                by=request.user,
                kind=request.POST.get("kind", Material.OTHER),
                upload=request.FILES["file"],
            )
        else:
            services.add_green_case(
                application,
                by=request.user,
                title=request.POST.get("title", ""),
                text=request.POST.get("text", ""),
                image=request.FILES.get("image"),
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("applications:detail", pk=pk)


def _may_read_application(user, application) -> bool:
    region_ok = permissions.can_view_region(user, application.region)
    expert_ok = (
        permissions.is_expert(user) and application.rounds.filter(assignments__expert=user).exists()
    )
    return region_ok or expert_ok


@login_required
def material_download(request, pk: int):
    material = get_object_or_404(Material.objects.select_related("application__region"), pk=pk)
    if not _may_read_application(request.user, material.application):
        raise Http404
    return FileResponse(
        material.file.open("rb"),
        content_type=material.content_type,
        as_attachment=True,
        filename=material.name,
    )


@login_required
def review(request, pk: int):
    """An expert's blind review: their own opinions only, never another expert's or who they are."""
    application = get_object_or_404(
        Application.objects.select_related("region", "system", "programme"), pk=pk
    )
    assignment = services.my_assignment(application, request.user)
    if assignment is None:
        raise Http404
    # the expert reviews what their round was opened with: the snapshot of the last submission
    compliance = queries.read_assessment(
        assignment.round.snapshot, frozen=True, system=application.system
    )
    if request.method == "POST":
        opinions = {
            row.indicator.code: (
                request.POST.get(f"opinion-{row.indicator.code}", ""),
                request.POST.get(f"comment-{row.indicator.code}", ""),
            )
            for row in compliance.rows
        }
        saved = attempt(
            request,
            lambda: services.save_review(
                assignment,
                by=request.user,
                opinions=opinions,
                conclusion=request.POST.get("conclusion", ""),
                comment=request.POST.get("comment", ""),
                submit="submit" in request.POST,
            ),
            _("Review submitted.") if "submit" in request.POST else _("Draft saved."),
        )
        if saved:
            return redirect("applications:review", pk=pk)
    previous = application.rounds.filter(number=assignment.round.number - 1).first()
    diff = queries.diff_since(previous.snapshot, assignment.round.snapshot) if previous else []
    mine = {o.indicator_code: o for o in assignment.opinions.all()}
    return render(
        request,
        "applications/review.html",
        {
            "application": application,
            "assignment": assignment,
            "compliance": compliance,
            "mine": mine,
            "opinions": Opinion.choices,
            "conclusions": Conclusion.choices,
            "previous": previous,
            "diff": diff,
            "verdicts": VERDICT_LABELS,
            "materials": application.materials.all(),
            "green_cases": application.green_cases.all(),
        },
    )


@login_required
def naming_page(request):
    permissions.require(permissions.is_province_admin(request.user))
    programme = Programme.objects.filter(
        code=request.POST.get("programme") or request.GET.get("programme") or "provincial"
    ).first()
    if request.method == "POST":
        try:
            quota = int(request.POST["quota"]) if request.POST.get("quota") else None
            named = naming.name_batch(
                by=request.user,
                programme=programme,
                year=int(request.POST["year"]),
                number=int(request.POST["number"]),
                named_on=datetime.date.fromisoformat(request.POST["named_on"]),
                document_number=request.POST.get("document_number", ""),
                quota=quota,
            )
        except (ValueError, KeyError):
            messages.error(
                request, _("Give the batch year, number, naming date and document number.")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(n)d applications named.") % {"n": len(named)})
            return redirect("applications:naming")
    next_number = (
        Batch.objects.filter(programme=programme)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    ) + 1
    return render(
        request,
        "applications/naming.html",
        {
            "programme": programme,
            "programmes": Programme.objects.exclude(code="national"),
            "ranking": naming.ranking(programme),
            "next_number": next_number,
            "today": timezone.localdate(),
            "under_notice": Application.objects.filter(status=Status.PUBLIC_NOTICE).select_related(
                "region", "programme"
            ),
        },
    )


@login_required
def certificate(request, pk: int):
    application = _application(request, pk)
    if application.status != Status.NAMED or application.designation is None:
        raise Http404
    return pdf_response(
        "applications/certificate.html",
        {"application": application, "designation": application.designation},
        stylesheet="css/certificate.css",
        filename=f"certificate-{application.region.code}.pdf",
    )


@login_required
def notifications(request):
    items = Notification.objects.filter(user=request.user)[:100]
    if request.method == "POST":
        services.mark_notifications_read(request.user)
        return redirect("applications:notifications")
    return render(request, "applications/notifications.html", {"items": items})


@login_required
def national(request):
    permissions.require(permissions.is_province_admin(request.user))
    if request.method == "POST":
        designation = get_object_or_404(Designation, pk=request.POST.get("designation"))
        try:
            if request.POST.get("action") == "recommend":
                naming.recommend_national(designation, by=request.user)
            else:
                recommendation = get_object_or_404(NationalRecommendation, designation=designation)
                named = request.POST.get("action") == "named"
                naming.record_national_outcome(
                    recommendation,
                    by=request.user,
                    named=named,
                    note=request.POST.get("note", ""),
                    year=int(request.POST["year"]) if named and request.POST.get("year") else None,
                    number=int(request.POST["number"])
                    if named and request.POST.get("number")
                    else None,
                    named_on=datetime.date.fromisoformat(request.POST["named_on"])
                    if named and request.POST.get("named_on")
                    else None,
                )
        except (ValidationError, ValueError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Saved."))
        return redirect("applications:national")
    recommended = NationalRecommendation.objects.select_related("designation__region")
    candidates = (
        Designation.objects.holding()
        .filter(programme__code="provincial", status="active", national_recommendation__isnull=True)
        .exclude(
            region__designations__programme__code="national",
            region__designations__status__in=["active", "warned"],
        )
        .select_related("region")
        .order_by("-stars", "region__code")[:30]
    )
    return render(
        request,
        "applications/national.html",
        {"recommended": recommended, "candidates": candidates},
    )


def notices(request):
    """Public: applications under public notice, with the window and how to object."""
    rows = (
        Application.objects.filter(status=Status.PUBLIC_NOTICE)
        .select_related("region", "programme")
        .order_by("notice_ends")
    )
    return render(
        request, "applications/notices.html", {"rows": rows, "today": timezone.localdate()}
    )


@require_POST
def object_to(request, pk: int):
    """Public: anyone may object, so each address may post only a few times an hour."""
    application = get_object_or_404(Application, pk=pk, status=Status.PUBLIC_NOTICE)
    address = client_address(request) or "unknown"
    limit = settings.ECOZONE_PUBLIC_FORM_LIMIT
    if over_limit("objection", address, limit=limit, window=3600):
        message = _(
            "Too many objections from your network in the last hour (at most %(limit)s). "
            "Please try again later."
        ) % {"limit": limit}
        return render(
            request, "applications/objection_refused.html", {"message": message}, status=429
        )
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}：{error}")
        return redirect("notices")
    attempt(
        request,
        lambda: naming.lodge_objection(application, **form.cleaned_data),
        _("Your objection was received; the provincial office will examine it."),
    )
    return redirect("notices")


@login_required
@require_POST
def objection_uphold(request, pk: int):
    permissions.require(permissions.is_province_admin(request.user))
    objection = get_object_or_404(Objection, pk=pk)
    attempt(
        request,
        lambda: naming.uphold_objection(
            objection, by=request.user, comment=request.POST.get("comment", "")
        ),
    )
    return redirect("applications:detail", pk=objection.application_id)


@login_required
def expert_pool(request):
    """The expert pool (name, department, fields, affiliated region) and review settings."""
    from decimal import Decimal, InvalidOperation

    from ecozone.accounts.models import Organisation
    from ecozone.applications import pool
    from ecozone.indicators.queries import default_edition
    from ecozone.regions.models import Region

    permissions.require(permissions.is_province_admin(request.user))
    departments = Organisation.objects.filter(kind="department")
    domains = list(dict.fromkeys(default_edition().indicators.values_list("domain", flat=True)))
    if request.method == "POST":
        try:
            if request.POST.get("form") == "settings":
                pool.save_settings(
                    by=request.user,
                    reference_share=Decimal(request.POST.get("reference_share", "")),
                    min_panel=int(request.POST.get("min_panel", "")),
                    min_departments=int(request.POST.get("min_departments", "")),
                    notice_working_days=int(request.POST.get("notice_working_days", "")),
                )
            else:
                user = (
                    User.objects.filter(pk=request.POST.get("user"), role=Role.EXPERT).first()
                    if request.POST.get("user")
                    else None
                )
                region = Region.objects.filter(code=request.POST.get("region", "")).first()
                pool.save_expert(
                    by=request.user,
                    user=user,
                    username=request.POST.get("username", ""),
                    display_name=request.POST.get("display_name", ""),
                    organisation=departments.filter(pk=request.POST.get("organisation")).first(),
                    domains=[d for d in request.POST.getlist("domains") if d in domains],
                    region=region,
                    password=request.POST.get("password", ""),
                )
        except (ValueError, InvalidOperation):
            messages.error(request, _("Check the numbers."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
            return redirect("applications:experts")
    experts = (
        User.objects.filter(role=Role.EXPERT)
        .select_related("organisation", "expert_profile__affiliated_region")
        .order_by("username")
    )
    return render(
        request,
        "applications/experts.html",
        {
            "experts": experts,
            "departments": departments,
            "domains": domains,
            "settings": queries.settings(),
            "regions": Region.objects.filter(level__in=["city", "county"]),
        },
    )


@login_required
def expert_proposals(request):
    """Departments propose experts for the pool; the province sees every proposal to decide."""
    from ecozone.accounts.forms import ExpertProposalForm
    from ecozone.accounts.models import ExpertProposal, ProposalStatus
    from ecozone.accounts.services import propose_expert
    from ecozone.indicators.queries import default_edition

    user = request.user
    permissions.require(
        permissions.can_propose_experts(user) or permissions.can_decide_expert_proposals(user)
    )
    form = None
    proposals = ExpertProposal.objects.select_related("organisation", "proposed_by", "expert")
    if permissions.can_propose_experts(user):
        proposals = proposals.filter(organisation=user.organisation)
        domains = list(dict.fromkeys(default_edition().indicators.values_list("domain", flat=True)))
        form = ExpertProposalForm(request.POST or None, domains=domains)
        if (
            request.method == "POST"
            and form.is_valid()
            and attempt(
                request,
                lambda: propose_expert(by=user, **form.cleaned_data),
                _("The proposal has been sent to the province."),
            )
        ):
            return redirect("applications:expert_proposals")
    elif request.method == "POST":
        permissions.require(False)
    pending = [p for p in proposals if p.status == ProposalStatus.PENDING]
    decided = [p for p in proposals if p.status != ProposalStatus.PENDING]
    return render(
        request,
        "applications/expert_proposals.html",
        {"form": form, "pending": pending, "decided": decided},
    )


@login_required
@require_POST
def expert_proposal_approve(request, pk: int):
    from ecozone.accounts.models import ExpertProposal
    from ecozone.applications import pool

    permissions.require(permissions.can_decide_expert_proposals(request.user))
    proposal = get_object_or_404(ExpertProposal, pk=pk)
    try:
        expert, password = pool.approve_expert_proposal(by=request.user, proposal=proposal)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("applications:expert_proposals")
    return render(
        request, "accounts/password_issued.html", {"issued": [(expert, password)], "created": True}
    )


@login_required
def expert_proposal_reject(request, pk: int):
    from ecozone.accounts.forms import RejectionForm
    from ecozone.accounts.models import ExpertProposal
    from ecozone.accounts.services import reject_expert_proposal

    permissions.require(permissions.can_decide_expert_proposals(request.user))
    proposal = get_object_or_404(ExpertProposal.objects.select_related("organisation"), pk=pk)
    form = RejectionForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            lambda: reject_expert_proposal(
                by=request.user, proposal=proposal, reason=form.cleaned_data["reason"]
            ),
            _("The proposal has been rejected."),
        )
    ):
        return redirect("applications:expert_proposals")
    return render(
        request, "applications/expert_proposal_reject.html", {"form": form, "proposal": proposal}
    )
