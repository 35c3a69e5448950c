"""The values API: a PATCH changes only what it sends, and one invalid row saves nothing."""

import json

import pytest

from ecozone.reporting.models import ReportValue, ValueChange


def patch(client, report, body):
    return client.patch(
        f"/api/v1/reports/{report.pk}/values", json.dumps(body), content_type="application/json"
    )


def stored(report, code):
    return ReportValue.objects.get(report=report, indicator__code=code)


@pytest.fixture
def filed(anji, client_as):
    """安吉县 2024 with N19-07a (percent + task) at 90 / 是 and an explanation."""
    client = client_as("county")
    body = {
        "version": 0,
        "values": [{"code": "N19-07a", "number": "90", "task": True, "explanation": "监测站"}],
    }
    assert patch(client, anji, body).json() == {"version": 1, "changed": 1, "errors": {}}
    return client


def test_patch_with_only_an_explanation_keeps_the_figure(anji, filed):
    body = {"version": 1, "values": [{"code": "N19-07a", "explanation": "新的说明"}]}
    assert patch(filed, anji, body).json() == {"version": 2, "changed": 1, "errors": {}}
    value = stored(anji, "N19-07a")
    assert (str(value.number), value.task, value.explanation) == ("90.0000", True, "新的说明")
    assert value.changes.last().changes == {"explanation": ["监测站", "新的说明"]}


def test_patch_with_only_the_task_keeps_figure_and_explanation(anji, filed):
    body = {"version": 1, "values": [{"code": "N19-07a", "task": False}]}
    assert patch(filed, anji, body).json()["changed"] == 1
    value = stored(anji, "N19-07a")
    assert (str(value.number), value.task, value.explanation) == ("90.0000", False, "监测站")


def test_an_explicit_null_clears_a_field(anji, filed):
    body = {"version": 1, "values": [{"code": "N19-07a", "number": None, "explanation": None}]}
    assert patch(filed, anji, body).json()["changed"] == 1
    value = stored(anji, "N19-07a")
    assert (value.number, value.task, value.explanation) == (None, True, "")
    assert value.changes.last().changes == {
        "number": ["90", None],
        "explanation": ["监测站", ""],
    }


def test_resending_the_same_fields_changes_nothing(anji, filed):
    body = {"version": 1, "values": [{"code": "N19-07a", "number": "90.0", "task": True}]}
    assert patch(filed, anji, body).json() == {"version": 1, "changed": 0, "errors": {}}


def test_one_invalid_row_saves_nothing_and_lists_every_error(anji, filed):
    body = {
        "version": 1,
        "values": [
            {"code": "N19-03", "number": "25"},
            {"code": "N19-05", "number": "120"},
            {"code": "N19-06", "yes": None},
            {"code": "N19-01", "state": "随便"},
            {"code": "X-99", "number": "1"},
        ],
    }
    response = patch(filed, anji, body)
    assert response.status_code == 422
    answer = response.json()
    assert answer["version"] == 1
    assert answer["detail"] == "部分数值无效，全部未保存。"
    assert sorted(answer["errors"]) == ["N19-01", "N19-05", "X-99"]
    assert answer["errors"]["N19-05"] == {"number": "百分比应在 0 到 100 之间"}
    assert answer["errors"]["X-99"] == {"indicator": "不是本报告的指标"}
    # nothing written: no value, no unsaved input, no history row, the same version
    assert not ReportValue.objects.filter(report=anji, indicator__code="N19-03").exists()
    assert not ReportValue.objects.filter(report=anji).exclude(raw_input={}).exists()
    assert ValueChange.objects.filter(report=anji).count() == 1
    anji.refresh_from_db()
    assert anji.version == 1


def test_a_row_sent_twice_is_refused(anji, filed):
    body = {
        "version": 1,
        "values": [{"code": "N19-03", "number": "25"}, {"code": "N19-03", "number": "26"}],
    }
    response = patch(filed, anji, body)
    assert response.status_code == 422
    assert response.json()["errors"] == {"N19-03": {"indicator": "同一指标提交了多次"}}
    assert not ReportValue.objects.filter(report=anji, indicator__code="N19-03").exists()


def test_reasons_and_explanations_land_in_the_history_row(anji, filed):
    body = {
        "version": 1,
        "reason": "批量更正",
        "values": [
            {"code": "N19-07a", "number": "91", "reason": "统计局复核数"},
            {"code": "N19-03", "number": "25", "explanation": "考核办法第三条"},
        ],
    }
    assert patch(filed, anji, body).json()["changed"] == 2
    history = filed.get(f"/api/v1/values/{stored(anji, 'N19-07a').pk}/history").json()
    assert [(h["changes"], h["reason"], h["channel"]) for h in history] == [
        ({"number": [None, "90"], "task": [None, True], "explanation": ["", "监测站"]}, "", "api"),
        ({"number": ["90", "91"]}, "统计局复核数", "api"),
    ]
    n03 = ValueChange.objects.get(report=anji, indicator_code="N19-03")
    assert (n03.changes, n03.reason) == (
        {"number": [None, "25"], "explanation": ["", "考核办法第三条"]},
        "批量更正",
    )


def test_a_stale_version_saves_nothing(anji, filed):
    body = {"version": 0, "values": [{"code": "N19-07a", "number": "50"}]}
    assert patch(filed, anji, body).status_code == 409
    assert str(stored(anji, "N19-07a").number) == "90.0000"


def test_other_zones_and_readers_cannot_patch(anji, client_as):
    body = {"version": 0, "values": [{"code": "N19-03", "number": "25"}]}
    assert patch(client_as("other_county"), anji, body).status_code == 404
    assert patch(client_as("department"), anji, body).status_code == 403
    assert not ReportValue.objects.filter(report=anji).exists()


def test_control_characters_are_refused_by_the_api_and_the_form(anji, filed, client_as):
    body = {"version": 1, "values": [{"code": "N19-07a", "explanation": "监测\x0b站"}]}
    response = patch(filed, anji, body)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "values.0.explanation", "message": "含有控制字符（U+000B），请删除后重试"}
    ]
    assert stored(anji, "N19-07a").explanation == "监测站"
    page = client_as("county").post(
        f"/reporting/{anji.pk}/",
        {
            "version": 1,
            "codes": ["N19-03"],
            "v-N19-03-number": "25",
            "v-N19-03-explanation": "a\x00b",
        },
    )
    assert page.status_code == 200
    assert not ReportValue.objects.filter(report=anji, indicator__code="N19-03").exists()
