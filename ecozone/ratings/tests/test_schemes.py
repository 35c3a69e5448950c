"""Scoring-scheme versions: copy, edit, publish, export and import; their pages, preview and API."""

import copy
import datetime
import json

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ecozone.core.models import LedgerEntry
from ecozone.designations.models import Designation, Programme
from ecozone.designations.services import get_or_create_batch
from ecozone.indicators.models import IndicatorSystem
from ecozone.ratings import engine, scheme_queries, schemes, services
from ecozone.ratings.forms import CampaignForm
from ecozone.ratings.forms_schemes import SchemeEditor
from ecozone.ratings.inputs import indicator_definitions
from ecozone.ratings.models import Campaign, Reexamination, Scheme
from ecozone.ratings.serialization import build_input, input_to_json
from ecozone.regions.models import Region

pytestmark = pytest.mark.django_db


def default() -> Scheme:
    return Scheme.objects.get(code="default")


def draft(admin, code="2026", **changes) -> Scheme:
    scheme = services.create_scheme_version(
        base=default(), code=code, title="2026 年版", note="试行", by=admin
    )
    if changes:
        settings = copy.deepcopy(scheme.settings) | changes
        scheme = services.update_scheme(
            scheme, settings=settings, title=scheme.title, note=scheme.note, by=admin
        )
    return scheme


# ---------------------------------------------------------------------------- services


def test_copying_a_version_makes_a_draft_with_its_settings_and_a_history_entry(users):
    admin = users["province_admin"]
    scheme = draft(admin)
    assert (scheme.status, scheme.base, scheme.created_by, scheme.title, scheme.note) == (
        "draft",
        default(),
        admin,
        "2026 年版",
        "试行",
    )
    assert scheme.settings == default().settings
    [entry] = LedgerEntry.objects.filter(kind="ratings.scheme.created")
    assert (entry.object_id, entry.payload, entry.by_id) == (
        str(scheme.pk),
        {"scheme": "2026", "base": "default"},
        admin.pk,
    )


@pytest.mark.parametrize(
    ("code", "field"), [("default", "code"), ("a b", "code"), ("import", "code"), ("", "code")]
)
def test_copying_refuses_a_bad_or_taken_code(users, code, field):
    with pytest.raises(ValidationError) as caught:
        services.create_scheme_version(
            base=default(), code=code, title="x", note="", by=users["province_admin"]
        )
    assert list(caught.value.message_dict) == [field]
    assert Scheme.objects.count() == 1


def test_only_the_province_writes_versions(users):
    for role in ("department", "county", "expert"):
        with pytest.raises(PermissionDenied):
            services.create_scheme_version(
                base=default(), code="x", title="x", note="", by=users[role]
            )
    scheme = draft(users["province_admin"])
    with pytest.raises(PermissionDenied):
        services.update_scheme(
            scheme, settings=scheme.settings, title="x", note="", by=users["department"]
        )
    with pytest.raises(PermissionDenied):
        services.publish_scheme(scheme, by=users["department"])
    with pytest.raises(PermissionDenied):
        services.import_scheme(data=services.export_scheme(scheme), by=users["county"])
    assert Scheme.objects.get(pk=scheme.pk).status == "draft"


