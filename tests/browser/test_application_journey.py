"""The creation journey of issue 4 in a real browser: county, city, province and three experts."""

import datetime

import pytest
from django.utils import timezone

from ecozone.accounts.models import Organisation, Role, User
from ecozone.applications.models import Application
from ecozone.demo.ratings import load_experts
from ecozone.demo.services import load_accounts, load_roster
from ecozone.indicators.models import IndicatorSystem
from ecozone.regions.models import Region
from ecozone.reporting.models import AnnualReport, ReportingYear, ReportValue
from ecozone.reporting.queries import form_rows
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(transactional_db, django_db_serialized_rollback, tmp_path):
    load_accounts()
    load_roster()
    load_experts()
    local = User(
        username="expert_huzhou",
        role=Role.EXPERT,
        display_name="湖州专家",
        organisation=Organisation.objects.get(name="湖州市（330500）"),
    )
    local.set_password("ecozone-demo")
    local.save()
    clerk = User(
        username="deqing",
        role=Role.COUNTY,
        display_name="德清县 填报员",
        organisation=Organisation.objects.get(name="德清县（330521）"),
    )
    clerk.set_password("ecozone-demo")
    clerk.save()
    today = timezone.localdate()
    window = ReportingYear.objects.create(
        year=2023,
        opens_on=today - datetime.timedelta(days=5),
        deadline=today + datetime.timedelta(days=20),
        locks_on=today + datetime.timedelta(days=40),
    )
    report = AnnualReport.objects.create(
        window=window,
        year=2023,
        region=Region.objects.get(code="330521"),
        system=IndicatorSystem.objects.get(code="N19"),
    )
    for row in form_rows(report):
        vt = row.indicator.value_type
        value = ReportValue(report=report, indicator=row.indicator)
        value.number = (
            15
            if row.indicator.code == "N19-03"
            else (100 if ("percent" in vt or "number" in vt) else None)
        )
        value.task = True if "+task" in vt else None
        value.yes = True if vt == "yesno" else None
        value.state = row.spec.states[0] if vt == "state" else ""
        value.save()
    plan = tmp_path / "德清县两山基地建设规划.pdf"
    plan.write_bytes(b"%PDF-1.4 plan")
    return {"report": report, "plan": plan}


def as_user(page, username):
    page.context.clear_cookies()
    sign_in(page, username)


def button(page, name):
    page.get_by_role("button", name=name, exact=True).click()


def review(page, application_id, conclusion, doubt=None):
    page.goto(f"{page.base}/applications/{application_id}/review/")
    if doubt:
        page.select_option(f"select[name='opinion-{doubt}']", "doubt")
        page.fill(f"input[name='comment-{doubt}']", "请补充监测数据")
    page.select_option("#conclusion", conclusion)
    page.get_by_test_id("submit-review").click()
    page.get_by_test_id("review-submitted").wait_for()


def test_apply_review_rectify_notice_name_and_certificate(page, setting):
    # 德清县 (a county of 湖州 without the 两山 title) creates and submits: refused for a
    # binding indicator, then fixed in annual reporting
    as_user(page, "deqing")
    page.goto(page.base + "/applications/new/")
    page.select_option("#programme", "lianshan")
    page.fill("#base_year", "2023")
    button(page, "创建草稿")
    application_url = page.url
    page.set_input_files("input[name=file]", str(setting["plan"]))
    button(page, "上传")
    button(page, "提交申报")
    assert "2023 年以下约束性指标未达标：N19-03" in page.inner_text("main")
    page.goto(f"{page.base}/reporting/{setting['report'].pk}/")
    page.fill("input[name='v-N19-03-number']", "25")
    button(page, "保存草稿")
    page.goto(application_url)
    button(page, "提交申报")
    assert page.get_by_test_id("application-status").inner_text() == "已提交，市级预审中"
    application_id = int(application_url.rstrip("/").split("/")[-1])

    # the city pre-reviews, the province accepts and assigns a panel (a conflict refused)
    as_user(page, "huzhou")
    page.goto(application_url)
    button(page, "预审通过")
    as_user(page, "province")
    page.goto(application_url)
    button(page, "受理并进入专家审核")
    for username in ("expert", "expert_env", "expert_water", "expert_huzhou"):
        page.check(f"#expert-{User.objects.get(username=username).pk}")
    button(page, "指派并开始审核")
    assert "湖州专家 不能审核该申报：专家隶属于湖州市，即德清县所在的设区市" in page.inner_text(
        "main"
    )
    for username in ("expert", "expert_env", "expert_water"):  # the form starts empty again
        page.check(f"#expert-{User.objects.get(username=username).pk}")
    button(page, "指派并开始审核")
    assert page.get_by_test_id("application-status").inner_text() == "专家审核"

    # three experts review, blind; one asks for rectification
    as_user(page, "expert")
    review(page, application_id, "rectify", doubt="N19-05")
    for username in ("expert_env", "expert_water"):
        as_user(page, username)
        review(page, application_id, "pass")
    as_user(page, "province")
    page.goto(application_url)
    button(page, "结束本轮审核")
    assert page.get_by_test_id("application-status").inner_text() == "整改"

    # the county rectifies; the experts re-review with the diff
    as_user(page, "deqing")
    page.goto(application_url)
    assert "N19-05" in page.get_by_test_id("open-items").inner_text()
    page.fill("#response-N19-05", "已补充 2023 年信息公开台账")
    button(page, "提交整改")
    assert page.get_by_test_id("application-status").inner_text() == "专家复审"
    as_user(page, "expert")
    page.goto(f"{page.base}/applications/{application_id}/review/")
    assert "已补充 2023 年信息公开台账" in page.get_by_test_id("diff").inner_text()
    screenshot(page, "application-re-review")
    review(page, application_id, "pass")
    for username in ("expert_env", "expert_water"):
        as_user(page, username)
        review(page, application_id, "pass")

    # the province closes the round, runs the notice and names the batch
    as_user(page, "province")
    page.goto(application_url)
    button(page, "结束本轮审核")
    button(page, "发起公示")
    assert page.get_by_test_id("application-status").inner_text() == "公示"
    page.goto(page.base + "/notices/")
    assert page.get_by_test_id("notice").count() == 1
    Application.objects.filter(pk=application_id).update(  # the notice window passes
        notice_starts=timezone.localdate() - datetime.timedelta(days=15),
        notice_ends=timezone.localdate() - datetime.timedelta(days=1),
    )
    page.goto(page.base + "/applications/naming/?programme=lianshan")
    page.fill("#document_number", "浙生态〔2026〕6号")
    button(page, "命名")
    assert "已命名 1 个申报。" in page.inner_text("main")
    page.goto(application_url)
    assert page.get_by_test_id("application-status").inner_text() == "已命名"
    screenshot(page, "application-named")
    with page.expect_download() as download:
        page.click("text=证书（PDF）")
    assert download.value.path().read_bytes()[:5] == b"%PDF-"
    assert page.errors == []
