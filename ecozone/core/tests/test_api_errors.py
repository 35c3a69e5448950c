"""The JSON API refuses hostile input with 422 naming the field, answers every error as JSON with
a Chinese message, and its OpenAPI document declares what each operation can answer."""

import json
from pathlib import Path

import pytest
from django.test import Client, RequestFactory

from config.api import api
from ecozone.indicators.rules import RuleSyntaxError, parse_rule

SIMULATOR_EXAMPLE = json.loads(
    (Path(__file__).parents[2] / "ratings" / "simulator_example.json").read_text()
)


def post_json(client: Client, url: str, body: str):
    return client.post(url, body, content_type="application/json")


# ---------------------------------------------------------------------------- text hygiene


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/showcase/cases?q=%00", "/api/v1/showcase/cases?tag=a%00"])
def test_a_nul_in_a_public_search_is_refused_naming_the_parameter(client, url):
    response = client.get(url)
    assert response.status_code == 422
    field = url.split("?")[1].split("=")[0]
    assert response.json()["field"] == field
    assert response.json()["errors"] == [
        {"field": field, "message": "含有控制字符（U+0000），请删除后重试"}
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/regions?q=%00",
        "/api/v1/designations?q=x%00y",
        "/api/v1/regions/%00",
        "/api/v1/applications?status=%01",
    ],
)
def test_a_nul_in_a_signed_in_query_or_path_is_refused(client_as, url):
    response = client_as("province_admin").get(url)
    assert response.status_code == 422
    assert "U+00" in response.json()["errors"][0]["message"]


def test_a_lone_surrogate_in_the_simulators_edition_is_refused_naming_it(client_as):
    body = json.dumps({**SIMULATOR_EXAMPLE, "edition": "N19\ud800"})  # escaped as \\ud800
    response = post_json(client_as("county"), "/api/v1/ratings/simulate", body)
    assert response.status_code == 422
    assert response.json()["field"] == "edition"
    assert response.json()["errors"][0]["message"] == "含有无效字符（孤立代理项）"


def test_a_nul_in_a_scheme_or_an_explanation_is_refused_naming_it(client_as):
    simulate = post_json(
        client_as("county"),
        "/api/v1/ratings/simulate",
        json.dumps({**SIMULATOR_EXAMPLE, "scheme": "default\x00"}),
    )
    values = post_json(
        client_as("county"),
        "/api/v1/rules/evaluate",
        json.dumps({"rule": ">=1", "value": {"state": "x\x00"}}),
    )
    assert (simulate.status_code, simulate.json()["field"]) == (422, "scheme")
    assert (values.status_code, values.json()["field"]) == (422, "value.state")


