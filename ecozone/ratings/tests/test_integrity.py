"""The platform verification runs without being asked (nightly, after each publication), is
recorded, and a failed run reaches the province: its page, its to-do list and /healthz."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ecozone.accounts.todo import todo_for
from ecozone.core.models import LedgerEntry
from ecozone.indicators.rules import fmt
from ecozone.ratings.models import IntegrityRun, Reexamination
from ecozone.ratings.tasks import (
    nightly_integrity_task,
    schedule_nightly_integrity,
)
from ecozone.ratings.tests.test_campaigns import demo, published_2024
from ecozone.reporting.models import ReportValue, ValueChange
from ecozone.reporting.verification import checkpoints_module

pytestmark = pytest.mark.django_db
__all__ = ["demo"]  # the fixture, imported for this module's tests

PAGE = "/audit/integrity/"
RUN_NOW = "/audit/integrity/run/"
CHECKS = ["value_chain", "ledger", "values", "evidence", "checkpoints", "ratings"]


@pytest.fixture(autouse=True)
def english_and_a_key(settings, tmp_path):
    settings.ECOZONE_SIGNING_KEY = str(tmp_path / "signing-key.pem")
    with translation.override("en"):
        yield


def anji_value() -> ReportValue:
    return (
        ReportValue.objects.filter(
            report__region__code="330523", report__year=2023, number__isnull=False
        )
        .select_related("indicator")
        .order_by("indicator__position")
        .first()
    )


def tamper() -> str:
    """Change one live figure behind the application's back; the problem the run names."""
    value = anji_value()
    ReportValue.objects.filter(pk=value.pk).update(number=value.number + 1)
    return (
        f"安吉县 (330523) 2023 · {value.indicator.code} · number: "
        f"live {fmt(value.number + 1)}, history {fmt(value.number)}"
    )


def test_the_nightly_task_records_a_clean_run(demo):
    nightly_integrity_task.enqueue()
    run = IntegrityRun.objects.get()
    values = ReportValue.objects.count()
    assert (run.trigger, run.ok, run.total_problems, run.problems) == ("nightly", True, 0, [])
    assert run.started_at <= run.finished_at <= timezone.now()
    assert run.counts == {
        "value_chain": {"checked": ValueChange.objects.count(), "problems": 0},
        "ledger": {"checked": LedgerEntry.objects.count(), "problems": 0},
        "values": {"checked": values, "problems": 0},
        "evidence": {"checked": 0, "problems": 0},
        "checkpoints": {"checked": None, "problems": 0},
        "ratings": {"checked": 0, "problems": 0},
    }
    assert values > 300
    assert checkpoints_module() is not None


def test_a_value_changed_behind_the_platforms_back_fails_the_run_and_is_named(demo):
    problem = tamper()
    nightly_integrity_task.enqueue()
    run = IntegrityRun.objects.get()
    assert (run.ok, run.total_problems) == (False, 1)
    assert run.problems == [{"check": "values", "text": problem}]
    assert run.counts["values"] == {"checked": ReportValue.objects.count(), "problems": 1}
    assert [name for name, count in run.counts.items() if count["problems"]] == ["values"]


