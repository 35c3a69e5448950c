"""Edition mappings: the pure checks, the page (form and Excel) and publication."""

import io

import pytest
from openpyxl import load_workbook

from ecozone.indicators import services
from ecozone.indicators.mapping import MappingLine, carried, problems, propose
from ecozone.indicators.models import EditionMapping, IndicatorSystem

OLD = {"A1", "A2", "A3", "A4"}
NEW = {"A1", "B2", "B3a", "B3b", "B5"}


def test_a_complete_mapping_has_no_problems_and_carries_same_and_renumbered():
    lines = [
        MappingLine("A1", "A1", "same"),
        MappingLine("A2", "B2", "renumbered"),
        MappingLine("A3", "B3a", "split"),
        MappingLine("A3", "B3b", "split"),
        MappingLine("A4", "", "dropped"),
        MappingLine("", "B5", "new"),
    ]
    assert problems(lines, old_codes=OLD, new_codes=NEW) == []
    assert carried(lines) == {"A1": "A1", "B2": "A2"}


def test_a_split_into_one_and_a_merge_of_one_are_refused():
    lines = [
        MappingLine("A1", "A1", "same"),
        MappingLine("A2", "B2", "merged"),
        MappingLine("A3", "B3a", "split"),
        MappingLine("A4", "B3b", "renumbered"),
        MappingLine("", "B5", "new"),
    ]
    assert problems(lines, old_codes=OLD, new_codes=NEW) == [
        (2, "合并须有两个或以上原指标对应 B2"),
        (3, "拆分须为 A3 对应两个或以上新指标"),
    ]


def test_the_proposal_pairs_equal_codes_and_equal_names():
    lines = propose(
        [("A1", "水"), ("A2", "气"), ("A3", "土")], [("A1", "水"), ("B2", "气"), ("B9", "林")]
    )
    assert lines == [
        MappingLine("A1", "A1", "same"),
        MappingLine("A2", "B2", "renumbered"),
        MappingLine("", "B9", "new"),
        MappingLine("A3", "", "dropped"),
    ]


@pytest.fixture
def draft(users):
    n19 = IndicatorSystem.objects.get(code="N19")
    admin = users["province_admin"]
    copy = services.copy_edition(n19, code="ZJ25", title="浙江 2025", by=admin)
    indicator = copy.indicators.get(code="N19-33")
    indicator.code = "ZJ-33"
    indicator.save()
    return copy


def test_the_page_proposes_saves_and_publishes_a_mapping(draft, client_as):
    client = client_as("province_admin")
    page = client.get("/indicators/ZJ25/mapping/")  # the edition it was copied from by default
    formset = page.context["formset"]
    assert page.context["source"].code == "N19" and page.context["mapping"] is None
    rows = [f.initial for f in formset.forms if f.initial]
    assert {"old_code": "N19-33", "new_code": "ZJ-33", "kind": "renumbered"}.items() <= next(
        r for r in rows if r["new_code"] == "ZJ-33"
    ).items()
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data |= {f"form-{n}-{k}": row[k] for k in ("old_code", "new_code", "kind")}
    broken = {**data, "form-0-kind": "dropped"}
    refused = client.post("/indicators/ZJ25/mapping/?source=N19", broken)
    assert "第 1 行：删除的指标不应填写新代码" in refused.content.decode()
    assert not EditionMapping.objects.exists()
    saved = client.post("/indicators/ZJ25/mapping/?source=N19", data)
    assert saved["Location"] == "/indicators/ZJ25/mapping/?source=N19"
    mapping = EditionMapping.objects.get()
    assert mapping.rows.count() == 52 and mapping.status == "draft"
    # publishing waits for the edition
    client.post("/indicators/ZJ25/mapping/publish/?source=N19")
    mapping.refresh_from_db()
    assert mapping.status == "draft"
    services.transition_edition(draft, action="publish", by=None)
    client.post("/indicators/ZJ25/mapping/publish/?source=N19")
    mapping.refresh_from_db()
    assert mapping.status == "published"
    assert list(draft.changes.values_list("action", flat=True))[:3] == [
        "mapping_publish",
        "publish",
        "mapping",
    ]


def test_a_mapping_round_trips_through_excel(draft, client_as):
    client = client_as("province_admin")
    exported = client.get("/indicators/ZJ25/mapping/export.xlsx?source=N19")
    sheet = load_workbook(io.BytesIO(exported.content))["对应关系"]
    assert [c.value for c in sheet[1]] == ["原代码", "新代码", "变化类型", "备注"]
    renumbered = [r for r in sheet.iter_rows(values_only=True) if r[2] == "重新编号"]
    assert renumbered == [("N19-33", "ZJ-33", "重新编号", None)]
    buffer = io.BytesIO(exported.content)
    buffer.name = "m.xlsx"
    response = client.post("/indicators/ZJ25/mapping/import/?source=N19", {"file": buffer})
    assert response["Location"] == "/indicators/ZJ25/mapping/?source=N19"
    assert EditionMapping.objects.get().rows.filter(kind="renumbered").count() == 1
    # a bad word in the kind column: refused whole
    workbook = load_workbook(io.BytesIO(exported.content))
    workbook["对应关系"]["C2"] = "改名"
    bad = io.BytesIO()
    workbook.save(bad)
    bad.seek(0)
    bad.name = "bad.xlsx"
    EditionMapping.objects.all().delete()
    page = client.post("/indicators/ZJ25/mapping/import/?source=N19", {"file": bad}, follow=True)
    assert "请选择：不变、重新编号、拆分、合并、新增、删除" in page.content.decode()
    assert not EditionMapping.objects.exists()
