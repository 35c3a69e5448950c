"""The province (and, for its own region, a city) administers accounts and organisations."""

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from ecozone.accounts.models import (
    AccountEvent,
    ApiToken,
    ExpertProposal,
    Organisation,
    User,
)
from ecozone.accounts.services import create_api_token, create_user
from ecozone.core.tabular import build_workbook

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "green-hills-2026"


def org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def events(**lookup) -> list[tuple]:
    return [
        (e.action, e.by.username if e.by else None, e.changes, e.reason)
        for e in AccountEvent.objects.filter(**lookup).order_by("pk")
    ]


def sign_in(username: str, password: str) -> tuple[Client, object]:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return client, response


def workbook_upload(rows, sheet="用户", header=("用户名", "姓名", "角色", "所属单位", "电子邮箱")):
    buffer = io.BytesIO()
    build_workbook([(sheet, list(header), rows)]).save(buffer)
    return SimpleUploadedFile("users.xlsx", buffer.getvalue())


# --- creating users, one-time passwords, the forced change ---


def test_province_creates_a_user_with_a_one_time_password(client_as, users):
    response = client_as("province_admin").post(
        "/accounts/users/new/",
        {
            "username": "ls_county",
            "display_name": "丽水 填报员",
            "role": "county",
            "organisation": "莲都区（331102）",
            "email": "ls@example.cn",
        },
    )
    ((user, password),) = response.context["issued"]
    assert (user.username, user.role, user.organisation.name, user.must_change_password) == (
        "ls_county",
        "county",
        "莲都区（331102）",
        True,
    )
    assert len(password) == 12 and user.check_password(password)
    assert password in response.content.decode()
    assert events(user=user) == [
        (
            "user_created",
            "province_admin",
            {
                "username": [None, "ls_county"],
                "display_name": [None, "丽水 填报员"],
                "role": [None, "county"],
                "organisation": [None, "莲都区（331102）"],
                "email": [None, "ls@example.cn"],
            },
            "",
        )
    ]
    # the password is not shown again on the user's page
    page = client_as("province_admin").get(f"/accounts/users/{user.pk}/")
    assert password not in page.content.decode()


def test_the_form_keeps_the_input_and_names_the_wrong_field(client_as, users):
    response = client_as("province_admin").post(
        "/accounts/users/new/",
        {
            "username": "x_city",
            "display_name": "某人",
            "role": "city",
            "organisation": "安吉县（330523）",
        },
    )
    form = response.context["form"]
    assert form.errors == {"organisation": ["市级用户不能属于安吉县（330523）。"]}
    assert 'value="x_city"' in response.content.decode()
    assert not User.objects.filter(username="x_city").exists()
    taken = client_as("province_admin").post(
        "/accounts/users/new/",
        {
            "username": "County",
            "display_name": "重名",
            "role": "county",
            "organisation": "安吉县（330523）",
        },
    )
    assert taken.context["form"].errors == {"username": ["用户名 County 已被使用。"]}


