"""Demonstration task books (演示): 2023 issued, reported, assessed and published for the 11
cities and five departments, with grades in every class; 2024 copied from 2023 and issued, some
acknowledged and reported on. Written through the same services as the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ecozone.accounts.models import Organisation, User
from ecozone.regions.models import Region
from ecozone.taskbooks import services
from ecozone.taskbooks.models import TaskBook

CITY_TASKS = [
    # (category, title, target, points, method, metric, comparison, target value, scoring)
    (
        "creation",
        "年内新命名示范区（县）",
        "≥1 个",
        "10",
        "measured",
        "zones_named",
        ">=",
        "1",
        "threshold",
    ),
    (
        "annual",
        "县级年度数据按时报送",
        "按时报送率 100%",
        "20",
        "measured",
        "reports_on_time",
        ">=",
        "100",
        "proportional",
    ),
    (
        "annual",
        "年度报告审核通过",
        "通过率 100%",
        "15",
        "measured",
        "reports_accepted",
        ">=",
        "100",
        "proportional",
    ),
    (
        "rectification",
        "约谈问题整改销号",
        "整改完成率 100%",
        "10",
        "measured",
        "cases_closed",
        ">=",
        "100",
        "proportional",
    ),
    (
        "rectification",
        "复核评星质量",
        "四星及以上占比 ≥60%",
        "10",
        "measured",
        "four_stars",
        ">=",
        "60",
        "proportional",
    ),
    (
        "publicity",
        "报送并发布典型案例",
        "≥1 个",
        "5",
        "measured",
        "cases_published",
        ">=",
        "1",
        "threshold",
    ),
    (
        "publicity",
        "开展生态文明宣传活动",
        "全年不少于 4 次",
        "10",
        "reported",
        "",
        ">=",
        None,
        "threshold",
    ),
    (
        "creation",
        "落实示范创建工作方案",
        "年度任务全部完成",
        "20",
        "reported",
        "",
        ">=",
        None,
        "threshold",
    ),
]
DEPARTMENT_TASKS = [
    (
        "department_data",
        "按时报送部门指标数据且与地方一致",
        "按时一致率 ≥95%",
        "20",
        "measured",
        "feeds_on_time",
        ">=",
        "95",
        "proportional",
    ),
    (
        "department_data",
        "指导各地指标数据核实",
        "完成年度核实",
        "40",
        "reported",
        "",
        ">=",
        None,
        "threshold",
    ),
    (
        "publicity",
        "支持行业领域示范创建",
        "出台支持措施",
        "40",
        "reported",
        "",
        ">=",
        None,
        "threshold",
    ),
]
DEPARTMENTS = [
    "浙江省生态环境厅",
    "浙江省自然资源厅",
    "浙江省水利厅",
    "浙江省农业农村厅",
    "浙江省住房和城乡建设厅",
]
# Share of each reported task's points a recipient earns, in a fixed cycle (grades in every class).
QUALITY = [Decimal("1"), Decimal("0.9"), Decimal("0.75"), Decimal("0.55"), Decimal("0.3")]


def _task_data(row, year: int) -> dict:
    category, title, target, points, method, metric, comparison, value, scoring = row
    return {
        "category": category,
        "title": title,
        "target_text": target,
        "points": Decimal(points),
        "deadline": datetime.date(year, 12, 31),
        "evidence_required": "工作总结、相关文件或照片" if method == "reported" else "",
        "method": method,
        "metric": metric,
        "comparison": comparison,
        "target_value": None if value is None else Decimal(value),
        "scoring": scoring,
    }


def load_taskbooks(*, with_next_year: bool = True) -> str:
    if TaskBook.objects.exists():
        return "task books: present"
    province = User.objects.filter(username="province").first()
    if province is None:
        return "task books: no province account"
    books = []
    for city in Region.objects.filter(level="city").order_by("code"):
        books.append((services.create_book(by=province, year=2023, region=city), CITY_TASKS))
    for name in DEPARTMENTS:
        organisation = Organisation.objects.get(name=name)
        books.append(
            (
                services.create_book(by=province, year=2023, organisation=organisation),
                DEPARTMENT_TASKS,
            )
        )
    for book, rows in books:
        for row in rows:
            services.save_task(by=province, book=book, data=_task_data(row, 2023))
    services.issue_year(by=province, year=2023)
    for index, (book, _rows) in enumerate(books):
        _assess(book, province, QUALITY[index % len(QUALITY)], index)
    done = f"task books: 2023 published for {len(books)} recipients"
    if with_next_year:
        services.copy_year(by=province, source_year=2023, year=2024)
        services.issue_year(by=province, year=2024)
        for index, book in enumerate(TaskBook.objects.filter(year=2024).order_by("pk")):
            if index % 2 == 0:
                recipient = _recipient_user(book)
                if recipient is not None:
                    services.transition(book, action="acknowledge", by=recipient)
                    task = book.tasks.filter(method="reported").first()
                    services.report_progress(
                        by=recipient,
                        task=task,
                        period="midyear",
                        text="上半年已完成主要节点任务（演示数据）。",
                    )
        done += "; 2024 issued (half acknowledged)"
    return done


def _recipient_user(book):
    if book.region_id:
        return User.objects.filter(organisation__region=book.region, role="city").first()
    return User.objects.filter(organisation=book.organisation, role="department").first()


def _assess(book, province, quality: Decimal, index: int) -> None:
    recipient = _recipient_user(book)
    if recipient is not None:
        services.transition(book, action="acknowledge", by=recipient)
    for task in book.tasks.all():
        if task.method == "measured":
            services.score_task(by=province, task=task)
        else:
            services.score_task(
                by=province,
                task=task,
                awarded=(task.points * quality).quantize(Decimal("0.01")),
                reason="演示数据：按佐证材料评定",
            )
    if index % 4 == 1:
        services.add_adjustment(
            by=province,
            book=book,
            kind="deduction",
            points=Decimal("3"),
            reason="演示数据：数据报送延误",
        )
    if index % 5 == 0:
        services.add_adjustment(
            by=province,
            book=book,
            kind="bonus",
            points=Decimal("2"),
            reason="演示数据：工作获国家通报表扬",
        )
    services.transition(book, action="publish", by=province)
