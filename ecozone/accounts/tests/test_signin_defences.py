"""Sign-in lockout (django-axes), lifting it, API token expiry, demo accounts, API docs access."""

import datetime
import json

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from ecozone.accounts.models import AccountEvent, ApiToken
from ecozone.accounts.services import create_api_token
from ecozone.core.flags import DEMO_DATA, set_flag

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多，账号已被临时锁定，请 15 分钟后再试或联系省级管理员。"


def sign_in(username: str, password: str, address: str = "127.0.0.1", client=None):
    client = client or Client(REMOTE_ADDR=address)
    return client, client.post("/accounts/login/", {"username": username, "password": password})


def signed_in(client: Client) -> bool:
    return client.get("/accounts/todo/").status_code == 200


def fail(username: str, times: int, address: str = "127.0.0.1") -> None:
    for _ in range(times):
        sign_in(username, "wrong", address)


# --- lockout ---


def test_six_wrong_passwords_then_the_right_one_is_refused(users):
    fail("county", 6)
    client, response = sign_in("county", "pw")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not signed_in(client)


def test_the_fifth_failure_locks_and_says_so(users):
    fail("county", 4)
    _client, response = sign_in("county", "wrong")
    assert (response.status_code, response.context["lockout_message"]) == (429, LOCKED)


def test_four_failures_then_the_right_password_signs_in_and_starts_the_count_again(users):
    fail("county", 4)
    _client, response = sign_in("county", "pw")
    assert (response.status_code, response["Location"]) == (302, "/accounts/todo/")
    assert AccessAttempt.objects.count() == 0
    fail("county", 4)
    assert signed_in(sign_in("county", "pw")[0])


def test_a_locked_account_is_locked_from_every_address(users):
    fail("county", 5, address="10.0.0.1")
    client, response = sign_in("county", "pw", address="10.0.0.2")
    assert response.status_code == 429
    assert not signed_in(client)


def test_an_address_that_failed_on_many_accounts_is_locked_for_every_account(users):
    for name in ["a", "b", "c", "d", "e"]:
        fail(name, 1, address="10.0.0.1")
    _client, response = sign_in("county", "pw", address="10.0.0.1")
    assert response.status_code == 429
    # The account itself is not locked: from elsewhere it signs in.
    assert signed_in(sign_in("county", "pw", address="10.0.0.2")[0])


def test_the_lock_ends_after_the_cooloff(users):
    fail("county", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert signed_in(sign_in("county", "pw")[0])


def test_a_failure_while_locked_starts_the_wait_again(users):
    fail("county", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=14))
    fail("county", 1)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=14))
    assert sign_in("county", "pw")[1].status_code == 429


def test_api_tokens_work_while_the_password_is_locked(users):
    _token, secret = create_api_token(user=users["county"], name="ci")
    fail("county", 6)
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert (response.status_code, response.json()["username"]) == (200, "county")


# --- the province lifts a lock ---


def test_the_province_sees_locked_accounts_and_addresses(users, client_as):
    fail("county", 6, address="10.0.0.7")
    fail("city", 2, address="10.0.0.8")  # not locked: below the limit
    response = client_as("province_admin").get("/accounts/lockouts/")
    assert [(row.key, row.failures) for row in response.context["accounts"]] == [("county", 6)]
    assert [(row.key, row.failures) for row in response.context["addresses"]] == [("10.0.0.7", 6)]
    assert "登录锁定" in response.content.decode()


