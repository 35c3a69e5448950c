import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ecozone.accounts.models import Organisation, User
from ecozone.applications import naming, queries, services
from ecozone.applications.models import Application, ApplicationEvent, Objection
from ecozone.applications.states import TRANSITIONS, Conclusion, Opinion, Status
from ecozone.applications.tests.factories import (
    PDF,
    accepted,
    expert,
    report_meeting_targets,
    review_all,
    submitted_application,
)
from ecozone.designations.models import Designation
from ecozone.regions.models import Region
from ecozone.reporting.models import ReportValue

pytestmark = pytest.mark.django_db


def test_submission_is_refused_with_the_failing_binding_indicators(users, lianshan):
    report_meeting_targets("330523", **{"N19-03": {"number": 15}})
    application = services.create_application(
        by=users["county"],
        region=Region.objects.get(code="330523"),
        programme=lianshan,
        base_year=2023,
    )
    with pytest.raises(ValidationError) as caught:
        services.submit_application(application, by=users["county"])
    assert caught.value.messages == [
        "2023 年以下约束性指标未达标：N19-03 生态文明建设工作占党政实绩考核的比例",
        "请上传建设规划。",
    ]
    # fixed in annual reporting: the self-assessment reads the same records
    ReportValue.objects.filter(report__region__code="330523", indicator__code="N19-03").update(
        number=25
    )
    services.add_material(
        application, by=users["county"], kind="plan", upload=SimpleUploadedFile("规划.pdf", PDF)
    )
    assert services.submit_application(application, by=users["county"]).status == Status.SUBMITTED
    assert Application.objects.get(pk=application.pk).compliance["passes"] is True


def test_every_transition_in_the_table_is_allowed_only_to_its_actor(users, lianshan):
    application = submitted_application(users, lianshan)
    for who in ("county", "other_city", "province_admin", "expert"):
        with pytest.raises(PermissionDenied):
            services.transition(application, action="city_pass", by=users[who])
    with pytest.raises(ValidationError, match="不能执行此操作"):
        services.transition(application, action="start_notice", by=users["province_admin"])
    services.transition(application, action="city_pass", by=users["city"])
    with pytest.raises(PermissionDenied):
        services.transition(application, action="accept", by=users["city"])
    assert (
        services.transition(application, action="accept", by=users["province_admin"]).status
        == Status.PROVINCE_ACCEPTED
    )
    assert {row[1] for row in TRANSITIONS} >= {
        "submit",
        "city_pass",
        "city_return",
        "accept",
        "open_review",
        "withdraw",
        "name",
    }


def test_a_city_applying_for_itself_skips_city_review(users, lianshan):
    application = submitted_application(users, lianshan, code="330500", applicant="city")
    assert application.status == Status.CITY_REVIEWED


def test_returns_carry_a_reason_per_item_and_withdrawal_works_before_passing(users, lianshan):
    application = submitted_application(users, lianshan)
    with pytest.raises(ValidationError):
        services.return_application(
            application, by=users["city"], reasons={"建设规划": ""}, action="city_return"
        )
    services.return_application(
        application, by=users["city"], reasons={"建设规划": "缺少年度计划"}, action="city_return"
    )
    application.refresh_from_db()
    assert (application.status, application.open_items) == (
        Status.RETURNED,
        [{"item": "建设规划", "reason": "缺少年度计划"}],
    )
    assert (
        services.transition(application, action="withdraw", by=users["county"]).status
        == Status.WITHDRAWN
    )
    assert [
        e.action for e in ApplicationEvent.objects.filter(application=application).order_by("pk")
    ] == ["create", "submit", "city_return", "withdraw"]


def test_conflicts_panel_size_and_department_mix(users, lianshan, panel):
    application = accepted(users, lianshan)
    local = expert("e_local", "安吉县（330523）")
    city = expert("e_city", "湖州市（330500）")
    with pytest.raises(ValidationError, match="专家隶属于安吉县本身"):
        services.open_round(application, by=users["province_admin"], panel=[*panel, (local, [])])
    with pytest.raises(ValidationError, match="即安吉县所在的设区市"):
        services.open_round(application, by=users["province_admin"], panel=[*panel, (city, [])])
    ReportValue.objects.filter(report__region__code="330523", indicator__code="N19-05").update(
        dept_organisation=Organisation.objects.get(name="浙江省生态环境厅"), dept_at=timezone.now()
    )
    with pytest.raises(ValidationError, match="提供了被审核的数据"):
        services.open_round(application, by=users["province_admin"], panel=panel)
    ReportValue.objects.update(dept_organisation=None, dept_at=None)
    with pytest.raises(ValidationError, match="至少需要 3 名专家"):
        services.open_round(application, by=users["province_admin"], panel=panel[:2])
    same_department = [(expert(f"n{i}", "浙江省水利厅"), []) for i in range(3)]
    with pytest.raises(ValidationError, match="至少 2 个部门"):
        services.open_round(application, by=users["province_admin"], panel=same_department)
    services.open_round(application, by=users["province_admin"], panel=panel)
    assert Application.objects.get(pk=application.pk).status == Status.EXPERT_REVIEW