def test_editing_a_draft_saves_its_settings_and_records_what_changed(users):
    admin = users["province_admin"]
    scheme = draft(admin)
    settings = copy.deepcopy(scheme.settings)
    settings["thresholds"]["4"] = "82"
    settings["weights"] = {"N19-03": "2"}
    saved = services.update_scheme(scheme, settings=settings, title=" 新标题 ", note="", by=admin)
    saved.refresh_from_db()
    assert (saved.title, saved.settings["thresholds"], saved.settings["weights"]) == (
        "新标题",
        {"5": "90", "4": "82", "3": "70"},
        {"N19-03": "2"},
    )
    [entry] = LedgerEntry.objects.filter(kind="ratings.scheme.changed")
    assert entry.payload == {
        "scheme": "2026",
        "changed": ["weights.N19-03", "thresholds.4"],
        "title": "新标题",
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"binding_share": "0.6"}, "binding_share"),  # shares no longer add up to 1
        ({"tolerance": "abc"}, "tolerance"),
        ({"period_years": 0}, "period_years"),
        ({"period_years": "3"}, "period_years"),
        ({"thresholds": {"5": "90", "4": "95", "3": "70"}}, "thresholds.4"),
        ({"work_items": [{"code": "a", "name": "A", "max": "-1"}]}, "work_items.a.max"),
        ({"work_items": "推进力度"}, "work_items"),
        ({"cap_stars": 2}, "cap_stars"),
        ({"incentives": {"5": [""]}}, "incentives.5"),
        ({"weights": {"N19-03": "x"}}, "weights.N19-03"),
        ({"feature_min": "3"}, "feature_min"),
        ({"colour": "green"}, "colour"),
    ],
)
def test_an_invalid_setting_is_refused_naming_it_and_nothing_changes(users, change, field):
    admin = users["province_admin"]
    scheme = draft(admin)
    before = copy.deepcopy(scheme.settings)
    with pytest.raises(ValidationError) as caught:
        services.update_scheme(
            scheme, settings={**scheme.settings, **change}, title="新", note="", by=admin
        )
    assert list(caught.value.message_dict) == [field]
    scheme.refresh_from_db()
    assert (scheme.settings, scheme.title) == (before, "2026 年版")
    assert not LedgerEntry.objects.filter(kind="ratings.scheme.changed").exists()


def test_an_empty_title_is_refused(users):
    scheme = draft(users["province_admin"])
    with pytest.raises(ValidationError) as caught:
        services.update_scheme(
            scheme, settings=scheme.settings, title="  ", note="", by=users["province_admin"]
        )
    assert list(caught.value.message_dict) == ["title"]


def test_a_published_version_is_immutable(users):
    admin = users["province_admin"]
    scheme = services.publish_scheme(draft(admin), by=admin)
    assert scheme.status == "published" and scheme.published_at is not None
    with pytest.raises(ValidationError):
        services.update_scheme(scheme, settings=scheme.settings, title="x", note="", by=admin)
    with pytest.raises(ValidationError):
        services.publish_scheme(scheme, by=admin)
    assert LedgerEntry.objects.filter(kind="ratings.scheme.published").count() == 1
    assert (
        services.create_scheme_version(
            base=scheme, code="2027", title="2027", note="", by=admin
        ).base
        == scheme
    )


def test_a_freshly_published_version_appears_in_campaign_creation_and_a_draft_does_not(users):
    admin = users["province_admin"]
    published = services.publish_scheme(draft(admin, code="p1"), by=admin)
    draft(admin, code="d1")
    codes = set(CampaignForm().fields["scheme"].queryset.values_list("code", flat=True))
    assert codes == {"default", "p1"}
    form = CampaignForm(
        data={"year": 2026, "title": "t", "scheme": "d1", "programme": "provincial"}
    )
    assert not form.is_valid() and "scheme" in form.errors
    assert CampaignForm(
        data={"year": 2026, "title": "t", "scheme": "p1", "programme": "provincial"}
    ).is_valid()
    assert published.code == "p1"


def test_export_and_import_round_trip(users):
    admin = users["province_admin"]
    original = draft(admin, thresholds={"5": "92", "4": "81", "3": "70"})
    exported = services.export_scheme(original)
    assert exported == {
        "code": "2026",
        "title": "2026 年版",
        "note": "试行",
        "base": "default",
        "settings": original.settings,
    }
    copy_ = services.import_scheme(
        data=json.loads(json.dumps({**exported, "code": "2026b"})), by=admin
    )
    assert (copy_.code, copy_.status, copy_.base, copy_.title, copy_.note, copy_.settings) == (
        "2026b",
        "draft",
        default(),
        "2026 年版",
        "试行",
        original.settings,
    )
    assert LedgerEntry.objects.filter(kind="ratings.scheme.imported").count() == 1


