"""Issue 11 in a real browser: the province runs the platform itself — an account with a forced
password change, a provincial edition and its mapping published, 2025 opened with the counties on
it, a county seeing last year's value under the renumbered code, and a city administrator's reach.
"""

import datetime

import pytest
from django.utils import timezone

from ecozone.accounts.models import Organisation, Role, User
from ecozone.demo.editions import load_provincial_edition, load_year_2024
from ecozone.demo.services import load_accounts, load_reports, load_roster
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def province_data(transactional_db, django_db_serialized_rollback):
    """湖州's zones with 2019–2024 reported on N19; ZJ23 and its mapping as drafts; a clerk of
    桐庐县 (杭州) whom 湖州's administrator must not reach."""
    load_accounts()
    load_roster()
    load_reports(["330500", "330521", "330523"])
    load_provincial_edition(publish=False)
    load_year_2024(provincial_regions=())
    clerk = User(
        username="tonglu",
        role=Role.COUNTY,
        organisation=Organisation.objects.get(name="桐庐县（330122）"),
    )
    clerk.set_password("ecozone-demo")
    clerk.save()
    return clerk


def accept(page):
    page.once("dialog", lambda dialog: dialog.accept())


def sign_out(page):
    page.context.clear_cookies()


def test_the_province_rolls_out_an_edition_and_administers_accounts(page, province_data):
    today = timezone.localdate()
    # 1. the province creates a county clerk for 德清县; a one-time password is shown once
    sign_in(page, "province")
    page.goto(page.base + "/accounts/users/new/")
    page.fill("#id_username", "deqing_clerk")
    page.fill("#id_display_name", "德清县 填报员")
    page.select_option("#id_role", "county")
    page.select_option("#id_organisation", label="德清县（330521）")
    page.click("form button[type=submit]")
    one_time = page.inner_text("[data-testid=one-time-password]").strip()
    assert len(one_time) == 12
    screenshot(page, "rollout-one-time-password")

    # 2. it publishes the provincial edition, then its mapping from N19
    page.goto(page.base + "/indicators/ZJ23/")
    accept(page)
    page.get_by_role("button", name="发布", exact=True).click()
    page.wait_for_selector(".alert-success")
    assert "已发布" in page.inner_text("main")
    page.goto(page.base + "/indicators/ZJ23/mapping/?source=N19")
    rows = page.locator("[data-testid=mapping-rows] tbody tr")
    renumbered = rows.filter(has=page.locator("option[value=renumbered]:checked"))
    assert renumbered.count() == 2
    accept(page)
    page.click("text=发布对应关系")
    assert page.inner_text("[data-testid=mapping-status]") == "已发布"
    screenshot(page, "rollout-mapping")

    # 3. the diff shows the renumbered rows as changed, not removed and added
    page.goto(page.base + "/indicators/diff/?a=N19&b=ZJ23")
    changed = page.inner_text("[data-testid=diff-changed]")
    assert "ZJ23-33" in changed and "重新编号" in changed and "N19-33" in changed
    assert "ZJ23-33" not in page.inner_text("[data-testid=diff-added]")
    assert page.locator("[data-testid=diff-removed]").count() == 0

    # 4. it opens 2025 with the counties on ZJ23: the plan first, then the confirmation
    page.goto(page.base + "/reporting/open/")
    page.fill("#id_year", "2025")
    page.fill("#id_opens_on", today.isoformat())
    page.fill("#id_deadline", (today + datetime.timedelta(days=30)).isoformat())
    page.fill("#id_locks_on", (today + datetime.timedelta(days=60)).isoformat())
    page.select_option(
        "#id_counties", label="浙江省生态文明建设示范区建设指标（2023，演示）（ZJ23）"
    )
    page.click("text=查看开启方案")
    plan = page.inner_text("[data-testid=year-plan]")
    assert "安吉县" in plan and "ZJ23" in plan
    screenshot(page, "rollout-year-plan")
    page.click("text=开启年度填报")
    page.wait_for_url("**/reporting/years/2025/")
    sign_out(page)

    # 5. 安吉县 files 2025 and sees last year's N19-33 figure under ZJ23-33
    sign_in(page, "anji")
    page.click("text=填报安吉县 2025 年度数据")
    row = page.locator("#row-ZJ23-33")
    last_year = page.evaluate("code => document.querySelector('#row-' + code).innerText", "ZJ23-33")
    from ecozone.reporting.models import ReportValue

    n19_33 = ReportValue.objects.get(
        report__region__code="330523", report__year=2024, indicator__code="N19-33"
    )
    figure = f"{n19_33.number.normalize():f}"
    assert figure in last_year
    assert row.locator("input[name='v-ZJ23-33-number']").count() == 1
    screenshot(page, "rollout-county-form")
    sign_out(page)

    # 6. the new clerk must choose a password at the first sign-in
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", "deqing_clerk")
    page.fill("#id_password", one_time)
    page.click("form button[type=submit]")
    page.wait_for_url("**/accounts/password/")
    page.goto(page.base + "/reporting/")
    assert page.url.endswith("/accounts/password/")
    page.fill("#id_new_password1", "Lake-Moon-7392-tea")
    page.fill("#id_new_password2", "Lake-Moon-7392-tea")
    page.click("form button[type=submit]")
    page.wait_for_url("**/accounts/todo/")
    sign_out(page)

    # 7. 湖州's administrator resets 安吉's clerk, and is refused for 桐庐县 (杭州)
    sign_in(page, "huzhou")
    anji = User.objects.get(username="anji")
    page.goto(page.base + f"/accounts/users/{anji.pk}/")
    accept(page)
    page.click("text=签发一次性密码")
    assert len(page.inner_text("[data-testid=one-time-password]").strip()) == 12
    assert page.errors == []
    response = page.goto(page.base + f"/accounts/users/{province_data.pk}/")
    assert response.status == 404
    assert "页面不存在，或不在您的权限范围内。" in page.inner_text("main")
    province_data.refresh_from_db()
    assert province_data.check_password("ecozone-demo")