def test_a_nul_in_a_reported_explanation_is_refused_before_any_lookup(client_as):
    body = json.dumps({"version": 0, "values": [{"code": "N19-01", "explanation": "\x00"}]})
    response = client_as("county").patch(
        "/api/v1/reports/1/values", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["field"] == "values.0.explanation"


# ---------------------------------------------------------------------------- sizes and depths


def test_a_rule_nested_500_deep_is_refused_with_422_not_a_recursion_error(client_as):
    rule = "(" * 500 + ">=1" + ")" * 500
    response = post_json(client_as("county"), "/api/v1/rules/evaluate", json.dumps({"rule": rule}))
    assert response.status_code == 422
    assert response.json()["field"] == "rule"
    assert "第 301 个字符处：规则最多 300 个字符" in response.json()["detail"]


def test_a_rule_nested_deeper_than_ten_is_refused_even_when_short(client_as):
    rule = "(" * 11 + ">=1" + ")" * 11
    response = post_json(client_as("county"), "/api/v1/rules/evaluate", json.dumps({"rule": rule}))
    assert response.status_code == 422
    assert response.json()["detail"] == f"规则“{rule}”第 11 个字符处：括号嵌套不能超过 10 层"


def test_the_parser_accepts_ten_levels_and_refuses_long_numbers():
    assert str(parse_rule("(" * 10 + ">=1 | yes" + ")" * 10)) == ">=1 | yes"
    with pytest.raises(RuleSyntaxError) as refused:
        parse_rule(">=" + "1" * 21)
    assert refused.value.position == 3
    assert parse_rule(">=" + "9" * 20).target == int("9" * 20)


def test_a_period_of_ten_to_the_400_is_refused_with_422(client_as):
    body = json.dumps({**SIMULATOR_EXAMPLE, "period": [10**400]})
    response = post_json(client_as("county"), "/api/v1/ratings/simulate", body)
    assert response.status_code == 422
    assert response.json()["field"] == "period.0"


@pytest.mark.parametrize("number", ["1e400", "1" + "0" * 400, '"1e999999999"', '"1e-999999999"'])
def test_a_huge_or_tiny_number_is_refused_with_422(client_as, number):
    body = '{"rule": ">=1", "value": {"value": ' + number + "}}"
    response = post_json(client_as("county"), "/api/v1/rules/evaluate", body)
    assert response.status_code == 422
    assert response.json()["field"] == "value.value"


def test_a_body_that_is_not_json_is_refused_with_422(client_as):
    response = post_json(client_as("county"), "/api/v1/rules/evaluate", "{not json")
    assert response.status_code == 422
    assert response.json() == {"detail": "请求正文不是有效的 JSON。", "field": "body"}


# ---------------------------------------------------------------------------- errors as JSON


def test_an_unexpected_exception_is_logged_and_answered_as_json_500(caplog):
    request = RequestFactory().get("/api/v1/showcase/headline")
    response = api.on_exception(request, RuntimeError("boom"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content) == {"detail": "服务器出错了，错误已记录。"}
    assert "boom" in caplog.text


@pytest.mark.django_db
def test_an_unknown_address_under_the_api_is_a_json_404(client):
    response = client.get("/api/v1/no/such/thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到，或不在您的权限范围内。"}


@pytest.mark.django_db
def test_a_method_an_address_does_not_take_is_a_json_405(client):
    response = client.delete("/api/v1/showcase/headline")
    assert response.status_code == 405
    assert response.json() == {"detail": "此地址不接受 DELETE 请求。"}
    assert response["Allow"] == "GET"


@pytest.mark.django_db
def test_a_write_with_the_session_but_no_csrf_token_is_a_json_403(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["county"])
    response = post_json(client, "/api/v1/rules/evaluate", '{"rule": ">=1"}')
    assert response.status_code == 403
    assert response.json() == {"detail": "使用会话登录写入时，请同时发送 CSRF 令牌。"}


# ---------------------------------------------------------------------------- the document


@pytest.fixture(scope="module")
def document() -> dict:
    return api.get_openapi_schema(path_prefix="/api/v1/")


def _resolve(document: dict, schema: dict) -> dict:
    ref = schema.get("$ref")
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


@pytest.mark.parametrize(
    ("path", "method"), [("/api/v1/ratings/simulate", "post"), ("/api/v1/rules/evaluate", "post")]
)
def test_the_simulator_and_rule_evaluation_have_typed_bodies(document, path, method):
    operation = document["paths"][path][method]
    request = operation["requestBody"]["content"]["application/json"]["schema"]
    answer = operation["responses"][200]["content"]["application/json"]["schema"]
    for schema in (_resolve(document, request), _resolve(document, answer)):
        assert schema["type"] == "object"
        assert schema["properties"]
        assert schema.get("additionalProperties") in (None, False)


def test_every_operation_declares_the_errors_it_can_give(document):
    undeclared = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            expected = set()
            if operation.get("security"):
                expected.add(401)
            if operation.get("parameters") or operation.get("requestBody"):
                expected.add(422)
            if "{" in path:
                expected.add(404)
            if method != "get" and operation.get("security"):
                expected.add(403)  # a session write without the CSRF token
            if not expected <= codes:
                undeclared.append((method, path, sorted(expected - codes)))
    assert undeclared == []


def test_every_declared_error_has_a_typed_detail(document):
    for operations in document["paths"].values():
        for operation in operations.values():
            for code, answer in operation["responses"].items():
                if int(code) < 400:
                    continue
                schema = answer["content"]["application/json"]["schema"]
                variants = schema.get("anyOf", [schema])
                for variant in variants:
                    assert "detail" in _resolve(document, variant)["properties"]
