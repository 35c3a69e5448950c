"""Receipts and checkpoints (issue 13) in a real browser: a county submits and keeps its signed
receipt, the city and the province accept, the receipt still checks, and the public page shows the
checkpoint signed at acceptance."""

import datetime
import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ecozone.accounts.models import User
from ecozone.demo.services import load_accounts, load_roster
from ecozone.regions.models import Region
from ecozone.reporting import services
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_reporting_journey import fill_every_row, sign_out

pytestmark = pytest.mark.browser


@pytest.fixture
def anji_2024(transactional_db, django_db_serialized_rollback, settings, tmp_path):
    settings.ECOZONE_SIGNING_KEY = str(tmp_path / "signing-key.pem")
    load_accounts()
    load_roster()
    today = timezone.localdate()
    services.open_reporting_year(
        by=User.objects.get(username="province"),
        year=2024,
        opens_on=today,
        deadline=today + datetime.timedelta(days=30),
        locks_on=today + datetime.timedelta(days=60),
        regions=Region.objects.filter(code="330523"),
    )


def test_a_county_keeps_its_receipt_and_checks_it_after_acceptance(page, anji_2024, tmp_path):
    # 1. 安吉县 fills and submits its report; the page offers the signed receipt
    sign_in(page, "anji")
    page.click("text=填报安吉县 2024 年度数据")
    fill_every_row(page)
    page.click("text=保存草稿")
    # the save reloads the page: submit only once it has (else the click is lost in the reload)
    expect(page.locator("main")).to_contain_text("已保存", timeout=15_000)
    page.click("text=提交报告")
    expect(page.get_by_test_id("report-status")).to_have_text("已提交", timeout=15_000)
    report_url = page.url.split("#")[0]
    receipts = page.get_by_test_id("receipts")
    assert "提交回执" in receipts.inner_text()
    with page.expect_download() as download:
        receipts.locator("a", has_text="JSON").first.click()
    receipt = tmp_path / "receipt.json"
    receipt.write_bytes(download.value.path().read_bytes())
    assert json.loads(receipt.read_text())["report"]["status"] == "submitted"
    screenshot(page, "receipt-submitted")
    sign_out(page)

    # 2. 湖州市 accepts, 3. the province locks
    sign_in(page, "huzhou")
    page.goto(report_url)
    page.click("text=审核通过并报送省级")
    expect(page.get_by_test_id("report-status")).to_have_text("市级已审核")
    sign_out(page)
    sign_in(page, "province")
    page.goto(report_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=审定并锁定")
    expect(page.get_by_test_id("report-status")).to_have_text("已审定（锁定）")
    sign_out(page)

    # 4. 安吉县 checks the receipt it kept: signed, and the platform still holds its values
    sign_in(page, "anji")
    page.goto(report_url)
    assert page.get_by_test_id("receipts").locator("li").count() == 2
    page.click("text=核验回执")
    page.set_input_files("#id_file", str(receipt))
    page.click("main form button")
    expect(page.get_by_test_id("receipt-signature")).to_have_text("签名有效。")
    expect(page.get_by_test_id("receipt-verdict")).to_have_text("平台数据与回执一致。")
    screenshot(page, "receipt-verified")
    sign_out(page)

    # 5. anyone sees the checkpoint signed at acceptance, as the API publishes it
    page.goto(page.base + "/")
    page.click("footer >> text=签名检查点")
    page.wait_for_url("**/audit/")
    published = json.loads(page.context.request.get(page.base + "/api/v1/audit/checkpoint").text())
    assert page.get_by_test_id("latest-signature").inner_text() == published["signature"]
    assert page.get_by_test_id("latest-key-id").inner_text() == published["key_id"]
    assert "报告审定 · 安吉县 2024" in page.get_by_test_id("checkpoints").inner_text()
    screenshot(page, "checkpoints-public")
    assert page.errors == []
