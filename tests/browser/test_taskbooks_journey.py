"""Issue 15 in a real browser: the province issues the 2024 task books by copying 2023; 湖州
acknowledges, reports progress with evidence and watches a measured task follow the data; the
province scores, deducts and publishes; the results go out as Excel and PDF."""

import pytest

from ecozone.demo.services import load_accounts, load_reports, load_roster
from ecozone.demo.taskbooks import load_taskbooks
from ecozone.reporting.models import AnnualReport
from ecozone.taskbooks.models import TaskBook
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def books(transactional_db, django_db_serialized_rollback):
    """2023 books published; 湖州's zones reported 2019–2023, 安吉's 2023 report awaiting the
    province (the 2024 books measure the reports filed in 2024, that is the 2023 ones)."""
    load_accounts()
    load_roster()
    load_reports(["330500", "330521", "330523"])
    load_taskbooks(with_next_year=False)
    AnnualReport.objects.filter(region__code="330523", year=2023).update(status="city_checked")


def accept(page):
    page.once("dialog", lambda dialog: dialog.accept())


def task_section(page, title):
    return page.locator("[data-testid=task]").filter(has_text=title)


def test_task_books_from_issue_to_published_result(page, books, tmp_path):
    # 1. the province drafts 2024 by copying 2023, then issues the drafts
    sign_in(page, "province")
    page.goto(page.base + "/taskbooks/?year=2023")
    page.fill("#id_source_year", "2023")
    page.fill("#id_year", "2024")
    page.click("text=复制任务书")
    assert "已为 2024 年度起草 16 份任务书。" in page.inner_text("main")
    accept(page)
    page.click("text=下达 16 份草稿")
    assert "已下达 16 份任务书。" in page.inner_text("main")
    page.context.clear_cookies()

    # 2. 湖州 acknowledges its book from the to-do list and reports progress with evidence
    sign_in(page, "huzhou")
    page.click("text=签收 2024 年度工作任务书")
    page.get_by_role("button", name="签收", exact=True).click()
    assert page.inner_text("[data-testid=book-status]") == "已签收"
    accepted = task_section(page, "年度报告审核通过")
    assert accepted.locator("[data-testid=live-value]").inner_text() == "66.67"
    activity = task_section(page, "开展生态文明宣传活动")
    activity.locator("summary").click()
    activity.locator("select[name=period]").select_option("midyear")
    activity.locator("textarea[name=text]").fill("上半年开展宣传活动 3 次")
    activity.locator("input[name=value]").fill("3")
    evidence = tmp_path / "活动照片.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% activity\n")
    activity.locator("input[name=file]").set_input_files(str(evidence))
    activity.locator("button", has_text="报告").click()
    assert "进展已报告。" in page.inner_text("main")
    assert "活动照片.pdf" in task_section(page, "开展生态文明宣传活动").inner_text()
    book_url = page.url.split("#")[0]
    screenshot(page, "taskbook-city")
    page.context.clear_cookies()

    # 3. the province accepts 安吉's report; the city's measured task follows
    sign_in(page, "province")
    report = AnnualReport.objects.get(region__code="330523", year=2023)
    page.goto(page.base + f"/reporting/{report.pk}/")
    accept(page)
    page.click("text=审定并锁定")
    page.context.clear_cookies()
    sign_in(page, "huzhou")
    page.goto(book_url)
    assert task_section(page, "年度报告审核通过").locator(
        "[data-testid=live-value]"
    ).inner_text() == ("100.00")
    page.context.clear_cookies()

    # 4. the province scores, deducts and publishes
    sign_in(page, "province")
    page.goto(book_url)
    page.click("text=为平台计量任务评分")
    for title, points in (("开展生态文明宣传活动", "8"), ("落实示范创建工作方案", "18")):
        section = task_section(page, title)
        section.locator("input[name=awarded]").fill(points)
        section.locator("input[name=reason]").fill("佐证材料齐全")
        section.locator("button", has_text="评分").click()
        assert "已评分。" in page.inner_text("main")
    adjustments = page.locator("[data-testid=adjustments]")
    adjustments.locator("select[name=kind]").select_option("deduction")
    adjustments.locator("input[name=points]").fill("2")
    adjustments.locator("input[name=reason]").fill("年中报告迟报")
    adjustments.locator("button", has_text="记录").click()
    accept(page)
    page.click("text=发布结果")
    assert page.inner_text("[data-testid=book-status]") == "结果已发布"
    book = TaskBook.objects.get(year=2024, region__code="330500")
    assert page.inner_text("[data-testid=book-score]") == f"{book.score}"
    assert book.deductions == 2
    screenshot(page, "taskbook-published")
    with page.expect_download() as download:
        page.goto(page.base + "/taskbooks/?year=2024")
        page.click("text=考核结果（.xlsx）")
    assert download.value.suggested_filename == "assessment-2024.xlsx"
    page.context.clear_cookies()

    # 5. the city downloads its report and cannot see another city's book
    sign_in(page, "huzhou")
    page.goto(book_url)
    with page.expect_download() as download:
        page.click("text=考核报告（PDF）")
    assert download.value.suggested_filename.endswith(".pdf")
    hangzhou = TaskBook.objects.get(year=2024, region__code="330100")
    response = page.goto(page.base + f"/taskbooks/{hangzhou.pk}/")
    assert response.status == 404
