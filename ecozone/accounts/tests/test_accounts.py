import pytest
from django.test import Client

from ecozone.accounts import permissions
from ecozone.accounts.models import ApiToken
from ecozone.accounts.services import create_api_token
from ecozone.regions.models import Region

pytestmark = pytest.mark.django_db


def test_sign_in_and_out(users):
    client = Client()
    response = client.post("/accounts/login/", {"username": "county", "password": "wrong"})
    assert "用户名或密码错误。" in response.content.decode()
    response = client.post("/accounts/login/", {"username": "county", "password": "pw"})
    assert (response.status_code, response["Location"]) == (302, "/accounts/todo/")
    assert client.get("/accounts/todo/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/accounts/todo/").status_code == 302


def test_navigation_follows_the_role(client_as):
    def labels(role):
        return [item.label for item in client_as(role).get("/accounts/todo/").context["nav_items"]]

    everyone = [
        "我的待办",
        "创建申报",
        "年度填报",
        "复核评星",
        "激励措施",
        "命名名单",
        "典型案例",
        "行政区",
        "指标体系",
    ]
    with_books = [*everyone[:5], "工作任务书", *everyone[5:]]
    assert labels("province_admin") == [*with_books, "用户管理"]
    assert labels("city") == [*with_books, "用户管理"]
    assert labels("county") == everyone
    assert labels("department") == [
        *(label for label in with_books if label != "典型案例"),
        "专家推荐",
    ]
    assert labels("expert") == ["我的待办", "复核评星", "指标体系"]


def test_scope_predicates(users):
    anji, deqing, chunan, huzhou = (
        Region.objects.get(code=c) for c in ("330523", "330521", "330127", "330500")
    )
    assert permissions.can_view_region(users["county"], anji)
    assert not permissions.can_view_region(users["county"], deqing)
    assert not permissions.can_view_region(users["county"], huzhou)
    assert permissions.can_view_region(users["city"], deqing)
    assert permissions.can_view_region(users["city"], huzhou)
    assert not permissions.can_view_region(users["city"], chunan)
    assert permissions.can_view_region(users["province_admin"], chunan)
    assert permissions.can_view_region(users["department"], chunan)
    assert not permissions.can_view_region(users["expert"], anji)
    assert permissions.in_scope(users["expert"], Region.objects.all()).count() == 0
    assert permissions.in_scope(users["city"], Region.objects.all()).count() == 6


def test_todo_lists_draft_editions_for_the_province_admin(client_as):
    client = client_as("province_admin")
    client.post("/indicators/N19/copy/", {"code": "ZJ23", "title": "浙江 2023"})
    items = client.get("/accounts/todo/").context["items"]
    assert [(i.title, i.url) for i in items] == [
        ("指标体系草稿待发布：浙江 2023（ZJ23）", "/indicators/ZJ23/")
    ]
    assert client_as("county").get("/accounts/todo/").context["items"] == []


def test_api_token_authenticates_and_only_its_digest_is_stored(users):
    token, secret = create_api_token(user=users["county"], name="脚本")
    assert secret.startswith("ez_") and secret not in token.digest
    client = Client()
    assert client.get("/api/v1/me").status_code == 401
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert (me["username"], me["role"], me["region_code"]) == ("county", "county", "330523")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer ez_forged").status_code == 401
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_tokens_page_creates_and_revokes_only_ones_own(client_as, users):
    client = client_as("county")
    response = client.post("/accounts/tokens/", {"name": "ci"})
    assert response.context["secret"].startswith("ez_")
    other, _secret = create_api_token(user=users["city"], name="city's")
    assert client.post(f"/accounts/tokens/{other.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=other.pk).exists()
    mine = ApiToken.objects.get(user=users["county"])
    assert client.post(f"/accounts/tokens/{mine.pk}/revoke/").status_code == 302
    assert not ApiToken.objects.filter(pk=mine.pk).exists()


def test_api_errors_are_json_with_a_message(client_as):
    client = client_as("county")
    assert client.get("/api/v1/designations/999999").json() == {
        "detail": "未找到，或不在您的权限范围内。"
    }
    response = client.get("/api/v1/designations?batch=abc")
    assert response.status_code == 422
    assert response.json()["detail"] == "请求格式有误：请检查 batch。"
    assert client_as("expert").get("/api/v1/designations").json() == {
        "detail": "您无权执行此操作。"
    }


def test_api_writes_over_the_session_need_the_csrf_token(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["county"])
    response = client.post(
        "/api/v1/rules/evaluate", {"rule": ">=1"}, content_type="application/json"
    )
    assert response.status_code == 403
