import json

import pytest

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_a_county_user_sees_only_its_own_region(page, demo):
    sign_in(page, "anji")
    assert page.get_by_test_id("whoami").inner_text() == "安吉县 填报员"
    nav = page.locator("nav .nav-link").all_inner_texts()
    assert nav == [
        "我的待办",
        "创建申报",
        "年度填报",
        "复核评星",
        "激励措施",
        "命名名单",
        "典型案例",
        "行政区",
        "指标体系",
    ]

    page.click("text=命名名单")
    rows = page.locator("[data-testid=roster-table] tbody tr")
    assert rows.count() == 3
    assert set(rows.locator("td:first-child a").all_inner_texts()) == {"安吉县"}
    assert page.get_by_test_id("roster-total").inner_text() == "共 3 个称号"
    screenshot(page, "county-roster")

    page.click("nav >> text=行政区")
    names = page.locator("[data-testid=region-table] tbody tr td:nth-child(2)")
    assert names.all_inner_texts() == ["安吉县"]

    response = page.goto(page.base + "/regions/330521/")  # 德清县, a neighbour
    assert response.status == 404
    assert "未找到" in page.locator("h1").inner_text()
    page.errors.clear()  # the console reports the 404 we asked for
    api = json.loads(page.goto(page.base + "/api/v1/designations").text())
    assert {d["region_code"] for d in api} == {"330523"}
    assert page.errors == []


def test_the_province_admin_switches_programmes_on_the_coverage_page(page, demo):
    sign_in(page, "province")
    page.goto(page.base + "/designations/coverage/")
    assert page.get_by_test_id("coverage-percent").inner_text() == "96.0%"
    page.select_option("#id_programme", "national")  # the page reloads through ecozone.js
    page.wait_for_url("**programme=national")
    assert page.get_by_test_id("coverage-percent").inner_text() == "48.5%"
    screenshot(page, "province-coverage")
    page.goto(page.base + "/indicators/N19/")
    assert "51 项指标未经官方文本完整核对" in page.get_by_test_id("unverified-notice").inner_text()
    screenshot(page, "catalogue-n19")
    assert page.errors == []