def _hostile(kind: str) -> dict:
    good = {**services.export_scheme(default()), "code": "new"}
    settings = copy.deepcopy(good["settings"])
    cases = {
        "extra key": {**good, "status": "published"},
        "no settings": {k: v for k, v in good.items() if k != "settings"},
        "taken code": {**good, "code": "default"},
        "path in code": {**good, "code": "../x"},
        "control character": {**good, "title": "方案\x00"},
        "unknown base": {**good, "base": "nowhere"},
        "settings a list": {**good, "settings": [1, 2]},
        "unknown setting": {**good, "settings": {**settings, "__class__": 1}},
        "thresholds a list": {**good, "settings": {**settings, "thresholds": ["90"]}},
        "many items": {
            **good,
            "settings": {
                **settings,
                "veto_items": [{"code": f"v{i}", "name": "n"} for i in range(200)],
            },
        },
        "too large": {**good, "note": "长" * 70_000},
        "nested deeply": {**good, "settings": {**settings, "weights": _deep(2000)}},
        "float bool": {**good, "settings": {**settings, "bar_on_latest_year": "yes"}},
    }
    return cases[kind]


def _deep(n: int):
    value: dict = {}
    for _i in range(n):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    "kind",
    [
        "extra key",
        "no settings",
        "taken code",
        "path in code",
        "control character",
        "unknown base",
        "settings a list",
        "unknown setting",
        "thresholds a list",
        "many items",
        "too large",
        "nested deeply",
        "float bool",
    ],
)
def test_a_hostile_import_is_refused_and_writes_nothing(users, kind):
    with pytest.raises(ValidationError):
        services.import_scheme(data=_hostile(kind), by=users["province_admin"])
    assert list(Scheme.objects.values_list("code", flat=True)) == ["default"]
    assert not LedgerEntry.objects.filter(kind__startswith="ratings.scheme").exists()


# ---------------------------------------------------------------------------- in words


def test_every_setting_is_written_out_without_json():
    rows = {row.key: row.value for row in schemes.rows(default().settings, {"N19-03": "x"})}
    assert (rows["binding_share"], rows["tolerance"], rows["partial_credit_cap"]) == (
        "70%",
        "20%",
        "99%",
    )
    assert (rows["cap_stars"], rows["thresholds.5"].split()[0]) == ("★★★", "90")
    assert rows["incentives.5"] == "重点项目资金支持；试点名额分配优先"
    assert rows["bar_items"] == "期内督察问题被公开通报"
    assert not any("{" in value or "[" in value for value in rows.values())
    # every key of the stored settings has its row(s)
    heads = {key.split(".")[0] for key in rows}
    assert heads >= set(default().settings) - {"incentives"}


def test_the_diff_lists_only_changed_settings_by_value():
    base = default().settings
    this = copy.deepcopy(base) | {"binding_share": "0.6", "reference_share": "0.40"}
    this["weights"] = {"N19-03": "2"}
    changes = schemes.diff(base, this, {"N19-03": "名称"})
    assert [(c.key, c.before, c.after) for c in changes] == [
        ("binding_share", "70%", "60%"),
        ("reference_share", "30%", "40%"),
        ("weights.N19-03", changes[2].before, "2"),
    ]
    assert schemes.diff(base, copy.deepcopy(base) | {"binding_share": "0.7000"}) == []


# ---------------------------------------------------------------------------- preview


def _zone_inputs(scheme: Scheme, work: dict) -> tuple[dict, engine.ScoreCard]:
    n19 = IndicatorSystem.objects.get(code="N19")
    indicators = tuple(d for d in indicator_definitions([n19.pk])[n19.pk] if d.code == "N19-03")
    payload = {
        "region": {"level": "county", "terrain": "丘陵", "coastal": False},
        "period": [2021, 2022, 2023],
        "values": {"N19-03": {str(y): {"value": "22"} for y in (2020, 2021, 2022, 2023)}},
        "work": work,
    }
    data = build_input(payload, indicators, engine.SchemeSettings.from_dict(scheme.settings))
    stored = input_to_json(
        data, edition="N19", scheme_code=scheme.code, scheme_settings=scheme.settings
    )
    return stored, engine.compute(data)


