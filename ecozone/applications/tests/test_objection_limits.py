"""The public objection form: bounded in size, a few posts per address per hour."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from ecozone.applications.models import Application, Objection
from ecozone.designations.models import Programme
from ecozone.indicators.models import IndicatorSystem
from ecozone.regions.models import Region

pytestmark = pytest.mark.django_db

REFUSED = "您所在网络在过去一小时内提交的异议过多（每小时最多 5 条），请稍后再试。"


@pytest.fixture
def notice():
    today = timezone.localdate()
    return Application.objects.create(
        region=Region.objects.get(code="330523"),
        programme=Programme.objects.get(code="lianshan"),
        system=IndicatorSystem.objects.get(code="N19"),
        base_year=2023,
        status="public_notice",
        notice_starts=today - datetime.timedelta(days=1),
        notice_ends=today + datetime.timedelta(days=5),
    )


def post(notice, client=None, **fields):
    data = {"name": "张三", "contact": "13800000000", "text": "该县数据有误。", **fields}
    return (client or Client()).post(f"/notices/{notice.pk}/object/", data)


def test_five_objections_an_hour_from_one_address_then_429(notice):
    client = Client()
    assert [post(notice, client).status_code for _ in range(5)] == [302] * 5
    response = post(notice, client)
    assert response.status_code == 429
    assert REFUSED in response.content.decode()
    assert Objection.objects.count() == 5


def test_another_address_has_its_own_allowance(notice):
    for _ in range(6):
        post(notice, Client(REMOTE_ADDR="10.0.0.1"))
    assert post(notice, Client(REMOTE_ADDR="10.0.0.2")).status_code == 302
    assert Objection.objects.count() == 6


def test_behind_the_proxy_the_address_it_saw_counts(notice, settings):
    settings.ECOZONE_BEHIND_PROXY = True

    def via_proxy(client_claims: str, proxy_saw: str):
        return Client(HTTP_X_FORWARDED_FOR=f"{client_claims}, {proxy_saw}", REMOTE_ADDR="10.9.9.9")

    for n in range(5):
        post(notice, via_proxy(f"1.1.1.{n}", "203.0.113.5"))  # spoofed left-hand entries
    assert post(notice, via_proxy("1.1.1.9", "203.0.113.5")).status_code == 429
    assert post(notice, via_proxy("1.1.1.9", "203.0.113.6")).status_code == 302


def test_an_objection_longer_than_5000_characters_is_refused(notice):
    response = post(notice, text="异" * 5001)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["异议：确保该变量包含不超过 5000 字符 (目前字符数 5001)。"]
    assert not Objection.objects.exists()
    assert post(notice, text="异" * 5000).status_code == 302
    assert Objection.objects.get().text == "异" * 5000


def test_the_database_refuses_an_objection_longer_than_5000_characters(notice):
    with pytest.raises(IntegrityError), transaction.atomic():
        Objection.objects.create(application=notice, name="甲", contact="1", text="x" * 5001)


def test_a_missing_field_is_named(notice):
    response = post(notice, contact="")
    assert [str(m) for m in response.wsgi_request._messages] == [
        "电话或电子邮箱：这个字段是必填项。"
    ]
    assert not Objection.objects.exists()