@pytest.mark.parametrize(
    ("conclusions", "opinions", "result"),
    [
        ([Conclusion.PASS] * 3, {}, "pass"),
        ([Conclusion.FAIL, Conclusion.FAIL, Conclusion.PASS], {}, "rectification"),  # majority fail
        ([Conclusion.FAIL, Conclusion.PASS, Conclusion.PASS], {}, "pass"),  # a minority fail
        (
            [Conclusion.PASS] * 3,
            {"expert": {"N19-03": (Opinion.DISAGREE, "依据不足")}},
            "rectification",
        ),  # binding
        (
            [Conclusion.PASS] * 3,
            {"expert": {"N19-06": (Opinion.DISAGREE, "")}},
            "pass",
        ),  # a reference indicator
    ],
)
def test_the_consolidation_rule(users, lianshan, panel, conclusions, opinions, result):
    application = accepted(users, lianshan)
    services.open_round(application, by=users["province_admin"], panel=panel)
    review_all(application, panel, conclusions, opinions)
    review = services.close_round(application, by=users["province_admin"])
    assert review.result == result


def test_review_rounds_rectification_diff_notice_objection_and_naming(
    users, lianshan, panel, client_as
):
    admin = users["province_admin"]
    application = accepted(users, lianshan)
    services.open_round(application, by=admin, panel=panel)
    review_all(
        application,
        panel[:2],
        [Conclusion.RECTIFY, Conclusion.PASS],
        {"expert": {"N19-03": (Opinion.DOUBT, "请核实")}},
    )
    with pytest.raises(ValidationError, match="仍在等待"):
        services.close_round(application, by=admin)
    first = services.close_round(application, by=admin, force=True)
    assert (first.result, first.questioned, first.late_experts) == (
        "rectification",
        ["N19-03"],
        ["e_water"],
    )
    application.refresh_from_db()
    assert application.open_items == [{"item": "N19-03", "reason": "专家存疑"}]
    with pytest.raises(ValidationError):
        services.submit_rectification(application, by=users["county"], responses={})
    # corrected in annual reporting (still met): the rectification freezes the new figure
    ReportValue.objects.filter(report__region__code="330523", indicator__code="N19-03").update(
        number=25
    )
    second = services.submit_rectification(
        application, by=users["county"], responses={"N19-03": "已更正为监测年报数据"}
    )
    assert second.number == 2
    page = client_as("expert").get(f"/applications/{application.pk}/review/")
    assert [d["code"] for d in page.context["diff"]] == ["N19-03"]
    assert "已更正为监测年报数据" in page.content.decode()
    review_all(application, panel, [Conclusion.PASS] * 3)
    services.close_round(application, by=admin)
    application = naming.start_notice(
        Application.objects.get(pk=application.pk), by=admin, starts=datetime.date(2026, 11, 2)
    )
    assert application.notice_ends == datetime.date(2026, 11, 11)  # 7 working days
    assert client_as("county").get("/notices/").status_code == 200
    objection = Objection.objects.create(
        application=application, name="张三", contact="138", text="数据存疑"
    )
    naming.uphold_objection(objection, by=admin, comment="请专家复核")
    application.refresh_from_db()
    assert (application.status, application.rounds.count()) == (Status.EXPERT_REVIEW, 3)
    review_all(application, panel, [Conclusion.PASS] * 3)
    services.close_round(application, by=admin)
    naming.start_notice(
        Application.objects.get(pk=application.pk),
        by=admin,
        starts=timezone.localdate() - datetime.timedelta(days=20),
    )
    named = naming.name_batch(
        by=admin,
        programme=lianshan,
        year=2026,
        number=6,
        named_on=timezone.localdate(),
        document_number="浙〔2026〕1号",
        quota=1,
    )
    assert [a.region.code for a in named] == ["330523"]
    designation = Designation.objects.get(region__code="330523", programme=lianshan)
    assert designation.document_number == "浙〔2026〕1号"
    pdf = client_as("county").get(f"/applications/{application.pk}/certificate.pdf")
    assert (pdf.status_code, pdf.content[:5]) == (200, b"%PDF-")


