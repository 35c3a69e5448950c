"""The re-examination journey of issue 5 in a real browser: province, expert and zone."""

import pytest

from ecozone.demo.ratings import load_experts
from ecozone.demo.services import load_accounts, load_reports, load_roster
from ecozone.ratings.default_scheme import DEFAULT_SCHEME
from ecozone.ratings.models import Scheme
from tests.browser.conftest import score_work, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def data(transactional_db, django_db_serialized_rollback):
    load_accounts()
    load_roster()
    load_reports(["330500", "330502", "330503", "330521", "330522", "330523"])
    load_experts()
    # A published version asking for one expert assessment per zone (the default asks three).
    Scheme.objects.create(
        code="one-expert",
        title="一位专家评分（测试）",
        status="published",
        settings={**DEFAULT_SCHEME, "experts_required": 1},
    )


def test_a_campaign_from_creation_to_score_cards(page, data, tmp_path):
    # the province opens a campaign over the zones due
    sign_in(page, "province")
    page.goto(page.base + "/ratings/new/")
    page.fill("#id_year", "2024")
    page.fill("#id_title", "2024 年度复核")
    page.select_option("#id_scheme", "one-expert")
    page.get_by_role("button", name="查看到期的示范区", exact=True).click()
    page.get_by_role("button", name="创建复核批次", exact=True).click()
    assert "复核批次已创建" in page.inner_text("main")
    campaign_url = page.url
    page.click("[data-testid=zone-table] tr:has-text('安吉县') >> text=评分表")
    zone_url = page.url
    page.select_option("#id_expert", label="王评审（专家）")
    page.get_by_role("button", name="分配", exact=True).click()
    assert "专家已分配。" in page.inner_text("main")
    page.context.clear_cookies()

    # the expert scores, blind
    sign_in(page, "expert")
    score_work(page, "安吉县", ("9", "7.5", "6.5"))
    page.context.clear_cookies()

    # the zone submits a feature item
    sign_in(page, "anji")
    page.goto(zone_url)
    page.fill("#id_title", "“两山”转化机制创新")
    page.fill("#id_description", "竹林碳汇交易试点")
    page.fill("#id_points", "2")
    page.get_by_role("button", name="报送", exact=True).click()
    assert "特色项目已报送省级。" in page.inner_text("main")
    page.context.clear_cookies()

    # the city pre-reviews its county's item
    sign_in(page, "huzhou")
    page.goto(page.base + "/ratings/features/city/")
    page.locator("[data-testid=city-feature] button[value=recommend]").click()
    assert page.locator("[data-testid=city-feature]").get_attribute("data-city-status") == (
        "recommended"
    )
    page.context.clear_cookies()

    # the province approves, computes (with progress) and publishes
    sign_in(page, "province")
    page.goto(zone_url)
    page.locator("[data-testid=features]").get_by_role("button", name="认定", exact=True).click()
    page.goto(campaign_url)
    page.get_by_role("button", name="全部计算", exact=True).click()
    page.wait_for_selector("[data-testid=job][data-status=done]")
    # the zones without reports or expert scores are incomplete: excluded with a reason
    page.get_by_test_id("publish-preview").click()
    assert "数据不完整" in page.get_by_test_id("publish-problems").inner_text()
    page.fill("#exclude-reason", "无年度报告或专家评分，本批次不复核")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="排除数据不完整的示范区", exact=True).click()
    page.check("#id_confirm")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("publish-confirm").click()
    assert page.get_by_test_id("campaign-status").inner_text() == "已发布"
    screenshot(page, "ratings-campaign")
    page.context.clear_cookies()

    # the zone reads its score card, the early warning and the simulator
    sign_in(page, "anji")
    page.goto(zone_url)
    assert page.get_by_test_id("total").inner_text() != ""
    assert "工作成效分项" in page.inner_text("main")
    screenshot(page, "ratings-score-card")
    page.goto(page.base + "/ratings/early-warning/")
    assert page.locator("[data-testid=warning-table] tbody tr").count() == 1
    screenshot(page, "ratings-early-warning")
    page.goto(page.base + "/ratings/simulator/")
    page.click("#sim-run")
    page.wait_for_selector("#sim-output[data-total]")
    assert "取消评星" in page.inner_text("#sim-output")
    screenshot(page, "ratings-simulator")
    assert page.errors == []
