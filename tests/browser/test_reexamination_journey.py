"""The re-examination of issue 12 in a real browser, across a year, by the province alone: a year
opened (the early warning stays right), a scheme version made in the UI, a campaign that refuses to
publish until its incomplete zones are excluded, the preview, the publication (a warned zone back
to active, incentives), the withdrawal (public pages revert), and the results reproducible."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from ecozone.accounts.models import User
from ecozone.demo.services import load_demo
from ecozone.designations.models import Designation
from ecozone.designations.services import change_designation_status
from ecozone.reporting import services as reporting
from ecozone.reporting.excel import _number, _yes_no
from ecozone.reporting.models import AnnualReport, ReportValue
from tests.browser.conftest import score_work, screenshot, sign_in

pytestmark = pytest.mark.browser

JIAXING, SHAOXING = "330400", "330600"  # due in 2026: named or last re-examined by 2023


@pytest.fixture
def demo(transactional_db, django_db_serialized_rollback):
    load_demo()
    jiaxing = Designation.objects.get(region__code=JIAXING, programme__code="provincial")
    change_designation_status(jiaxing, to="warned", by=None, reason="测试：上轮约谈后整改中")


def file_2025(code: str, *, like: str = "330100") -> None:
    """The zone files its 2025 report — having rectified what it failed, its figures are those
    of a model zone's (杭州市) 2024 — and the province accepts it, through the services the
    filing pages call (the filing pages themselves are the reporting journey's)."""
    province = User.objects.get(username="province")
    filer = User.objects.filter(organisation__region__code=code, is_active=True).first()
    report = AnnualReport.objects.get(region__code=code, year=2025)
    last = ReportValue.objects.filter(report__region__code=like, report__year=2024)
    rows = [
        reporting.RowInput(
            value.indicator.code,
            {
                "number": _number(value.number),
                "task": _yes_no(value.task),
                "yes": _yes_no(value.yes),
                "state": value.state or "",
            },
            value.explanation or "已整改",
        )
        for value in last.select_related("indicator")
    ]
    result = reporting.save_values(report, by=filer, rows=rows, version=report.version)
    assert result.errors == {}
    report.refresh_from_db()
    reporting.submit_report(report, by=filer, version=report.version)
    reporting.province_accept_report(report, by=province)  # a city's own report: no city step


def warning_rows(page) -> dict[str, dict]:
    response = page.request.get(page.base + "/api/v1/ratings/early-warning")
    assert response.status == 200
    return {row["region_code"]: row for row in response.json()}


def test_a_campaign_across_a_new_year_published_and_withdrawn(page, demo):
    today = timezone.localdate()
    sign_in(page, "province")

    # 1. the province opens 2025; the early warning judges only accepted years
    before = warning_rows(page)
    page.goto(page.base + "/reporting/open/")
    page.fill("#id_year", "2025")
    page.fill("#id_opens_on", today.isoformat())
    page.fill("#id_deadline", (today + datetime.timedelta(days=30)).isoformat())
    page.fill("#id_locks_on", (today + datetime.timedelta(days=60)).isoformat())
    page.click("text=查看开启方案")
    page.click("text=开启年度填报")
    page.wait_for_url("**/reporting/years/2025/")
    after = warning_rows(page)
    assert set(after) == set(before)
    assert all(2025 in row["unfiled_years"] for row in after.values())
    assert all(2025 not in row["judged_years"] for row in after.values())
    # every zone still has a provisional rating: the empty year is not a failure
    rated = [code for code, row in after.items() if row["provisional_stars"] is not None]
    assert len(rated) == len(
        [row for row in before.values() if row["provisional_stars"] is not None]
    )
    page.goto(page.base + "/ratings/early-warning/")
    screenshot(page, "reexam-early-warning-new-year")

    # 2. two zones file 2025 and are accepted
    for code in (JIAXING, SHAOXING):
        file_2025(code)

    # 3. a new scheme version, made in the UI: one expert assessment, incentives from three stars
    page.goto(page.base + "/ratings/schemes/default/")
    page.fill("#id_code", "v2026")
    page.fill("#id_title", "2026 年版评分方案")
    page.fill("#id_note", "专家评分一份即可；三星起享受试点名额优先")
    page.get_by_role("button", name="复制", exact=True).click()
    page.wait_for_url("**/ratings/schemes/v2026/edit/")
    page.fill("#id_experts_required", "1")
    page.select_option("#id_incentive_min_stars", "3")
    page.fill("#id_incentives_3", "试点名额分配优先")
    page.get_by_test_id("scheme-save").click()
    page.goto(page.base + "/ratings/schemes/v2026/")
    diff = page.get_by_test_id("scheme-diff")
    assert diff.locator("tr[data-key]").count() == 3
    figure = page.get_by_test_id("preview-figure")
    assert int(figure.get_attribute("data-compared")) > 0  # the 2024 campaign recomputed
    screenshot(page, "reexam-scheme-version")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("scheme-publish").click()
    assert page.get_by_test_id("scheme-status").inner_text().startswith("已发布")

    # 4. a 2026 campaign on that version; readiness per zone
    page.goto(page.base + "/ratings/new/")
    page.fill("#id_year", "2026")
    page.fill("#id_title", "2026 年度复核")
    page.select_option("#id_scheme", "v2026")
    page.get_by_role("button", name="查看到期的示范区", exact=True).click()
    page.get_by_role("button", name="创建复核批次", exact=True).click()
    campaign_url = page.url
    campaign_id = int(campaign_url.rstrip("/").split("/")[-1])
    jiaxing_row = page.locator(f"[data-testid=zone-table] tr[data-region='{JIAXING}']")
    assert "3/3" in jiaxing_row.inner_text() and "0/1" in jiaxing_row.inner_text()

    # 5. one expert for the two filed zones, assigned at once, scores both
    expert = User.objects.get(username="expert")
    page.goto(page.base + f"/ratings/{campaign_id}/assign/")
    page.select_option("#id_experts", str(expert.pk))
    choices = page.get_by_test_id("zone-choices")
    choices.get_by_label("嘉兴市").check()
    choices.get_by_label("绍兴市").check()
    page.get_by_test_id("preview").click()
    assert page.get_by_test_id("valid-pairs").locator("li").count() == 2
    page.get_by_test_id("confirm").click()
    page.context.clear_cookies()
    sign_in(page, "expert")
    for name in ("嘉兴市", "绍兴市"):
        score_work(page, name, ("10", "8", "7"))
    page.context.clear_cookies()

    # 6. computed, the campaign refuses to publish until the incomplete zones are excluded
    sign_in(page, "province")
    page.goto(campaign_url)
    page.get_by_role("button", name="全部计算", exact=True).click()
    page.wait_for_selector("[data-testid=job][data-status=done]")
    page.reload()
    page.get_by_test_id("publish-preview").click()
    assert "18 个示范区数据不完整" in page.get_by_test_id("publish-problems").inner_text()
    assert page.get_by_test_id("publish-confirm").count() == 0
    page.fill("#exclude-reason", "2025 年度报告尚未受理，下一批次复核")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="排除数据不完整的示范区", exact=True).click()

    # 7. the preview names the figures; publishing confirms them
    assert page.get_by_test_id("publish-problems").count() == 0
    consequences = page.get_by_test_id("preview-consequences").inner_text()
    assert "1 个警示称号将恢复为正常状态" in consequences  # 嘉兴市, rectified
    assert "将开启 1 个约谈案件（取消评星）" in consequences  # 绍兴市: N19-20 failed 2023–2025
    assert "将记录 1 项激励措施" in consequences
    screenshot(page, "reexam-publish-preview")
    page.check("#id_confirm")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("publish-confirm").click()
    assert page.get_by_test_id("campaign-status").inner_text() == "已发布"
    jiaxing = Designation.objects.get(region__code=JIAXING, programme__code="provincial")
    assert jiaxing.status == "active" and jiaxing.stars >= 3

    # 8. the incentives list shows the entitlements; the public page shows the result
    page.goto(page.base + f"/ratings/incentives/?campaign={campaign_id}")
    assert page.locator("[data-testid^=entitlement-]").count() == 1
    screenshot(page, "reexam-incentives")
    page.goto(page.base + f"/zones/{JIAXING}/")
    assert "2026 年度复核" in page.inner_text("main")

    # 9. the province withdraws the campaign: stars, status and incentives revert
    page.goto(campaign_url)
    page.get_by_test_id("withdraw-link").click()
    page.fill("#id_reason", "评分方案适用有误，重新组织复核")
    page.check("#id_confirm")
    page.get_by_test_id("withdraw-submit").click()
    assert page.get_by_test_id("campaign-status").inner_text() == "已撤回"
    jiaxing.refresh_from_db()
    assert (jiaxing.status, jiaxing.stars) == ("warned", None)  # never rated before
    page.goto(page.base + f"/ratings/incentives/?campaign={campaign_id}")
    assert page.locator("[data-testid^=entitlement-]").count() == 0
    page.goto(page.base + f"/zones/{JIAXING}/")
    assert "2026 年度复核" not in page.inner_text("main")
    screenshot(page, "reexam-withdrawn")
    call_command("verify_ratings")  # every published result still reproduces
    assert page.errors == []
