"""Work task books and the annual assessment: arithmetic, workflow, scope, API, files."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from ecozone.accounts.models import Organisation
from ecozone.demo.services import load_roster
from ecozone.regions.models import Region
from ecozone.taskbooks import scoring, services
from ecozone.taskbooks.models import BookEvent, TaskBook

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------- arithmetic


@pytest.mark.parametrize(
    ("value", "comparison", "method", "expected"),
    [
        ("100", ">=", "threshold", "20.00"),
        ("99.99", ">=", "threshold", "0"),
        ("80", ">=", "proportional", "16.00"),
        ("0", "<=", "threshold", "20.00"),
        ("2", "<=", "proportional", "0"),  # target 0: any revocation earns nothing
        (None, ">=", "proportional", "0"),
    ],
)
def test_measured_points(value, comparison, method, expected):
    target = D("100") if comparison == ">=" else D("0")
    got = scoring.measured_points(
        value=None if value is None else D(value),
        target=target,
        comparison=comparison,
        scoring=method,
        points=D("20"),
    )
    assert got == D(expected)


def test_at_most_targets_earn_target_over_value():
    got = scoring.measured_points(
        value=D("4"), target=D("3"), comparison="<=", scoring="proportional", points=D("10")
    )
    assert got == D("7.50")


def test_totals_apply_the_caps_and_grades_meet_their_thresholds():
    result = scoring.total(
        [D("50"), D("40.5")],
        [D("8"), D("4")],
        [D("3"), D("4")],
        deduction_cap=D("10"),
        bonus_cap=D("5"),
    )
    assert result == (D("90.50"), D("10.00"), D("5.00"), D("85.50"))
    thresholds = {"excellent": D("90"), "good": D("80"), "passing": D("60")}
    assert [scoring.grade(D(s), **thresholds) for s in ("90", "89.99", "80", "60", "59.99")] == [
        "excellent",
        "good",
        "good",
        "pass",
        "fail",
    ]


def test_equal_scores_share_a_rank():
    assert scoring.ranks({1: D("90"), 2: D("95"), 3: D("90"), 4: D("80")}) == {
        2: 1,
        1: 2,
        3: 2,
        4: 4,
    }


# ---------------------------------------------------------------------------- workflow

TASKS = [
    {
        "category": "creation",
        "title": "年内新命名示范区",
        "target_text": "≥1 个",
        "points": D("30"),
        "deadline": datetime.date(2024, 12, 31),
        "evidence_required": "",
        "method": "measured",
        "metric": "zones_named",
        "comparison": ">=",
        "target_value": D("1"),
        "scoring": "threshold",
    },
    {
        "category": "publicity",
        "title": "开展宣传活动",
        "target_text": "4 次",
        "points": D("70"),
        "deadline": datetime.date(2024, 12, 31),
        "evidence_required": "活动照片",
        "method": "reported",
        "metric": "",
        "comparison": ">=",
        "target_value": None,
        "scoring": "threshold",
    },
]


@pytest.fixture
def huzhou_book(users):
    admin = users["province_admin"]
    book = services.create_book(by=admin, year=2024, region=Region.objects.get(code="330500"))
    for data in TASKS:
        services.save_task(by=admin, book=book, data=data)
    return book


@pytest.fixture
def issued(huzhou_book, users):
    return services.transition(huzhou_book, action="issue", by=users["province_admin"])


def test_a_book_is_issued_acknowledged_scored_and_published(issued, users):
    admin, city = users["province_admin"], users["city"]
    with pytest.raises(PermissionDenied):
        services.transition(issued, action="acknowledge", by=users["other_city"])
    book = services.transition(issued, action="acknowledge", by=city)
    measured, reported = book.tasks.order_by("position")
    with pytest.raises(ValidationError):
        services.transition(book, action="publish", by=admin)  # nothing scored yet
    services.score_task(by=admin, task=measured)
    measured.refresh_from_db()
    assert (measured.measured_value, measured.awarded) == (D("0.00"), D("0.00"))
    assert measured.reason == "计量值 0 对照 >= 1"
    with pytest.raises(ValidationError):
        services.score_task(by=admin, task=reported, awarded=D("71"), reason="超出分值")
    services.score_task(by=admin, task=reported, awarded=D("63"), reason="完成 3 次")
    services.add_adjustment(by=admin, book=book, kind="deduction", points=D("12"), reason="迟报")
    book.refresh_from_db()
    assert (book.task_points, book.deductions, book.score, book.grade) == (
        D("63.00"),
        D("10.00"),
        D("53.00"),
        "fail",
    )
    book = services.transition(book, action="publish", by=admin)
    assert (book.status, book.rank) == ("published", None)
    book.refresh_from_db()
    assert book.rank == 1
    with pytest.raises(ValidationError):
        services.score_task(by=admin, task=reported, awarded=D("70"), reason="x")
    services.correct_result(by=admin, task=reported, awarded=D("70"), reason="复核补充材料")
    book.refresh_from_db()
    assert (book.score, book.grade) == (D("60.00"), "pass")
    correction = book.events.get(action="correct")
    assert correction.changes == {"awarded": ["63", "70"], "score": ["53", "60"]}
    assert list(book.events.values_list("action", flat=True)) == [
        "correct",
        "publish",
        "adjust",
        "score",
        "score",
        "acknowledge",
        "issue",
        "edit",
        "edit",
        "create",
    ]


def test_an_issued_book_changes_only_by_a_recorded_amendment(issued, users):
    admin = users["province_admin"]
    task = issued.tasks.get(method="reported")
    with pytest.raises(ValidationError):
        services.save_task(by=admin, book=issued, data=TASKS[1], task=task)
    with pytest.raises(ValidationError):
        services.amend_task(by=admin, task=task, data={**TASKS[1], "points": D("60")}, reason=" ")
    services.amend_task(
        by=admin, task=task, data={**TASKS[1], "points": D("60")}, reason="调整权重"
    )
    event = BookEvent.objects.get(book=issued, action="amend")
    assert event.changes == {str(task.pk): {"points": ["70", "60"]}}
    assert event.comment == "开展宣传活动：调整权重"


def test_a_measured_task_follows_the_platform_data(issued, users):
    load_roster()  # names zones: 湖州's in 2024? the roster's naming dates decide
    from ecozone.designations.models import Designation

    named = Designation.objects.filter(
        region__in=[issued.region, *issued.region.children.all()], named_on__year=2024
    ).count()
    services.score_task(by=users["province_admin"], task=issued.tasks.get(method="measured"))
    task = issued.tasks.get(method="measured")
    assert task.measured_value == D(named)
    assert task.awarded == (D("30.00") if named else D("0.00"))


def test_copying_a_year_drafts_every_book_with_its_tasks(issued, users):
    admin = users["province_admin"]
    services.create_book(
        by=admin, year=2024, organisation=Organisation.objects.get(name="浙江省水利厅")
    )
    assert services.copy_year(by=admin, source_year=2024, year=2025) == 2
    copied = TaskBook.objects.get(year=2025, region__code="330500")
    assert copied.status == "draft"
    assert [(t.title, t.deadline) for t in copied.tasks.all()] == [
        ("年内新命名示范区", datetime.date(2025, 12, 31)),
        ("开展宣传活动", datetime.date(2025, 12, 31)),
    ]
    assert services.copy_year(by=admin, source_year=2024, year=2025) == 0
    with pytest.raises(PermissionDenied):
        services.copy_year(by=users["city"], source_year=2024, year=2026)


# ---------------------------------------------------------------------------- pages and API


def test_the_api_answers_the_contract_shape_within_scope(issued, users, client_as):
    services.create_book(
        by=users["province_admin"],
        year=2024,
        organisation=Organisation.objects.get(name="浙江省生态环境厅"),
    )
    province = client_as("province_admin").get("/api/v1/assessments?year=2024").json()
    assert [(b["kind"], b["code"], b["name"], b["status"]) for b in province] == [
        ("city", "330500", "湖州市", "issued"),
        ("department", "sthjt", "浙江省生态环境厅", "draft"),
    ]
    assert set(province[0]) == {
        "id",
        "kind",
        "code",
        "name",
        "year",
        "status",
        "score",
        "grade",
        "rank",
    }
    assert (province[0]["score"], province[0]["grade"], province[0]["rank"]) == (None, None, None)
    city = client_as("city").get("/api/v1/assessments?year=2024").json()
    assert [b["name"] for b in city] == ["湖州市"]
    assert client_as("department").get("/api/v1/assessments?year=2024").json() == []  # a draft
    assert client_as("other_city").get(f"/api/v1/assessments/{issued.pk}").status_code == 404
    assert client_as("county").get("/api/v1/assessments?year=2024").status_code == 403
    services.score_task(
        by=users["province_admin"],
        task=issued.tasks.get(method="reported"),
        awarded=D("50"),
        reason="良",
    )
    detail = client_as("city").get(f"/api/v1/assessments/{issued.pk}").json()
    assert detail["score"] == "50.00" and detail["grade"] == "不合格"
    assert [
        (t["title"], t["method"], t["target"], t["points"], t["awarded"], t["reason"])
        for t in detail["tasks"]
    ] == [
        ("年内新命名示范区", "measured", "≥1 个", "30.00", None, ""),
        ("开展宣传活动", "reported", "4 次", "70.00", "50.00", "良"),
    ]


def test_pages_refuse_other_roles_and_other_cities(issued, client_as):
    pk = issued.pk
    task = issued.tasks.first().pk
    assert client_as("other_city").get(f"/taskbooks/{pk}/").status_code == 404
    assert client_as("county").get("/taskbooks/").status_code == 403
    assert client_as("expert").get("/taskbooks/").status_code == 403
    assert client_as("city").post(f"/taskbooks/{pk}/publish/").status_code == 403
    assert (
        client_as("city")
        .post(f"/taskbooks/tasks/{task}/score/", {"awarded": "1", "reason": "x"})
        .status_code
        == 403
    )
    assert (
        client_as("city").post("/taskbooks/copy/", {"source_year": 2024, "year": 2025}).status_code
        == 403
    )
    assert client_as("other_city").post(f"/taskbooks/{pk}/acknowledge/").status_code == 404
    assert (
        client_as("other_city")
        .post(f"/taskbooks/tasks/{task}/progress/", {"period": "midyear", "text": "x"})
        .status_code
        == 404
    )
    assert client_as("department").get(f"/taskbooks/{pk}/report.pdf").status_code == 404
    assert client_as("city").get("/taskbooks/years/2024/results.xlsx").status_code == 403
    assert client_as("city").get("/taskbooks/years/2024/settings/").status_code == 403
    for url in ("/taskbooks/", f"/taskbooks/{pk}/", f"/taskbooks/{pk}/tasks.xlsx"):
        assert client_as("city").get(url).status_code == 200
    issued.refresh_from_db()
    assert issued.status == "issued"


def test_a_draft_is_the_provinces_alone(huzhou_book, client_as):
    assert client_as("city").get(f"/taskbooks/{huzhou_book.pk}/").status_code == 404
    assert client_as("province_admin").get(f"/taskbooks/{huzhou_book.pk}/").status_code == 200


def test_the_city_reports_progress_with_evidence_and_acknowledges(
    issued, client_as, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    city = client_as("city")
    city.post(f"/taskbooks/{issued.pk}/acknowledge/")
    task = issued.tasks.get(method="reported")
    pdf = io.BytesIO(b"%PDF-1.4 evidence")
    pdf.name = "活动.pdf"
    city.post(
        f"/taskbooks/tasks/{task.pk}/progress/",
        {"period": "midyear", "text": "已开展 2 次", "value": "2", "file": pdf},
    )
    progress = task.progress.get()
    assert (progress.text, progress.value, progress.original_name) == (
        "已开展 2 次",
        D("2.00"),
        "活动.pdf",
    )
    assert city.get(f"/taskbooks/progress/{progress.pk}/file/").status_code == 200
    assert (
        client_as("other_city").get(f"/taskbooks/progress/{progress.pk}/file/").status_code == 404
    )
    issued.refresh_from_db()
    assert issued.status == "acknowledged"


def test_tasks_import_all_or_nothing_and_results_export(huzhou_book, client_as):
    province = client_as("province_admin")
    exported = province.get(f"/taskbooks/{huzhou_book.pk}/tasks.xlsx")
    workbook = load_workbook(io.BytesIO(exported.content))
    sheet = workbook["任务"]
    assert [c.value for c in sheet[2]][:4] == ["示范创建", "年内新命名示范区", "≥1 个", "30.00"]
    sheet["D3"] = "300"  # points out of range
    bad = io.BytesIO()
    workbook.save(bad)
    bad.seek(0)
    bad.name = "bad.xlsx"
    page = province.post(f"/taskbooks/{huzhou_book.pk}/import/", {"file": bad}, follow=True)
    assert "第 3 行" in page.content.decode() and "分值" in page.content.decode()
    assert huzhou_book.tasks.count() == 2
    sheet["D3"] = "40"
    good = io.BytesIO()
    workbook.save(good)
    good.seek(0)
    good.name = "good.xlsx"
    province.post(f"/taskbooks/{huzhou_book.pk}/import/", {"file": good})
    assert [t.points for t in huzhou_book.tasks.all()] == [D("30.00"), D("40.00")]
    results = province.get("/taskbooks/years/2024/results.xlsx")
    assert load_workbook(io.BytesIO(results.content))["结果"].max_row == 1  # drafts left out


def test_the_city_ranking_is_public_only_when_the_province_chooses(issued, users, client):
    admin = users["province_admin"]
    services.score_task(
        by=admin, task=issued.tasks.get(method="reported"), awarded=D("65"), reason="良"
    )
    services.score_task(by=admin, task=issued.tasks.get(method="measured"))
    services.transition(issued, action="publish", by=admin)
    assert "assessment-ranking" not in client.get("/compare/").content.decode()
    assessment = issued.assessment
    data = {
        "excellent_from": D("90"),
        "good_from": D("80"),
        "pass_from": D("60"),
        "deduction_cap": D("10"),
        "bonus_cap": D("5"),
        "ranking_public": True,
    }
    with pytest.raises(ValidationError):  # thresholds are frozen once a result is published
        services.save_year_settings(
            by=admin, assessment=assessment, data={**data, "pass_from": D("50")}
        )
    services.save_year_settings(
        by=admin,
        assessment=assessment,
        data=data,
    )
    page = client.get("/compare/").content.decode()
    assert "2024 年度考核：设区市排名" in page and "湖州市" in page


def test_every_province_action_refuses_the_recipients(issued, huzhou_book, client_as):
    """Each drafting and assessing view: a city is refused (403), another city's book is not
    found (404), and nothing changes."""
    pk = issued.pk
    task = issued.tasks.first().pk
    city, other = client_as("city"), client_as("other_city")
    posts = [
        "/taskbooks/years/2024/new/",
        "/taskbooks/years/2024/issue/",
        f"/taskbooks/{pk}/tasks/new/",
        f"/taskbooks/{pk}/tasks/{task}/",
        f"/taskbooks/{pk}/score-measured/",
        f"/taskbooks/{pk}/adjustments/",
        f"/taskbooks/{pk}/import/",
        f"/taskbooks/tasks/{task}/delete/",
    ]
    for url in posts:
        assert (
            city.post(url, {"recipient": "r1", "kind": "bonus", "points": "5"}).status_code == 403
        )
    assert city.get(f"/taskbooks/{pk}/tasks/new/").status_code == 403
    assert other.get(f"/taskbooks/{pk}/tasks.xlsx").status_code == 404
    assert client_as("county").get(f"/taskbooks/{pk}/tasks.xlsx").status_code == 404
    assert client_as("expert").get("/api/v1/assessments?year=2024").status_code == 403
    issued.refresh_from_db()
    assert (issued.status, issued.tasks.count(), issued.adjustments.count()) == ("issued", 2, 0)
    assert TaskBook.objects.filter(year=2024).count() == 1


def test_a_measured_value_of_zero_is_shown_as_zero(issued, client_as):
    page = client_as("city").get(f"/taskbooks/{issued.pk}/").content.decode()
    assert '<span data-testid="live-value">0</span>' in page
