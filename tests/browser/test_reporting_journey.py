"""The annual-reporting journey of issue 3, in a real browser, by four people."""

import datetime
import re

import pytest
from django.utils import timezone

from ecozone.demo.services import load_accounts, load_roster
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 128


@pytest.fixture
def roster(transactional_db, django_db_serialized_rollback):
    load_accounts()
    load_roster()


def sign_out(page):
    page.context.clear_cookies()


def fill_every_row(page):
    """Type a value meeting the target into every editable row, as a clerk would."""
    for row in page.locator("tr[data-code]").all():
        number = row.locator("input[name$='-number']")
        if number.count():
            number.fill("100")
        task = row.locator("select[name$='-task']")
        if task.count():
            task.select_option("是")
        yes = row.locator("select[name$='-yes']")
        if yes.count():
            yes.select_option("是")
        state = row.locator("select[name$='-state']")
        if state.count():
            state.select_option(index=1)


def test_open_fill_return_correct_lock_and_trace(page, roster, tmp_path):
    today = timezone.localdate()
    # 1. the province opens 2024 for every region holding a title
    sign_in(page, "province")
    page.goto(page.base + "/reporting/open/")
    page.fill("#id_year", "2024")
    page.fill("#id_opens_on", today.isoformat())
    page.fill("#id_deadline", (today + datetime.timedelta(days=30)).isoformat())
    page.fill("#id_locks_on", (today + datetime.timedelta(days=60)).isoformat())
    page.click("text=查看开启方案")  # the plan first: every region and the edition it reports on
    assert "国家生态文明建设示范市县建设指标（2019年修订）（N19）：97 份报告" in page.inner_text(
        "[data-testid=year-plan]"
    )
    page.click("text=开启年度填报")
    page.wait_for_url("**/reporting/years/2024/")
    assert "2024 年度填报已开启：新建 97 份报告。" in page.inner_text("main")
    screenshot(page, "reporting-board")
    sign_out(page)

    # 2. 安吉县 fills its report: one binding value missed and explained, one evidence file
    sign_in(page, "anji")
    page.click("text=填报安吉县 2024 年度数据")
    fill_every_row(page)
    page.fill("input[name='v-N19-03-number']", "15")
    verdict = page.locator("#verdict-N19-03")
    verdict.locator("[data-verdict='not_met']").wait_for()  # live verdict (htmx), nothing saved yet
    assert "15 未达到 ≥ 20" in verdict.inner_text()
    page.click("text=保存草稿")
    assert "已保存：41 个数值有变更。" in page.inner_text("main")
    row = page.locator("#row-N19-03")
    assert "约束性指标未达标" in row.inner_text()
    page.click("text=提交报告")
    assert "须填写说明" in page.inner_text("main")  # refused: the flagged value is unexplained
    row.locator("textarea").fill("考核办法调整，当年权重下调，次年恢复。")
    evidence = tmp_path / "考核办法.png"
    evidence.write_bytes(PNG)
    row.locator("input[type=file]").set_input_files(str(evidence))
    page.click("[data-testid=upload-N19-03]")
    assert "佐证材料已保存。" in page.inner_text("main")
    assert page.locator("#row-N19-03 a", has_text="考核办法.png").count() == 1
    screenshot(page, "reporting-county-form")
    page.click("text=提交报告")
    assert page.get_by_test_id("report-status").inner_text() == "已提交"
    report_url = page.url.split("#")[0]
    sign_out(page)

    # 3. 湖州市 returns one indicator with a reason
    sign_in(page, "huzhou")
    page.goto(report_url)
    page.check("#row-N19-05 input[name=return]")
    page.fill("#row-N19-05 input[name='reason-N19-05']", "与监测年报不一致，请核实")
    page.click("text=退回勾选的指标")
    assert page.get_by_test_id("report-status").inner_text() == "已退回"
    sign_out(page)

    # 4. 安吉县 corrects only that indicator and resubmits
    sign_in(page, "anji")
    page.goto(report_url)
    assert "与监测年报不一致，请核实" in page.get_by_test_id("return-reason").inner_text()
    assert page.locator("input[name='v-N19-03-number']").count() == 0  # not returned: locked
    page.fill("input[name='v-N19-05-number']", "99.5")
    page.fill("textarea[name='v-N19-05-explanation']", "已按监测年报更正")
    page.click("text=保存草稿")
    page.click("text=提交报告")
    assert page.get_by_test_id("report-status").inner_text() == "已提交"
    sign_out(page)

    # 5. the city accepts, 6. the province locks
    sign_in(page, "huzhou")
    page.goto(report_url)
    page.click("text=审核通过并报送省级")
    assert page.get_by_test_id("report-status").inner_text() == "市级已审核"
    sign_out(page)
    sign_in(page, "province")
    page.goto(report_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=审定并锁定")
    assert page.get_by_test_id("report-status").inner_text() == "已审定（锁定）"
    assert page.locator("input[name$='-number']").count() == 0
    screenshot(page, "reporting-locked")

    # 7. each value's history
    page.locator("#row-N19-05 a", has_text="变更记录").click()
    rows = page.locator("[data-testid=value-history] tbody tr")
    assert rows.count() == 2
    assert re.search(r"100\s*→\s*99\.5", rows.nth(0).inner_text())
    assert "安吉县 填报员" in rows.nth(0).inner_text()
    screenshot(page, "reporting-history")
    assert page.errors == []