def test_a_publication_runs_the_verification_once_committed(
    demo, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        published_2024(users["province_admin"])
    run = IntegrityRun.objects.get()
    assert (run.trigger, run.ok, run.counts["ratings"]) == (
        "published",
        True,
        {"checked": 2, "problems": 0},
    )
    assert sorted(run.counts) == sorted(CHECKS)


def test_a_published_rating_changed_behind_the_platforms_back_is_named(demo, users, capsys):
    published_2024(users["province_admin"])
    zone = Reexamination.objects.get(designation__region__code="330523")
    Reexamination.objects.filter(pk=zone.pk).update(stars=zone.stars + 1)
    with pytest.raises(CommandError, match="verification failed: 1 problems"):
        call_command("verify_platform")
    problem = "安吉县 (330523) · 2024 复核: its total or stars differ from its score card"
    run = IntegrityRun.objects.get()
    assert (run.trigger, run.problems) == ("manual", [{"check": "ratings", "text": problem}])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"value chain: {ValueChange.objects.count()} checked, 0 problems"
    assert lines[-2:] == [
        "published ratings: 2 checked, 1 problems",
        f"PROBLEM published ratings: {problem}",
    ]


def test_the_todo_shows_for_the_province_only_while_the_last_run_failed(demo, users):
    admin = users["province_admin"]
    nightly_integrity_task.enqueue()
    assert [i.title for i in todo_for(admin)] == []
    tamper()
    nightly_integrity_task.enqueue()
    failed = IntegrityRun.objects.order_by("-pk").first()
    [item] = [i for i in todo_for(admin) if i.url == PAGE]
    when = f"{timezone.localtime(failed.started_at):%Y-%m-%d %H:%M}"
    assert (item.title, item.count, item.detail) == (
        "The platform verification found problems",
        1,
        f"run of {when}",
    )
    for role in ["department", "expert", "city", "county"]:
        assert [i for i in todo_for(users[role]) if i.url == PAGE] == []
    ReportValue.objects.filter(pk=anji_value().pk).update(number=anji_value().number - 1)
    nightly_integrity_task.enqueue()
    assert [i for i in todo_for(admin) if i.url == PAGE] == []


def test_healthz_says_degraded_when_the_last_run_failed(demo, settings):
    assert Client().get("/healthz").json()["checks"]["integrity"] == "unknown"
    nightly_integrity_task.enqueue()
    response = Client().get("/healthz")
    assert (response.status_code, response.json()["status"]) == (200, "ok")
    assert response.json()["checks"]["integrity"] == "ok"
    tamper()
    nightly_integrity_task.enqueue()
    response = Client().get("/healthz")
    assert (response.status_code, response.json()["status"]) == (200, "degraded")
    assert response.json()["checks"] == {
        "database": "ok",
        "worker": "idle",
        "integrity": "failing",
    }
    settings.ECOZONE_HEALTH_REQUIRE_INTEGRITY = True
    response = Client().get("/healthz")
    assert (response.status_code, response.json()["status"]) == (503, "failing")


def test_the_page_shows_the_last_run_its_problems_and_the_earlier_runs(demo, client_as):
    nightly_integrity_task.enqueue()
    problem = tamper()
    nightly_integrity_task.enqueue()
    client = client_as("province_admin")
    client.cookies["django_language"] = "en"
    response = client.get(PAGE)
    assert response.status_code == 200
    context = response.context
    assert (context["last"].ok, context["last"].total_problems) == (False, 1)
    assert context["details"]["problems"] == [{"label": "live values", "text": problem}]
    assert [(str(c["label"]), c["problems"]) for c in context["details"]["counts"]] == [
        ("value chain", 0),
        ("ledger", 0),
        ("live values", 1),
        ("evidence files", 0),
        ("signed checkpoints", 0),
        ("published ratings", 0),
    ]
    assert [(r.trigger, r.ok) for r in context["earlier"]] == [("nightly", True)]
    html = response.content.decode()
    assert f"live values: {problem}" in html
    assert "1 problem found" in html


def test_the_page_refuses_everyone_but_the_province(demo, client_as):
    for role in ["department", "expert", "city", "county"]:
        client = client_as(role)
        assert (client.get(PAGE).status_code, client.post(RUN_NOW).status_code) == (403, 403)
    anonymous = Client()
    login = reverse("accounts:login")
    for response in (anonymous.get(PAGE), anonymous.post(RUN_NOW)):
        assert (response.status_code, response.url.split("?")[0]) == (302, login)
    assert IntegrityRun.objects.count() == 0


def test_run_now_queues_a_run_by_post_only(demo, client_as):
    client = client_as("province_admin")
    assert client.get(RUN_NOW).status_code == 405
    response = client.post(RUN_NOW)
    assert (response.status_code, response.url) == (302, PAGE)
    run = IntegrityRun.objects.get()  # the test backend runs it at once
    assert (run.trigger, run.ok) == ("manual", True)


def test_the_nightly_run_is_queued_once_and_queues_itself_a_day_later(demo, settings):
    from django_tasks_db.models import DBTaskResult

    assert schedule_nightly_integrity() is False  # the test backend cannot defer
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert (schedule_nightly_integrity(), schedule_nightly_integrity()) == (True, False)
    assert DBTaskResult.objects.count() == 1
    DBTaskResult.objects.all().delete()  # as the worker takes it: no longer waiting
    nightly_integrity_task.call()
    assert IntegrityRun.objects.get().trigger == "nightly"
    queued = DBTaskResult.objects.get()
    wait = queued.run_after - timezone.now()
    assert (queued.task_path, queued.status, 23 < wait.total_seconds() / 3600 <= 24) == (
        "ecozone.ratings.tasks.nightly_integrity_task",
        "READY",
        True,
    )