def test_one_time_password_works_once_and_forces_a_change(users):
    user, password = create_user(
        by=users["province_admin"],
        username="newbie",
        display_name="新人",
        role="county",
        organisation=org("安吉县（330523）"),
    )
    client, response = sign_in("newbie", password)
    assert (response.status_code, response["Location"]) == (302, "/accounts/password/")
    # every page leads to the change-password page until the user chooses a password
    assert client.get("/accounts/todo/")["Location"] == "/accounts/password/"
    assert client.get("/reporting/")["Location"] == "/accounts/password/"
    assert client.get("/api/v1/me").status_code == 403
    page = client.get("/accounts/password/")
    assert "您使用他人设置的密码登录" in page.content.decode()
    # the one-time password no longer signs anyone in, even before it is changed
    _other, again = sign_in("newbie", password)
    assert again.status_code == 200 and "用户名或密码错误。" in again.content.decode()
    weak = client.post(
        "/accounts/password/", {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 200
    assert weak.context["form"].errors["new_password2"] == ["这个密码太常见了。"]
    assert User.objects.get(pk=user.pk).must_change_password is True
    done = client.post(
        "/accounts/password/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert (done.status_code, done["Location"]) == (302, "/accounts/todo/")
    assert client.get("/accounts/todo/").status_code == 200
    assert User.objects.get(pk=user.pk).must_change_password is False
    _client, old = sign_in("newbie", password)
    assert old.status_code == 200
    _client, new = sign_in("newbie", NEW_PASSWORD)
    assert new["Location"] == "/accounts/todo/"
    assert [e[0] for e in events(user=user)] == [
        "user_created",
        "one_time_password_used",
        "password_changed",
    ]


def test_api_tokens_are_not_held_up_by_the_forced_change(users):
    county = users["county"]
    _token, secret = create_api_token(user=county, name="脚本")
    county.must_change_password = True
    county.save()
    me = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert (me.status_code, me.json()["username"]) == (200, "county")
    assert ApiToken.objects.filter(user=county).count() == 1


def test_reset_to_a_one_time_password(client_as, users):
    client = client_as("province_admin")
    response = client.post(f"/accounts/users/{users['county'].pk}/reset-password/")
    ((user, password),) = response.context["issued"]
    assert user.pk == users["county"].pk
    county = User.objects.get(pk=user.pk)
    assert county.must_change_password and county.check_password(password)
    assert not county.check_password("pw")
    assert events(user=county) == [("password_reset", "province_admin", {}, "")]
    _signed, answer = sign_in("county", password)
    assert answer["Location"] == "/accounts/password/"
    # an administrator does not reset their own password here
    own = client.post(f"/accounts/users/{users['province_admin'].pk}/reset-password/")
    assert own.status_code == 302
    assert User.objects.get(pk=users["province_admin"].pk).check_password("pw")


def test_reset_link_by_email_uses_djangos_token(client_as, users):
    county = users["county"]
    no_mail = client_as("province_admin").post(f"/accounts/users/{county.pk}/send-reset-link/")
    assert no_mail.status_code == 302 and mail.outbox == []
    county.email = "anji@example.cn"
    county.save()
    client_as("province_admin").post(f"/accounts/users/{county.pk}/send-reset-link/")
    (message,) = mail.outbox
    assert message.to == ["anji@example.cn"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    browser = Client()
    form_page = browser.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    done = browser.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/accounts/reset/done/"
    assert User.objects.get(pk=county.pk).check_password(NEW_PASSWORD)
    assert Client().get(link, follow=True).context["validlink"] is False
    assert [e[0] for e in events(user=county)] == ["reset_link_sent", "password_changed"]


# --- changing, deactivating and reactivating ---


def test_province_changes_role_and_organisation(client_as, users):
    county = users["county"]
    response = client_as("province_admin").post(
        f"/accounts/users/{county.pk}/edit/",
        {
            "username": "ignored",
            "display_name": "湖州 新岗",
            "role": "city",
            "organisation": "湖州市（330500）",
            "email": "",
        },
    )
    assert response["Location"] == f"/accounts/users/{county.pk}/"
    county.refresh_from_db()
    assert (county.username, county.role, county.organisation.name) == (
        "county",
        "city",
        "湖州市（330500）",
    )
    assert events(user=county) == [
        (
            "user_changed",
            "province_admin",
            {
                "display_name": ["", "湖州 新岗"],
                "role": ["county", "city"],
                "organisation": ["安吉县（330523）", "湖州市（330500）"],
            },
            "",
        )
    ]
    page = client_as("province_admin").get(f"/accounts/users/{county.pk}/").content.decode()
    assert "角色: 县级用户 → 市级用户" in page


def test_deactivated_account_cannot_sign_in_until_reactivated(client_as, users):
    client = client_as("province_admin")
    county = users["county"]
    client.post(f"/accounts/users/{county.pk}/deactivate/", {"reason": "调岗"})
    assert User.objects.get(pk=county.pk).is_active is False
    _c, refused = sign_in("county", "pw")
    assert "用户名或密码错误。" in refused.content.decode()
    client.post(f"/accounts/users/{county.pk}/reactivate/", {"reason": ""})
    _c, allowed = sign_in("county", "pw")
    assert allowed["Location"] == "/accounts/todo/"
    assert events(user=county) == [
        ("user_deactivated", "province_admin", {"is_active": [True, False]}, "调岗"),
        ("user_reactivated", "province_admin", {"is_active": [False, True]}, ""),
    ]
    own = client.post(f"/accounts/users/{users['province_admin'].pk}/deactivate/")
    assert own.status_code == 302
    assert User.objects.get(pk=users["province_admin"].pk).is_active is True


# --- a city administers its own city and counties only ---


def test_city_lists_only_its_own_city_and_counties(client_as, users):
    page = client_as("city").get("/accounts/users/")
    assert [u.username for u in page.context["page"]] == ["city", "county", "deqing"]
    everyone = client_as("province_admin").get("/accounts/users/")
    assert [u.username for u in everyone.context["page"]] == [
        "city",
        "county",
        "department",
        "deqing",
        "expert",
        "hangzhou",
        "province_admin",
    ]


def test_city_cannot_touch_another_citys_users(client_as, users):
    client = client_as("city")
    hangzhou = users["other_city"]
    for url in (
        f"/accounts/users/{hangzhou.pk}/",
        f"/accounts/users/{hangzhou.pk}/edit/",
        f"/accounts/users/{users['province_admin'].pk}/",
        f"/accounts/users/{users['expert'].pk}/",
    ):
        assert client.get(url).status_code == 404
    for action in ("deactivate", "reactivate", "reset-password", "send-reset-link"):
        assert client.post(f"/accounts/users/{hangzhou.pk}/{action}/").status_code == 404
    hangzhou.refresh_from_db()
    assert (hangzhou.is_active, hangzhou.check_password("pw")) == (True, True)
    assert AccountEvent.objects.count() == 0


def test_city_creates_county_users_of_its_own_counties_only(client_as, users):
    client = client_as("city")
    ok = client.post(
        "/accounts/users/new/",
        {
            "username": "dq2",
            "display_name": "德清 二号",
            "role": "county",
            "organisation": "德清县（330521）",
        },
    )
    assert ok.context["issued"][0][0].organisation.name == "德清县（330521）"
    elsewhere = client.post(
        "/accounts/users/new/",
        {
            "username": "ch2",
            "display_name": "淳安",
            "role": "county",
            "organisation": "淳安县（330127）",
        },
    )
    assert list(elsewhere.context["form"].errors) == ["organisation"]
    expert = client.post(
        "/accounts/users/new/",
        {"username": "ex2", "display_name": "专家", "role": "expert", "organisation": ""},
    )
    assert list(expert.context["form"].errors) == ["role"]
    assert list(User.objects.filter(username__in=["ch2", "ex2"])) == []
    # a city cannot promote one of its users beyond city and county
    promote = client.post(
        f"/accounts/users/{users['county'].pk}/edit/",
        {
            "display_name": "安吉",
            "role": "province_admin",
            "organisation": "浙江省生态文明建设示范创建工作办公室",
        },
    )
    assert set(promote.context["form"].errors) == {"role", "organisation"}
    assert User.objects.get(pk=users["county"].pk).role == "county"


def test_history_pages_follow_the_scope(client_as, users):
    province = users["province_admin"]
    create_user(
        by=province,
        username="hz2",
        display_name="",
        role="county",
        organisation=org("安吉县（330523）"),
    )
    create_user(
        by=province,
        username="hz3",
        display_name="",
        role="county",
        organisation=org("淳安县（330127）"),
    )
    city_page = client_as("city").get("/accounts/history/")
    assert [e.user.username for e in city_page.context["page"]] == ["hz2"]
    province_page = client_as("province_admin").get("/accounts/history/")
    assert [e.user.username for e in province_page.context["page"]] == ["hz3", "hz2"]
    anji = client_as("province_admin").get(f"/accounts/organisations/{org('安吉县（330523）').pk}/")
    assert [e.user.username for e in anji.context["events"]] == ["hz2"]
    assert [u.username for u in anji.context["members"]] == ["county", "hz2"]


# --- organisations ---


def test_province_creates_and_renames_a_department(client_as, users):
    client = client_as("province_admin")
    response = client.post(
        "/accounts/organisations/new/",
        {
            "name": "浙江省文化和旅游厅",
            "code": "whlyt",
            "kind": "department",
            "data_source_keyword": "文旅",
        },
    )
    made = Organisation.objects.get(name="浙江省文化和旅游厅")
    assert response["Location"] == f"/accounts/organisations/{made.pk}/"
    assert (made.kind, made.code, made.region, made.data_source_keyword) == (
        "department",
        "whlyt",
        None,
        "文旅",
    )
    duplicate = client.post(
        "/accounts/organisations/new/",
        {"name": "浙江省林业局", "code": "lyj", "kind": "department"},
    )
    assert duplicate.context["form"].errors == {
        "name": ["名为浙江省林业局的单位已存在。"],
        "code": ["代码 lyj 已被占用。"],
    }
    client.post(
        f"/accounts/organisations/{made.pk}/edit/",
        {"name": "浙江省文旅厅", "code": "whlyt", "data_source_keyword": "文旅"},
    )
    assert events(organisation=made) == [
        (
            "organisation_created",
            "province_admin",
            {
                "name": [None, "浙江省文化和旅游厅"],
                "code": [None, "whlyt"],
                "kind": [None, "department"],
            },
            "",
        ),
        (
            "organisation_changed",
            "province_admin",
            {"name": ["浙江省文化和旅游厅", "浙江省文旅厅"]},
            "",
        ),
    ]


# --- Excel import: all or nothing ---


def test_import_writes_nothing_unless_every_row_is_valid(client_as, users):
    client = client_as("province_admin")
    rows = [
        ("a_ok", "甲", "县级用户", "安吉县（330523）", ""),
        ("b_bad", "乙", "市级用户", "安吉县（330523）", ""),
        ("A_OK", "丙", "county", "不存在的单位", "not-an-email"),
        ("county", "丁", "站长", "安吉县（330523）", ""),
    ]
    response = client.post("/accounts/users/import/", {"file": workbook_upload(rows)})
    assert [str(e) for e in response.context["import_errors"]] == [
        "工作表“用户”，第 3 行，“所属单位”列：市级用户不能属于安吉县（330523）。",
        "工作表“用户”，第 4 行，“所属单位”列：选择一个有效的选项： 该选择不在可用的选项中。",
        "工作表“用户”，第 4 行，“电子邮箱”列：输入一个有效的 Email 地址。",
        "工作表“用户”，第 5 行，“用户名”列：用户名 county 已被使用。",
        "工作表“用户”，第 5 行，“角色”列：选择一个有效的选项。 站长 不在可用的选项中。",
    ]
    assert not User.objects.filter(username__in=["a_ok", "b_bad"]).exists()
    assert AccountEvent.objects.count() == 0
    fixed = [
        ("a_ok", "甲", "县级用户", "安吉县（330523）", ""),
        ("b_ok", "乙", "市级用户", "湖州市（330500）", "b@example.cn"),
        ("c_expert", "丙", "expert", "", ""),
    ]
    done = client.post("/accounts/users/import/", {"file": workbook_upload(fixed)})
    issued = done.context["issued"]
    assert [(u.username, u.role, str(u.organisation or "")) for u, _p in issued] == [
        ("a_ok", "county", "安吉县（330523）"),
        ("b_ok", "city", "湖州市（330500）"),
        ("c_expert", "expert", ""),
    ]
    assert all(User.objects.get(pk=u.pk).check_password(p) for u, p in issued)
    assert list(
        AccountEvent.objects.filter(action="user_imported")
        .order_by("pk")
        .values_list("user__username", flat=True)
    ) == ["a_ok", "b_ok", "c_expert"]


def test_import_refuses_duplicates_and_rows_outside_the_citys_remit(client_as, users):
    rows = [
        ("dq_a", "甲", "县级用户", "德清县（330521）", ""),
        ("DQ_A", "乙", "县级用户", "德清县（330521）", ""),
        ("hz_x", "丙", "县级用户", "淳安县（330127）", ""),
    ]
    response = client_as("city").post("/accounts/users/import/", {"file": workbook_upload(rows)})
    assert [str(e) for e in response.context["import_errors"]] == [
        "工作表“用户”，第 3 行，“用户名”列：该用户名已在第 2 行列出",
        "工作表“用户”，第 4 行，“所属单位”列：选择一个有效的选项： 该选择不在可用的选项中。",
    ]
    assert not User.objects.filter(username__iexact="dq_a").exists()


def test_import_template_lists_the_choices_of_the_reader(client_as, users):
    response = client_as("city").get("/accounts/users/import/template.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["用户", "可选值"]
    assert [c.value for c in workbook["用户"][1]] == [
        "用户名",
        "姓名",
        "角色",
        "所属单位",
        "电子邮箱",
    ]
    choices = [tuple(row) for row in workbook["可选值"].iter_rows(min_row=2, values_only=True)]
    assert choices == [
        ("市级用户", "湖州市（330500）"),
        ("县级用户", "南浔区（330503）"),
        (None, "吴兴区（330502）"),
        (None, "安吉县（330523）"),
        (None, "德清县（330521）"),
        (None, "长兴县（330522）"),
    ]


# --- expert proposals: a department proposes, the province decides ---


def test_department_proposes_and_province_approves_an_expert(client_as, users):
    department = client_as("department")
    response = department.post(
        "/applications/experts/proposals/",
        {"username": "zhao", "display_name": "赵专家", "domains": ["生态空间", "生态安全"]},
    )
    assert response["Location"] == "/applications/experts/proposals/"
    proposal = ExpertProposal.objects.get()
    assert (proposal.organisation.name, proposal.domains, proposal.status) == (
        "浙江省生态环境厅",
        ["生态空间", "生态安全"],
        "pending",
    )
    todo = client_as("province_admin").get("/accounts/todo/").context["items"]
    assert [(i.title, i.url, i.count) for i in todo] == [
        ("待您决定的专家推荐", "/applications/experts/proposals/", 1)
    ]
    approved = client_as("province_admin").post(
        f"/applications/experts/proposals/{proposal.pk}/approve/"
    )
    ((expert, password),) = approved.context["issued"]
    expert = User.objects.get(pk=expert.pk)
    assert (
        expert.username,
        expert.role,
        expert.organisation.name,
        expert.expert_profile.domains,
        expert.must_change_password,
    ) == ("zhao", "expert", "浙江省生态环境厅", ["生态空间", "生态安全"], True)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.expert_id, proposal.decided_by.username) == (
        "approved",
        expert.pk,
        "province_admin",
    )
    assert [e[0] for e in events()] == ["expert_proposed", "user_created", "expert_approved"]
    _client, signed = sign_in("zhao", password)
    assert signed["Location"] == "/accounts/password/"
    again = client_as("province_admin").post(
        f"/applications/experts/proposals/{proposal.pk}/approve/"
    )
    assert again.status_code == 302 and User.objects.filter(username="zhao").count() == 1


def test_province_rejects_a_proposal_with_a_reason(client_as, users):
    client_as("department").post(
        "/applications/experts/proposals/",
        {"username": "qian", "display_name": "钱专家", "domains": ["生态空间"]},
    )
    proposal = ExpertProposal.objects.get()
    url = f"/applications/experts/proposals/{proposal.pk}/reject/"
    empty = client_as("province_admin").post(url, {"reason": ""})
    assert empty.context["form"].errors == {"reason": ["这个字段是必填项。"]}
    client_as("province_admin").post(url, {"reason": "领域重复"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason) == ("rejected", "领域重复")
    assert not User.objects.filter(username="qian").exists()
    assert events(action="expert_rejected") == [
        ("expert_rejected", "province_admin", {"username": "qian"}, "领域重复")
    ]
    page = client_as("department").get("/applications/experts/proposals/")
    assert [p.username for p in page.context["decided"]] == ["qian"]


def test_a_department_sees_only_its_own_proposals(client_as, users):
    client_as("department").post(
        "/applications/experts/proposals/",
        {"username": "sun", "display_name": "孙专家", "domains": ["生态空间"]},
    )
    other = User.objects.create(
        username="forest", role="department", organisation=org("浙江省林业局")
    )
    client = Client()
    client.force_login(other)
    assert client.get("/applications/experts/proposals/").context["pending"] == []
    assert (
        len(client_as("province_admin").get("/applications/experts/proposals/").context["pending"])
        == 1
    )


# --- demo accounts and navigation ---


def test_demo_accounts_are_not_forced_to_change_their_password(db):
    from ecozone.demo.services import load_accounts

    load_accounts()
    assert list(User.objects.filter(must_change_password=True)) == []
    _client, response = sign_in("province", "ecozone-demo")
    assert response["Location"] == "/accounts/todo/"


# --- every view refuses who may not use it ---

USER_VIEWS = [
    ("get", "/accounts/users/{county}/"),
    ("get", "/accounts/users/{county}/edit/"),
    ("post", "/accounts/users/{county}/edit/"),
    ("post", "/accounts/users/{county}/deactivate/"),
    ("post", "/accounts/users/{county}/reactivate/"),
    ("post", "/accounts/users/{county}/reset-password/"),
    ("post", "/accounts/users/{county}/send-reset-link/"),
]
ADMIN_VIEWS = [
    ("get", "/accounts/users/"),
    ("get", "/accounts/users/new/"),
    ("post", "/accounts/users/new/"),
    ("get", "/accounts/users/import/"),
    ("post", "/accounts/users/import/"),
    ("get", "/accounts/users/import/template.xlsx"),
    ("get", "/accounts/history/"),
    *USER_VIEWS,
]
PROVINCE_VIEWS = [
    ("get", "/accounts/organisations/"),
    ("get", "/accounts/organisations/new/"),
    ("post", "/accounts/organisations/new/"),
    ("get", "/accounts/organisations/{anji}/"),
    ("get", "/accounts/organisations/{anji}/edit/"),
    ("post", "/accounts/organisations/{anji}/edit/"),
    ("post", "/applications/experts/proposals/{proposal}/approve/"),
    ("get", "/applications/experts/proposals/{proposal}/reject/"),
    ("post", "/applications/experts/proposals/{proposal}/reject/"),
]
REFUSALS = (
    [(None, m, u, 302) for m, u in [*ADMIN_VIEWS, *PROVINCE_VIEWS]]
    + [(None, "get", "/accounts/password/", 302)]
    + [(None, "get", "/applications/experts/proposals/", 302)]
    + [(who, m, u, 403) for who in ("county", "department", "expert") for m, u in ADMIN_VIEWS]
    + [("other_city", m, u, 404) for m, u in USER_VIEWS]
    + [(who, m, u, 403) for who in ("city", "county", "department") for m, u in PROVINCE_VIEWS]
    + [
        (who, "get", "/applications/experts/proposals/", 403)
        for who in ("city", "county", "expert")
    ]
    + [("province_admin", "post", "/applications/experts/proposals/", 403)]
)


@pytest.fixture
def targets(users):
    proposal = ExpertProposal.objects.create(
        organisation=org("浙江省生态环境厅"), username="p", display_name="P", domains=[]
    )
    return {
        "county": users["county"].pk,
        "anji": org("安吉县（330523）").pk,
        "proposal": proposal.pk,
    }


@pytest.mark.parametrize(
    ("who", "method", "url", "expected"), REFUSALS, ids=[f"{r[0]}-{r[1]}-{r[2]}" for r in REFUSALS]
)
def test_refused(users, targets, who, method, url, expected):
    client = Client()
    if who is not None:
        client.force_login(users[who])
    data = {"reason": "x", "name": "x", "username": "x", "display_name": "x", "role": "county"}
    response = getattr(client, method)(url.format(**targets), data if method == "post" else None)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")
    assert AccountEvent.objects.count() == 0
    assert User.objects.get(pk=users["county"].pk).is_active is True
    assert ExpertProposal.objects.get(pk=targets["proposal"]).status == "pending"


def test_list_pages_query_the_same_however_many_users(client_as, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("province_admin")

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    create_user(
        by=users["province_admin"],
        username="first",
        display_name="",
        role="county",
        organisation=org("安吉县（330523）"),
    )
    client.get("/accounts/users/")  # warms the per-process caches (site flags)
    before = (count("/accounts/users/"), count("/accounts/history/"))
    for n in range(5):
        create_user(
            by=users["province_admin"],
            username=f"bulk{n}",
            display_name="",
            role="county",
            organisation=org("安吉县（330523）"),
        )
    assert (count("/accounts/users/"), count("/accounts/history/")) == before


def test_admin_pages_show_what_they_are_for(client_as, users):
    client = client_as("province_admin")
    anji = org("安吉县（330523）")
    proposal = ExpertProposal.objects.create(
        organisation=org("浙江省水利厅"), username="li", display_name="李工", domains=["生态安全"]
    )
    pages = {
        "/accounts/users/new/": 'name="organisation"',
        f"/accounts/users/{users['county'].pk}/edit/": 'value="county"',
        "/accounts/users/import/": 'name="file"',
        "/accounts/organisations/": "浙江省统计局",
        "/accounts/organisations/new/": 'name="kind"',
        f"/accounts/organisations/{anji.pk}/edit/": 'value="安吉县（330523）"',
        f"/applications/experts/proposals/{proposal.pk}/reject/": "李工",
        "/applications/experts/proposals/": f"proposals/{proposal.pk}/approve/",
        "/applications/experts/": "/applications/experts/proposals/",
    }
    for url, expected in pages.items():
        assert expected in client.get(url).content.decode(), url
    city_form = client_as("city").get("/accounts/users/new/").context["form"]
    assert [value for value, _label in city_form.fields["role"].choices] == ["", "city", "county"]
