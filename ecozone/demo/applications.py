"""Demo creation applications in every state, the expert pool's profiles and a finished
two-round review that ends with a named 两山 base."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ecozone.accounts.models import Organisation, Role, User
from ecozone.applications import naming, queries, services
from ecozone.applications.models import Application, ExpertProfile
from ecozone.applications.states import Conclusion, Opinion, Status
from ecozone.demo import data
from ecozone.designations.models import Designation, Programme
from ecozone.regions.models import Region

PLAN = b"%PDF-1.4\n% demo construction plan\n"
DOMAINS = {
    "expert": ["生态空间", "生态安全"],
    "expert_env": ["生态安全", "生态制度"],
    "expert_water": ["生态生活", "生态安全"],
    "expert_agri": ["生态经济", "生态生活"],
    "expert_forest": ["生态空间", "生态文化"],
}
# The order in which the demo walks applications forward; each stops at its state.
STATES = [
    Status.DRAFT,
    Status.SUBMITTED,
    Status.CITY_REVIEWED,
    Status.RETURNED,
    Status.PROVINCE_ACCEPTED,
    Status.EXPERT_REVIEW,
    Status.RECTIFICATION,
    Status.RE_REVIEW,
    Status.PASSED,
    Status.PUBLIC_NOTICE,
    Status.REJECTED,
    Status.WITHDRAWN,
    Status.NAMED,
]


def _user_for(region: Region, role: str) -> User:
    """The demo clerk of a region (created when the demo needs one)."""
    organisation = Organisation.objects.get(region=region)
    user = User.objects.filter(organisation=organisation, role=role).first()
    if user is None:
        user = User(
            username=f"demo_{region.code}",
            role=role,
            organisation=organisation,
            display_name=f"{region.name} 填报员",
        )
        user.set_password(data.DEMO_PASSWORD)
        user.save()
    return user


def load_profiles() -> None:
    for username, domains in DOMAINS.items():
        user = User.objects.filter(username=username, role=Role.EXPERT).first()
        if user is not None:
            ExpertProfile.objects.get_or_create(user=user, defaults={"domains": domains})


def load_applications() -> str:
    if Application.objects.exists():
        return "applications: present"
    load_profiles()
    province = User.objects.get(username="province")
    lianshan = Programme.objects.get(code="lianshan")
    holding = Designation.objects.holding().filter(programme=lianshan).values("region_id")
    candidates = []
    for region in (
        Region.objects.filter(level="county", designations__programme__code="provincial")
        .exclude(pk__in=holding)
        .order_by("code")
    ):
        draft = Application(region=region, programme=lianshan, base_year=2023, system=_edition())
        if queries.self_assessment(draft).passes:
            candidates.append(region)
        if len(candidates) == len(STATES):
            break
    experts = [User.objects.get(username=u) for u in DOMAINS]
    made = 0
    for region, state in zip(candidates, STATES, strict=False):
        _walk(region, state, lianshan, province, experts)
        made += 1
    return f"applications: {made} in states {', '.join(STATES[:made])}"


def _edition():
    from ecozone.indicators.queries import default_edition

    return default_edition()


def _panel(application, experts):
    years = [application.base_year - 1, application.base_year]
    from ecozone.reporting.conflicts import conflict_of_interest

    free = [e for e in experts if conflict_of_interest(e, application.region, years) is None]
    return [(e, DOMAINS[e.username]) for e in free[:3]]


def _review(application, experts_pass: bool):
    review = services.current_round(application)
    rows = queries.self_assessment(application).rows
    for index, assignment in enumerate(review.assignments.select_related("expert")):
        opinions = {r.indicator.code: (Opinion.AGREE, "") for r in rows}
        conclusion = Conclusion.PASS
        if not experts_pass and index == 0:
            code = rows[0].indicator.code
            opinions[code] = (Opinion.DOUBT, "演示数据：请补充佐证材料。")
            conclusion = Conclusion.RECTIFY
        services.save_review(
            assignment,
            by=assignment.expert,
            opinions=opinions,
            conclusion=conclusion,
            comment="演示评审",
            submit=True,
        )


def _walk(region, state, programme, province, experts) -> None:
    applicant = _user_for(region, Role.COUNTY)
    city = _user_for(region.parent, Role.CITY)
    application = services.create_application(
        by=applicant, region=region, programme=programme, base_year=2023
    )
    services.add_material(
        application, by=applicant, kind="plan", upload=SimpleUploadedFile("建设规划.pdf", PLAN)
    )
    services.add_green_case(
        application, by=applicant, title=f"{region.name}绿色转型案例（演示）", text="演示数据。"
    )
    steps = {
        Status.DRAFT: [],
        Status.SUBMITTED: ["submit"],
        Status.CITY_REVIEWED: ["submit", "city_pass"],
        Status.RETURNED: ["submit", "city_return"],
        Status.PROVINCE_ACCEPTED: ["submit", "city_pass", "accept"],
        Status.EXPERT_REVIEW: ["submit", "city_pass", "accept", "open"],
        Status.RECTIFICATION: ["submit", "city_pass", "accept", "open", "review_doubt", "close"],
        Status.RE_REVIEW: [
            "submit",
            "city_pass",
            "accept",
            "open",
            "review_doubt",
            "close",
            "rectify",
        ],
        Status.PASSED: ["submit", "city_pass", "accept", "open", "review_pass", "close"],
        Status.PUBLIC_NOTICE: [
            "submit",
            "city_pass",
            "accept",
            "open",
            "review_pass",
            "close",
            "notice",
        ],
        Status.REJECTED: ["submit", "city_pass", "accept", "open", "reject"],
        Status.WITHDRAWN: ["submit", "withdraw"],
        # the finished two-round review: doubt, rectification, re-review, pass, notice, naming
        Status.NAMED: [
            "submit",
            "city_pass",
            "accept",
            "open",
            "review_doubt",
            "close",
            "rectify",
            "review_pass",
            "close",
            "notice_past",
            "name",
        ],
    }[state]
    for step in steps:
        if step == "submit":
            services.submit_application(application, by=applicant)
        elif step == "city_pass":
            services.transition(application, action="city_pass", by=city)
        elif step == "city_return":
            services.return_application(
                application,
                by=city,
                reasons={"建设规划": "演示数据：请补充年度实施计划。"},
                action="city_return",
            )
        elif step == "accept":
            services.transition(application, action="accept", by=province)
        elif step == "open":
            services.open_round(application, by=province, panel=_panel(application, experts))
        elif step in ("review_doubt", "review_pass"):
            _review(application, experts_pass=step == "review_pass")
        elif step == "close":
            services.close_round(application, by=province)
        elif step == "reject":
            for assignment in services.current_round(application).assignments.all():
                services.save_review(
                    assignment,
                    by=assignment.expert,
                    opinions={},
                    conclusion=Conclusion.FAIL,
                    comment="演示",
                    submit=True,
                )
            services.close_round(
                application, by=province, reject=True, comment="演示数据：不予通过。"
            )
        elif step == "rectify":
            review = services.current_round(application)
            services.submit_rectification(
                application,
                by=applicant,
                responses=dict.fromkeys(review.questioned, "演示数据：已补充佐证材料。"),
            )
        elif step == "withdraw":
            services.transition(
                application, action="withdraw", by=applicant, comment="演示数据：暂缓申报。"
            )
        elif step == "notice":
            naming.start_notice(application, by=province)
        elif step == "notice_past":
            naming.start_notice(
                application, by=province, starts=timezone.localdate() - datetime.timedelta(days=20)
            )
        elif step == "name":
            today = timezone.localdate()
            naming.name_batch(
                by=province,
                programme=programme,
                year=today.year,
                number=6,
                named_on=today,
                document_number="演示〔2026〕两山基地第6批",
                quota=None,
            )
        application.refresh_from_db()
    if application.status != state:  # pragma: no cover - a demo data bug, not a user error
        raise RuntimeError(
            f"demo application {region.code} reached {application.status}, not {state}"
        )