def published_campaign() -> Campaign:
    """A published campaign of four zones computed under `default`: 安吉 95 (★★★★★), 德清 85
    (★★★★), 长兴 75 (★★★), 吴兴 95 but excluded."""
    scheme = default()
    programme = Programme.objects.get(code="provincial")
    batch = get_or_create_batch(programme=programme, year=2015, number=1)
    campaign = Campaign.objects.create(
        year=2024, title="复核", scheme=scheme, status="published", published_at=timezone.now()
    )
    for code, points in (("330523", 20), ("330521", 10), ("330522", 0), ("330502", 20)):
        designation = Designation.objects.create(
            region=Region.objects.get(code=code),
            programme=programme,
            batch=batch,
            named_on=datetime.date(2015, 12, 20),
        )
        work = {
            "推进力度": [str(min(points, 10))],
            "试点创新": [str(min(max(points - 10, 0), 8))],
            "建设成效": [str(max(points - 18, 0))],
        }
        stored, card = _zone_inputs(scheme, work)
        Reexamination.objects.create(
            campaign=campaign,
            designation=designation,
            period=[2021, 2022, 2023],
            total=card.total,
            stars=card.stars,
            inputs=stored,
            excluded_at=timezone.now() if code == "330502" else None,
        )
    return campaign


def test_the_preview_counts_the_zones_that_would_change_class(users):
    campaign = published_campaign()
    results = {
        code: (str(total), stars)
        for code, total, stars in campaign.zones.values_list(
            "designation__region__code", "total", "stars"
        )
    }
    assert results == {
        "330502": ("95.0", 5),
        "330521": ("85.0", 4),
        "330522": ("75.0", 3),
        "330523": ("95.0", 5),
    }
    same = scheme_queries.preview(default())  # the version the campaign was computed under
    assert (same.campaign, same.compared, same.changes) == (campaign, 3, [])
    scheme = draft(users["province_admin"], thresholds={"5": "96", "4": "80", "3": "76"})
    preview = scheme_queries.preview(scheme)
    assert preview.compared == 3
    assert [
        (c.region, c.stars_before, c.stars_after, str(c.total_before), str(c.total_after))
        for c in preview.changes
    ] == [("长兴县", 3, 0, "75.0", "75.0"), ("安吉县", 5, 4, "95.0", "95.0")]


def test_the_preview_names_zones_whose_inputs_do_not_fit_the_version(users):
    published_campaign()
    items = [{"code": "other", "name": "其他", "max": "25"}]
    scheme = draft(users["province_admin"], work_items=items)
    preview = scheme_queries.preview(scheme)
    assert (preview.compared, len(preview.not_recomputed)) == (0, 3)