def test_the_province_unlocks_an_account(users, client_as):
    fail("county", 6, address="10.0.0.7")
    admin = client_as("province_admin")
    response = admin.post("/accounts/lockouts/lift/", {"username": "county"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["已解锁：相关登录失败记录已清除。"]
    assert response.context["accounts"] == []
    assert signed_in(sign_in("county", "pw", address="10.0.0.7")[0])
    event = AccountEvent.objects.get(action="lockout_lifted")
    assert (event.by, event.user, event.changes) == (
        users["province_admin"],
        users["county"],
        {"failures": 6},
    )


def test_the_province_unlocks_an_address(users, client_as):
    for name in ["a", "b", "c", "d", "e"]:
        fail(name, 1, address="10.0.0.9")
    client_as("province_admin").post("/accounts/lockouts/lift/", {"ip_address": "10.0.0.9"})
    assert signed_in(sign_in("county", "pw", address="10.0.0.9")[0])
    event = AccountEvent.objects.get(action="lockout_lifted")
    assert (event.user, event.changes) == (None, {"failures": 5, "ip_address": "10.0.0.9"})


def test_unlocking_what_is_not_locked_is_refused(users, client_as):
    response = client_as("province_admin").post(
        "/accounts/lockouts/lift/", {"username": "county"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["无需解锁：没有登录失败记录。"]
    assert not AccountEvent.objects.filter(action="lockout_lifted").exists()


@pytest.mark.parametrize("role", ["city", "county", "department", "expert"])
def test_only_the_province_sees_or_lifts_lockouts(users, client_as, role):
    client = client_as(role)
    fail("deqing", 6, address="10.0.0.7")
    assert client.get("/accounts/lockouts/").status_code == 403
    assert client.post("/accounts/lockouts/lift/", {"username": "deqing"}).status_code == 403
    assert client.post("/accounts/lockouts/lift/", {"ip_address": "10.0.0.7"}).status_code == 403
    assert AccessAttempt.objects.get(username="deqing").failures_since_start == 6


def test_lockouts_page_needs_a_sign_in(users):
    response = Client().get("/accounts/lockouts/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/accounts/lockouts/",
    )


# --- API tokens expire ---


def test_an_expired_token_is_refused_with_a_json_401(users):
    token, secret = create_api_token(user=users["county"], name="ci")
    expired = datetime.datetime(2025, 3, 1, 1, 30, tzinfo=datetime.UTC)  # 09:30 in Beijing
    ApiToken.objects.filter(pk=token.pk).update(expires_at=expired)
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert (response.status_code, response.json()) == (
        401,
        {"detail": "该 API 令牌已于 2025-03-01 09:30 过期，请在“API 令牌”页面创建新令牌。"},
    )


def test_a_token_lasts_the_lifetime_chosen_and_records_its_use(users, client_as):
    client = client_as("county")
    client.post("/accounts/tokens/", {"name": "ci", "days": "30"})
    token = ApiToken.objects.get(user=users["county"])
    assert (token.expires_at - token.created_at).days == 29  # 30 days less a few microseconds
    secret = client.post("/accounts/tokens/", {"name": "ci2"}).context["secret"]
    default = ApiToken.objects.get(name="ci2")
    assert round((default.expires_at - default.created_at).total_seconds() / 86400) == 90
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    default.refresh_from_db()
    assert default.last_used_at is not None
    page = client.get("/accounts/tokens/").content.decode()
    assert f"{timezone.localtime(default.last_used_at):%Y-%m-%d %H:%M}" in page
    assert f"{timezone.localtime(default.expires_at):%Y-%m-%d %H:%M}" in page
    assert "从未使用" in page  # the first token


def test_a_lifetime_not_offered_is_refused(users, client_as):
    response = client_as("county").post("/accounts/tokens/", {"name": "ci", "days": "3650"})
    assert response.context["secret"] is None
    assert list(response.context["form"].errors) == ["days"]
    assert not ApiToken.objects.exists()


# --- demo accounts on the sign-in page ---


@pytest.fixture
def demo_flag(db):
    set_flag(
        DEMO_DATA,
        json.dumps({"password": "ecozone-demo", "accounts": [{"username": "zj_admin"}]}),
    )


def test_demo_accounts_are_not_listed_without_debug(demo_flag, settings):
    settings.DEBUG = False
    page = Client().get("/accounts/login/").content.decode()
    assert "ecozone-demo" not in page
    assert "zj_admin" not in page


def test_demo_accounts_are_listed_in_debug(demo_flag, settings):
    settings.DEBUG = True
    page = Client().get("/accounts/login/").content.decode()
    assert "<code>ecozone-demo</code>" in page
    assert "<code>zj_admin</code>" in page


# --- API documentation ---


@pytest.mark.parametrize("path", ["/api/v1/docs", "/api/v1/openapi.json"])
def test_api_docs_can_be_limited_to_signed_in_users(users, client_as, settings, path):
    settings.ECOZONE_API_DOCS_PUBLIC = False
    response = Client().get(path)
    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={path}")
    assert client_as("county").get(path).status_code == 200
    settings.ECOZONE_API_DOCS_PUBLIC = True
    assert Client().get(path).status_code == 200
