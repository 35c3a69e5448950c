import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from ecozone.core.tabular import ImportRejected
from ecozone.indicators import services
from ecozone.indicators.excel import export_edition, import_edition
from ecozone.indicators.forms import IndicatorForm
from ecozone.indicators.models import EditionChange, Indicator, IndicatorSystem
from ecozone.indicators.queries import diff_editions
from ecozone.indicators.states import EditionStatus

pytestmark = pytest.mark.django_db


def n19() -> IndicatorSystem:
    return IndicatorSystem.objects.get(code="N19")


def workbook_upload(workbook, name="edition.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_national_2019_catalogue_ships_as_the_published_default():
    system = n19()
    assert (system.status, system.is_default, system.document_number) == (
        "published",
        True,
        "环生态〔2019〕76号",
    )
    assert system.indicators.count() == 52
    assert system.indicators.values("number").distinct().count() == 40
    assert list(system.indicators.values_list("domain", flat=True).distinct().order_by()) != []
    assert system.indicators.filter(verified="no").count() == 48
    assert system.indicators.get(code="N19-07a").rule == "task & trend:higher"


def test_copy_makes_an_editable_draft_with_every_indicator(users):
    draft = services.copy_edition(n19(), code="ZJ23", title="浙江 2023", by=users["province_admin"])
    assert draft.status == EditionStatus.DRAFT
    assert draft.indicators.count() == 52
    assert draft.copied_from == n19()
    assert diff_editions(n19(), draft).is_empty
    assert EditionChange.objects.filter(system=draft, action="copy").count() == 1


def test_a_published_edition_cannot_be_changed(users):
    indicator = n19().indicators.get(code="N19-03")
    form = IndicatorForm(data={**_fields(indicator), "rule": ">=25"}, instance=indicator)
    assert form.is_valid()
    with pytest.raises(ValidationError):
        services.save_indicator(form, system=n19(), by=users["province_admin"])
    with pytest.raises(ValidationError):
        services.delete_indicator(indicator, by=users["province_admin"])
    assert Indicator.objects.get(pk=indicator.pk).rule == ">=20"


def _fields(indicator: Indicator) -> dict:
    from ecozone.indicators.forms import EDITABLE_FIELDS

    return {f: getattr(indicator, f) for f in EDITABLE_FIELDS}


def test_edit_publish_and_diff_a_new_edition(users):
    admin = users["province_admin"]
    draft = services.copy_edition(n19(), code="ZJ23", title="浙江 2023", by=admin)
    changed = draft.indicators.get(code="N19-03")
    form = IndicatorForm(
        data={**_fields(changed), "rule": ">=25", "target_text": "≥25"}, instance=changed
    )
    assert form.is_valid(), form.errors
    services.save_indicator(form, system=draft, by=admin)
    services.delete_indicator(draft.indicators.get(code="N19-40"), by=admin)
    new = IndicatorForm(
        data={**_fields(changed), "code": "ZJ-01", "name": "新增指标", "rule": ">=1"}
    )
    assert new.is_valid(), new.errors
    services.save_indicator(new, system=draft, by=admin)
    draft = services.transition_edition(draft, action="publish", by=admin)
    assert draft.status == EditionStatus.PUBLISHED and draft.published_at is not None

    diff = diff_editions(n19(), draft)
    assert [i.code for i in diff.added] == ["ZJ-01"]
    assert [i.code for i in diff.removed] == ["N19-40"]
    assert [(c.code, [(f.field, f.old, f.new) for f in c.changes]) for c in diff.changed] == [
        ("N19-03", [("target_text", "≥20", "≥25"), ("rule", ">=20", ">=25")])
    ]


def test_rule_whitespace_is_not_a_change(users):
    draft = services.copy_edition(n19(), code="ZJ23", title="t", by=users["province_admin"])
    draft.indicators.filter(code="N19-07a").update(rule="task&trend:higher")
    assert diff_editions(n19(), draft).is_empty


def test_transitions_follow_the_table(users):
    admin = users["province_admin"]
    with pytest.raises(ValidationError, match="已发布"):
        services.transition_edition(n19(), action="publish", by=admin)
    with pytest.raises(ValidationError, match="默认版本不能废止"):
        services.transition_edition(n19(), action="retire", by=admin)
    draft = services.copy_edition(n19(), code="X", title="t", by=admin)
    with pytest.raises(ValidationError):
        services.transition_edition(draft, action="retire", by=admin)
    services.transition_edition(draft, action="publish", by=admin)
    services.make_default_edition(draft, by=admin)
    services.transition_edition(n19(), action="retire", by=admin)
    assert n19().status == EditionStatus.RETIRED
    assert IndicatorSystem.objects.get(is_default=True).code == "X"


def test_a_bad_rule_is_refused_naming_where():
    indicator = n19().indicators.get(code="N19-03")
    form = IndicatorForm(data={**_fields(indicator), "rule": ">= 20 &"})
    assert not form.is_valid()
    assert form.errors["rule"] == ["规则“>= 20 &”第 8 个字符处：规则提前结束"]
    form = IndicatorForm(data={**_fields(indicator), "rule": "task"})
    assert form.errors["rule"] == ["规则需要上级任务完成情况，但取值类型“percent”不采集这些内容"]


def test_excel_round_trip_creates_an_identical_draft(users):
    workbook = export_edition(n19())
    workbook["版本信息"]["B2"] = "N19-copy"
    system = import_edition(workbook_upload(workbook), by=users["province_admin"])
    assert (system.code, system.status, system.title) == ("N19-copy", "draft", n19().title)
    assert system.indicators.count() == 52
    assert diff_editions(n19(), system).is_empty


def test_import_names_every_bad_cell_and_writes_nothing(users):
    workbook = export_edition(n19())
    workbook["版本信息"]["B2"] = "NEW"
    sheet = workbook["指标"]
    sheet["M3"] = ">= x"  # rule of row 3
    sheet["G4"] = "重要"  # attribute of row 4
    sheet["A5"] = "N19-01"  # duplicate code
    before = IndicatorSystem.objects.count()
    with pytest.raises(ImportRejected) as caught:
        import_edition(workbook_upload(workbook), by=users["province_admin"])
    assert [str(e) for e in caught.value.errors] == [
        "工作表“指标”，第 3 行，“目标规则”列：规则“>= x”第 4 个字符处：“>=”后应为数字",
        "工作表“指标”，第 4 行，“属性”列：选择一个有效的选项。 重要 不在可用的选项中。",
        "工作表“指标”，第 5 行，“代码”列：代码 N19-01 已在第 2 行出现",
    ]
    assert IndicatorSystem.objects.count() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件为空。"),
        (b"code,name\n1,2\n", "文件不是 Excel 工作簿（.xlsx）。"),
        (b"PK\x03\x04 not really a zip", "文件不是可读取的 Excel 工作簿（.xlsx）。"),
    ],
)
def test_import_refuses_files_that_are_not_workbooks(users, content, message):
    with pytest.raises(ImportRejected) as caught:
        import_edition(SimpleUploadedFile("x.xlsx", content), by=users["province_admin"])
    assert [e.message for e in caught.value.errors] == [message]


def test_import_refuses_missing_columns_and_existing_codes(users):
    workbook = export_edition(n19())
    workbook["指标"].delete_cols(13)  # 目标规则
    with pytest.raises(ImportRejected) as caught:
        import_edition(workbook_upload(workbook), by=users["province_admin"])
    assert [str(e) for e in caught.value.errors] == [
        "工作表“指标”，第 1 行，“目标规则”列：缺少该列。"
    ]
    with pytest.raises(ImportRejected) as caught:
        import_edition(workbook_upload(export_edition(n19())), by=users["province_admin"])
    assert [str(e) for e in caught.value.errors] == [
        "工作表“版本信息”，第 2 行，“内容”列：代码为 N19 的版本已存在；请为新版本另起代码"
    ]


def test_exported_workbook_uses_readable_words():
    sheet = load_workbook(io.BytesIO(_save(export_edition(n19()))))["指标"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert (
        row["代码"],
        row["属性"],
        row["类型"],
        row["适用范围"],
        row["取值类型"],
        row["核对状态"],
    ) == (
        "N19-01",
        "约束性",
        "进程类",
        "市县",
        "状态",
        "已核对",
    )


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
