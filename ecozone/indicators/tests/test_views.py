import pytest

from ecozone.indicators.models import Indicator, IndicatorSystem

pytestmark = pytest.mark.django_db


def test_edition_page_marks_unverified_rows(client_as):
    response = client_as("county").get("/indicators/N19/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "本版本有 51 项指标未经官方文本完整核对" in html
    assert html.count("ez-unverified") == 51  # every row but N19-01, the one fully verified


def test_only_the_province_admin_manages_catalogues(client_as):
    for role in ("county", "city", "department", "expert"):
        client = client_as(role)
        assert client.post("/indicators/N19/copy/", {"code": "X1", "title": "t"}).status_code == 403
        assert client.post("/indicators/N19/retire/").status_code == 403
        assert client.get("/indicators/import/").status_code == 403
        assert client.get("/indicators/N19/indicators/new/").status_code == 403
    assert not IndicatorSystem.objects.filter(code="X1").exists()


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get("/indicators/N19/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/indicators/N19/",
    )


def test_admin_copies_edits_and_publishes_through_the_pages(client_as):
    client = client_as("province_admin")
    response = client.post("/indicators/N19/copy/", {"code": "ZJ23", "title": "浙江省 2023"})
    assert response["Location"] == "/indicators/ZJ23/"
    indicator = Indicator.objects.get(system__code="ZJ23", code="N19-03")
    data = {
        f: getattr(indicator, f)
        for f in (
            "code",
            "number",
            "domain",
            "task",
            "name",
            "unit",
            "attribute",
            "kind",
            "scope",
            "condition",
            "value_type",
            "target_text",
            "data_source",
            "explanation",
            "verified",
            "yoy_band",
        )
    }
    response = client.post(f"/indicators/ZJ23/indicators/{indicator.pk}/", {**data, "rule": ">="})
    assert response.status_code == 200
    assert "“&gt;=”后应为数字" in response.content.decode()
    response = client.post(f"/indicators/ZJ23/indicators/{indicator.pk}/", {**data, "rule": ">=25"})
    assert response.status_code == 302
    client.post("/indicators/ZJ23/publish/")
    assert IndicatorSystem.objects.get(code="ZJ23").status == "published"
    response = client.get("/indicators/diff/?a=N19&b=ZJ23")
    assert response.context["diff"].changed[0].code == "N19-03"
    # published now: the edit page refuses and nothing changes
    response = client.post(f"/indicators/ZJ23/indicators/{indicator.pk}/", {**data, "rule": ">=30"})
    assert response.status_code == 302
    assert Indicator.objects.get(pk=indicator.pk).rule == ">=25"


def test_export_downloads_a_workbook(client_as):
    response = client_as("county").get("/indicators/N19/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_catalogue_api_needs_a_signed_in_user(client):
    assert client.get("/api/v1/indicator-systems").status_code == 401
    assert client.get("/api/v1/indicator-systems/N19").status_code == 401
    response = client.post(
        "/api/v1/rules/evaluate", {"rule": ">=1"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_rule_evaluation_api_judges_in_the_chosen_language(client_as):
    body = {
        "rule": "task & trend:higher",
        "value": {"value": "5", "task": True},
        "previous": {"value": "4"},
    }
    client = client_as("county")
    response = client.post("/api/v1/rules/evaluate", body, content_type="application/json")
    assert response.json() == {
        "rule": "task & trend:higher",
        "verdict": "met",
        "reason": "已完成上级规定的目标任务；上年 4 → 本年 5，保持稳定或改善",
    }
    client.cookies["django_language"] = "en"  # the language menu's choice
    english = client.post("/api/v1/rules/evaluate", body, content_type="application/json")
    assert english.json()["reason"] == "higher-level task completed; 4 → 5: stable or improving"