def test_the_version_page_shows_the_preview_figure(users, client_as):
    published_campaign()
    scheme = draft(users["province_admin"], thresholds={"5": "96", "4": "80", "3": "76"})
    response = client_as("department").get(f"/ratings/schemes/{scheme.code}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-changed="2" data-compared="3"' in body
    assert [c.key for c in response.context["changes"]] == ["thresholds.5", "thresholds.3"]


# ---------------------------------------------------------------------------- pages


def editor_post(scheme: Scheme, **changes) -> dict:
    """The editor's form data as the page sends it, unchanged but for `changes`."""
    editor = SchemeEditor(scheme=scheme, indicator_choices=[])
    data = {}
    for bound in editor.form:
        value = bound.value()
        if isinstance(bound.field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
        elif value is not None:
            data[bound.html_name] = value
    for formset in editor.formsets.values():
        for bound in formset.management_form:
            data[bound.html_name] = bound.value()
        for form in formset.forms:
            for bound in form:
                if bound.value() not in (None, False, ""):
                    data[bound.html_name] = bound.value()
    return data | changes


def test_the_version_list_shows_status_base_and_campaigns(users, client_as):
    draft(users["province_admin"])
    Campaign.objects.create(year=2024, title="复核 2024", scheme=default())
    for role in ("province_admin", "department"):
        response = client_as(role).get("/ratings/schemes/")
        assert response.status_code == 200
        rows = {
            v.code: (v.status, v.base and v.base.code, v.campaign_count)
            for v in response.context["versions"]
        }
        assert rows == {"2026": ("draft", "default", 0), "default": ("published", None, 1)}
    assert (
        b'data-testid="scheme-import-link"'
        in client_as("province_admin").get("/ratings/schemes/").content
    )
    assert (
        b'data-testid="scheme-import-link"'
        not in client_as("department").get("/ratings/schemes/").content
    )


SCHEME_PAGES = [
    ("get", "/ratings/schemes/"),
    ("get", "/ratings/schemes/{code}/"),
    ("get", "/ratings/schemes/{code}/export.json"),
    ("get", "/ratings/schemes/{code}/edit/"),
    ("post", "/ratings/schemes/{code}/edit/"),
    ("get", "/ratings/schemes/{code}/copy/"),
    ("post", "/ratings/schemes/{code}/copy/"),
    ("post", "/ratings/schemes/{code}/publish/"),
    ("get", "/ratings/schemes/import/"),
    ("post", "/ratings/schemes/import/"),
]
WRITES = SCHEME_PAGES[3:]


@pytest.mark.parametrize(("method", "url"), SCHEME_PAGES)
@pytest.mark.parametrize("role", ["county", "city", "expert"])
def test_scheme_pages_are_refused_outside_the_province(users, client_as, role, method, url):
    scheme = draft(users["province_admin"])
    response = getattr(client_as(role), method)(url.format(code=scheme.code))
    assert response.status_code == 403
    scheme.refresh_from_db()
    assert (scheme.status, Scheme.objects.count()) == ("draft", 2)


@pytest.mark.parametrize(("method", "url"), WRITES)
def test_departments_read_but_do_not_write(users, client_as, method, url):
    scheme = draft(users["province_admin"])
    assert getattr(client_as("department"), method)(url.format(code=scheme.code)).status_code == 403
    assert client_as("department").get(f"/ratings/schemes/{scheme.code}/").status_code == 200


def test_scheme_pages_send_the_anonymous_to_sign_in(client):
    assert client.get("/ratings/schemes/").status_code == 302
    assert client.get("/ratings/schemes/default/").status_code == 302


def test_an_unknown_version_is_not_found(client_as):
    assert client_as("province_admin").get("/ratings/schemes/nope/").status_code == 404
    assert client_as("province_admin").get("/ratings/schemes/nope/edit/").status_code == 404


def test_the_version_page_lists_every_setting_and_the_diff(users, client_as):
    scheme = draft(users["province_admin"], tolerance="0.25")
    response = client_as("province_admin").get(f"/ratings/schemes/{scheme.code}/")
    rows = {
        row.key: row.value for _title, section in response.context["sections"] for row in section
    }
    assert rows["tolerance"] == "25%"
    assert [(c.key, c.before, c.after) for c in response.context["changes"]] == [
        ("tolerance", "20%", "25%")
    ]
    assert b'data-testid="scheme-publish"' in response.content
    assert b"data-confirm=" in response.content
    published = client_as("province_admin").get("/ratings/schemes/default/")
    assert b'data-testid="scheme-publish"' not in published.content
    assert published.context["changes"] == []


def test_the_editor_saves_every_kind_of_setting(users, client_as):
    scheme = draft(users["province_admin"])
    data = editor_post(
        scheme,
        thresholds_4="82",
        binding_share="60",
        reference_share="40",
        incentives_3="培训名额\n\n  宣传推介 ",
        bar_on_latest_year="",
        **{
            "work-3-code": "群众满意",
            "work-3-name": "群众满意度",
            "work-3-max": "5",
            "work-0-max": "5",
            "veto-0-DELETE": "on",
            "weights-0-indicator": "N19-03",
            "weights-0-weight": "2",
        },
    )
    data.pop("bar_on_latest_year")
    response = client_as("province_admin").post(f"/ratings/schemes/{scheme.code}/edit/", data)
    assert response.status_code == 302, response.context["summary"]
    scheme.refresh_from_db()
    s = scheme.settings
    assert (s["thresholds"], s["binding_share"], s["reference_share"]) == (
        {"5": "90", "4": "82", "3": "70"},
        "0.6",
        "0.4",
    )
    assert s["incentives"]["3"] == ["培训名额", "宣传推介"]
    assert s["bar_on_latest_year"] is False
    assert [(w["code"], w["max"]) for w in s["work_items"]] == [
        ("推进力度", "5"),
        ("试点创新", "8"),
        ("建设成效", "7"),
        ("群众满意", "5"),
    ]
    assert [i["code"] for i in s["veto_items"]] == [
        "inspection_unrectified",
        "data_fraud",
        "quality_decline",
    ]
    assert s["weights"] == {"N19-03": "2"}
    assert (s["experts_required"], s["partial_credit_cap"]) == (3, "0.99")
    engine.SchemeSettings.from_dict(s)


def test_an_editor_error_is_shown_beside_its_field_and_keeps_the_input(users, client_as):
    scheme = draft(users["province_admin"])
    before = copy.deepcopy(scheme.settings)
    data = editor_post(scheme, binding_share="55.5", title="改过的标题", thresholds_4="81")
    response = client_as("province_admin").post(f"/ratings/schemes/{scheme.code}/edit/", data)
    assert response.status_code == 200
    editor = response.context["editor"]
    assert list(editor.form.errors) == ["binding_share"]
    assert len(response.context["summary"]) == 1
    assert b'data-testid="error-summary"' in response.content
    body = response.content.decode()
    assert 'value="55.5"' in body and 'value="改过的标题"' in body and 'value="81"' in body
    scheme.refresh_from_db()
    assert (scheme.settings, scheme.title) == (before, "2026 年版")


def test_an_editor_error_in_a_row_goes_beside_the_row(users, client_as):
    scheme = draft(users["province_admin"])
    data = editor_post(scheme, **{"work-1-code": "推进力度", "weights-0-weight": "3"})
    response = client_as("province_admin").post(f"/ratings/schemes/{scheme.code}/edit/", data)
    editor = response.context["editor"]
    assert len(editor.work.non_form_errors()) == 1
    assert list(editor.weights.forms[0].errors) == ["indicator"]
    assert len(response.context["summary"]) == 2
    assert Scheme.objects.get(pk=scheme.pk).settings == scheme.settings


def test_a_published_version_has_no_editor(users, client_as):
    response = client_as("province_admin").get("/ratings/schemes/default/edit/")
    assert (response.status_code, response["Location"]) == (302, "/ratings/schemes/default/")
    data = editor_post(default(), thresholds_4="50")
    client_as("province_admin").post("/ratings/schemes/default/edit/", data)
    assert default().settings["thresholds"]["4"] == "80"


def test_copying_on_the_page_opens_the_new_draft(client_as):
    client = client_as("province_admin")
    response = client.post(
        "/ratings/schemes/default/copy/", {"code": "2026", "title": "新版", "note": "调整阈值"}
    )
    assert (response.status_code, response["Location"]) == (302, "/ratings/schemes/2026/edit/")
    assert Scheme.objects.get(code="2026").base == default()
    again = client.post(
        "/ratings/schemes/default/copy/", {"code": "2026", "title": "再来", "note": ""}
    )
    assert again.status_code == 200
    assert list(again.context["form"].errors) == ["code"]
    assert again.context["form"]["title"].value() == "再来"
    assert Scheme.objects.count() == 2


def test_publishing_on_the_page_makes_the_version_immutable(users, client_as):
    scheme = draft(users["province_admin"])
    response = client_as("province_admin").post(f"/ratings/schemes/{scheme.code}/publish/")
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.status == "published"
    assert (
        client_as("province_admin").get(f"/ratings/schemes/{scheme.code}/publish/").status_code
        == 405
    )


def test_the_export_downloads_the_version_as_json(users, client_as):
    scheme = draft(users["province_admin"])
    response = client_as("department").get(f"/ratings/schemes/{scheme.code}/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="scheme-2026.json"'
    assert json.loads(response.content) == services.export_scheme(scheme)


def _upload(data, name="scheme.json") -> SimpleUploadedFile:
    body = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()
    return SimpleUploadedFile(name, body, content_type="application/json")


def test_the_import_page_creates_a_draft_under_a_new_code(users, client_as):
    exported = services.export_scheme(draft(users["province_admin"]))
    response = client_as("province_admin").post(
        "/ratings/schemes/import/", {"file": _upload(exported), "code": "2026-import"}
    )
    assert (response.status_code, response["Location"]) == (302, "/ratings/schemes/2026-import/")
    imported = Scheme.objects.get(code="2026-import")
    assert (imported.status, imported.settings) == ("draft", exported["settings"])


@pytest.mark.parametrize(
    "body",
    [b"\xff\xfe not utf-8", b"{not json", b"[1, 2]", b"{" * 100_000, b" " * (65 * 1024)],
)
def test_the_import_page_refuses_a_malformed_file_beside_the_field(client_as, body):
    response = client_as("province_admin").post("/ratings/schemes/import/", {"file": _upload(body)})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file"]
    assert Scheme.objects.count() == 1


def test_the_import_page_names_a_taken_code_beside_the_field(client_as):
    response = client_as("province_admin").post(
        "/ratings/schemes/import/", {"file": _upload(services.export_scheme(default()))}
    )
    assert list(response.context["form"].errors) == ["code"]
    bad = services.export_scheme(default()) | {"code": "x"}
    bad["settings"] = {**bad["settings"], "tolerance": "2"}
    response = client_as("province_admin").post("/ratings/schemes/import/", {"file": _upload(bad)})
    assert list(response.context["form"].errors) == ["__all__"]
    assert Scheme.objects.count() == 1


def test_the_reexamination_page_links_the_schemes_for_the_province(client_as):
    assert b'data-testid="schemes-link"' in client_as("province_admin").get("/ratings/").content
    assert b'data-testid="schemes-link"' not in client_as("county").get("/ratings/").content


# ---------------------------------------------------------------------------- API


def test_the_api_lists_versions_drafts_for_the_province_only(users, client_as):
    draft(users["province_admin"])
    listed = client_as("department").get("/api/v1/schemes").json()
    assert [(s["code"], s["status"], s["base"]) for s in listed] == [
        ("2026", "draft", "default"),
        ("default", "published", None),
    ]
    assert set(listed[0]) == {"code", "title", "status", "base", "published_at"}
    assert [s["code"] for s in client_as("county").get("/api/v1/schemes").json()] == ["default"]


def test_the_api_gives_a_version_with_its_settings(client_as):
    response = client_as("county").get("/api/v1/schemes/default")
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["status"], body["base"]) == ("default", "published", None)
    settings = body["settings"]
    assert settings["thresholds"] == {"5": "90", "4": "80", "3": "70"}
    assert (settings["part_a_max"], settings["experts_required"], settings["withdraw_days"]) == (
        "75",
        3,
        30,
    )
    assert settings["work_items"][0] == {"code": "推进力度", "name": "工作推进力度", "max": "10"}
    assert settings["incentives"]["3"] == []


def test_the_api_answers_404_for_an_unknown_version_or_a_draft_out_of_reach(users, client_as):
    draft(users["province_admin"])
    for role, code in (("province_admin", "nope"), ("county", "2026"), ("expert", "2026")):
        response = client_as(role).get(f"/api/v1/schemes/{code}")
        assert response.status_code == 404
        assert set(response.json()) == {"detail"}
    assert client_as("department").get("/api/v1/schemes/2026").status_code == 200


def test_the_api_is_for_signed_in_users(client):
    assert client.get("/api/v1/schemes").status_code == 401
    assert client.get("/api/v1/schemes/default").status_code == 401
