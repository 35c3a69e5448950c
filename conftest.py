"""Fixtures shared by the whole suite. Reference data (regions, organisations, the N19 catalogue,
programmes) comes from the migrations, exactly as in production."""

import os

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings

from ecozone.accounts.models import Organisation, Role, User

# No per-example deadline: this machine is shared and noisy, and a slow example is not a bug.
settings.register_profile("ecozone", deadline=None)
# Under mutation testing (`make mutation`, which sets MUTANT_UNDER_TEST) every mutant must meet
# the same examples, and the mutated code runs traced and slowly: fixed examples, no speed check.
settings.register_profile(
    "mutation",
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("mutation" if os.environ.get("MUTANT_UNDER_TEST") else "ecozone")

ORGANISATIONS = {
    Role.PROVINCE_ADMIN: "浙江省生态文明建设示范创建工作办公室",
    Role.DEPARTMENT: "浙江省生态环境厅",
    Role.EXPERT: "浙江省自然资源厅",
    Role.CITY: "湖州市（330500）",
    Role.COUNTY: "安吉县（330523）",
}


def make_user(username: str, role: str, organisation: str) -> User:
    user = User(
        username=username, role=role, organisation=Organisation.objects.get(name=organisation)
    )
    user.set_password("pw")
    user.save()
    return user


@pytest.fixture
def users(db) -> dict[str, User]:
    """One user per role: the province admin, a department, an expert, 湖州市 and 安吉县;
    plus `other_county` (德清县, also in 湖州) and `other_city` (杭州市)."""
    made = {role.value: make_user(role.value, role, org) for role, org in ORGANISATIONS.items()}
    made["other_county"] = make_user("deqing", Role.COUNTY, "德清县（330521）")
    made["other_city"] = make_user("hangzhou", Role.CITY, "杭州市（330100）")
    return made


@pytest.fixture
def client_as(users):
    def login(key: str) -> Client:
        client = Client()
        client.force_login(users[key])
        return client

    return login


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test starts with empty caches: test transactions roll back, caches would not."""
    from django.core.cache import cache

    from ecozone.core import flags

    cache.clear()
    flags._version_memo.clear()
    yield
    cache.clear()
    flags._version_memo.clear()