def test_review_is_blind_on_pages_and_api(users, lianshan, panel, client_as):
    application = accepted(users, lianshan)
    services.open_round(application, by=users["province_admin"], panel=panel)
    other, _ = panel[1]
    services.save_review(
        services.my_assignment(application, other),
        by=other,
        opinions={"N19-05": (Opinion.DISAGREE, "别人的秘密意见")},
        conclusion=Conclusion.FAIL,
        comment="秘密结论",
        submit=True,
    )
    client = client_as("expert")
    page = client.get(f"/applications/{application.pk}/review/").content.decode()
    assert (
        "别人的秘密意见" not in page
        and "秘密结论" not in page
        and "e_env" not in page
        and "浙江省生态环境厅" not in page
    )
    response = client.post(
        f"/api/v1/applications/{application.pk}/review",
        json.dumps({"opinions": {"N19-03": {"opinion": "agree"}}, "conclusion": "pass"}),
        content_type="application/json",
    )
    body = response.json()
    assert body["opinions"] == {"N19-03": {"opinion": "agree", "comment": ""}}
    assert "别人的秘密意见" not in response.content.decode()
    assert (
        client.get(f"/applications/{application.pk}/").status_code == 404
    )  # experts see only their review page
    outsider = expert("e_out", "浙江省林业局")
    from django.test import Client

    other_client = Client()
    other_client.force_login(outsider)
    assert other_client.get(f"/applications/{application.pk}/review/").status_code == 404
    assert (
        other_client.post(
            f"/api/v1/applications/{application.pk}/review", "{}", content_type="application/json"
        ).status_code
        == 404
    )


def test_pages_follow_scope_and_roles(users, lianshan, client_as):
    application = submitted_application(users, lianshan)
    assert client_as("county").get(f"/applications/{application.pk}/").status_code == 200
    assert client_as("city").get(f"/applications/{application.pk}/").status_code == 200
    assert client_as("other_county").get(f"/applications/{application.pk}/").status_code == 404
    assert client_as("other_city").get(f"/api/v1/applications/{application.pk}").status_code == 404
    assert client_as("county").post(f"/applications/{application.pk}/city_pass/").status_code == 403
    assert (
        Application.objects.get(pk=application.pk).status == Status.SUBMITTED
    )  # refused: not the city
    assert client_as("county").get("/applications/naming/").status_code == 403
    assert client_as("city").get("/applications/national/").status_code == 403
    assert client_as("expert").get("/applications/").status_code == 403
    material = application.materials.get()
    assert (
        client_as("other_county").get(f"/applications/materials/{material.pk}/").status_code == 404
    )
    assert client_as("county").get(f"/applications/materials/{material.pk}/").status_code == 200
    moved = client_as("city").post(
        f"/api/v1/applications/{application.pk}/transitions",
        {"action": "city_pass"},
        content_type="application/json",
    )
    assert moved.json()["status"] == "city_reviewed"
    assert queries.applications_for(users["other_county"]).count() == 0


def test_the_province_keeps_the_expert_pool_and_settings(users, client_as):
    client = client_as("province_admin")
    data = {
        "username": "li_expert",
        "display_name": "李专家",
        "password": "a-long-pass-2026",
        "organisation": str(Organisation.objects.get(name="浙江省林业局").pk),
        "domains": ["生态空间", "生态安全"],
        "region": "330523",
    }
    assert client.post("/applications/experts/", data).status_code == 302
    expert_user = User.objects.get(username="li_expert")
    assert (
        expert_user.role,
        expert_user.expert_profile.domains,
        expert_user.expert_profile.affiliated_region.code,
    ) == (
        "expert",
        ["生态空间", "生态安全"],
        "330523",
    )
    # the affiliated region of the profile is a conflict of interest too
    from ecozone.reporting.conflicts import conflict_of_interest

    assert (
        conflict_of_interest(expert_user, Region.objects.get(code="330523"), [2023])
        == "专家隶属于安吉县本身"
    )
    client.post(
        "/applications/experts/",
        {
            "form": "settings",
            "reference_share": "0.75",
            "min_panel": "5",
            "min_departments": "3",
            "notice_working_days": "10",
        },
    )
    settings = queries.settings()
    assert (
        str(settings.reference_share),
        settings.min_panel,
        settings.min_departments,
        settings.notice_working_days,
    ) == ("0.75", 5, 3, 10)
    assert client_as("city").get("/applications/experts/").status_code == 403
    assert client_as("expert").post("/applications/experts/", data).status_code == 403
