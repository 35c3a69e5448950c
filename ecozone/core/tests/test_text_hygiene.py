"""Text that cannot be stored is refused where it comes in (pages, imports); text stored before
that rule existed is cleaned where it goes out (Excel downloads)."""

import datetime
import io

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from ecozone.core.forms import StyledFormMixin, validate_text
from ecozone.core.tabular import ImportRejected
from ecozone.designations.excel import import_roster
from ecozone.indicators.forms import EDITABLE_FIELDS
from ecozone.indicators.models import Indicator
from ecozone.regions.models import Region
from ecozone.regions.services import import_regions
from ecozone.reporting.models import AnnualReport, ReportValue
from ecozone.reporting.services import open_reporting_year

pytestmark = pytest.mark.django_db

VERTICAL_TAB = "含有控制字符（U+000B），请删除后重试"


class NoteForm(StyledFormMixin, forms.Form):
    title = forms.CharField(max_length=20)
    body = forms.CharField(widget=forms.Textarea)
    code = forms.RegexField(regex=r"^N", required=False)
    password = forms.CharField(widget=forms.PasswordInput, required=False)


def test_styled_forms_refuse_control_characters_in_every_text_field():
    form = NoteForm({"title": "a\x00b", "body": "x\x1fy", "code": "N\x85", "password": "p\x0bw"})
    assert form.errors == {
        "title": ["含有控制字符（U+0000），请删除后重试"],
        "body": ["含有控制字符（U+001F），请删除后重试"],
        "code": ["含有控制字符（U+0085），请删除后重试"],
    }


def test_styled_forms_keep_tabs_and_line_breaks():
    form = NoteForm({"title": "a\tb", "body": "第一行\r\n第二行\n", "code": "", "password": ""})
    assert form.is_valid()
    assert form.cleaned_data["body"] == "第一行\r\n第二行"


def test_the_check_is_added_to_each_form_not_to_the_class():
    assert NoteForm().fields["title"].validators.count(validate_text) == 1
    assert NoteForm().fields["title"].validators.count(validate_text) == 1
    assert validate_text not in NoteForm.base_fields["title"].validators


def test_an_explanation_with_a_vertical_tab_is_refused_beside_the_field(client_as):
    client = client_as("province_admin")
    client.post("/indicators/N19/copy/", {"code": "T1", "title": "试验"})
    indicator = Indicator.objects.get(system__code="T1", code="N19-03")
    data = {k: "" if v is None else v for k, v in model_to_dict(indicator, EDITABLE_FIELDS).items()}
    response = client.post(
        f"/indicators/T1/indicators/{indicator.pk}/", {**data, "explanation": "第一行\x0b第二行"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"explanation": [VERTICAL_TAB]}
    assert VERTICAL_TAB in response.content.decode()
    assert Indicator.objects.get(pk=indicator.pk).explanation == indicator.explanation


# ------------------------------------------------------------------------------ imports


def test_an_imported_cell_with_a_control_character_is_refused_naming_it(users):
    content = "代码,名称,级别,上级代码\n330599,新\x0b区,县,330500\n".encode()
    with pytest.raises(ImportRejected) as caught:
        import_regions(
            SimpleUploadedFile("regions.csv", content), by=users["province_admin"], source="t"
        )
    assert [str(e) for e in caught.value.errors] == [
        f"工作表“行政区”，第 2 行，“名称”列：{VERTICAL_TAB}"
    ]
    assert not Region.objects.filter(code="330599").exists()


def test_an_imported_region_name_longer_than_its_column_is_refused(users):
    content = f"代码,名称,级别,上级代码\n330599,{'区' * 51},县,330500\n".encode()
    with pytest.raises(ImportRejected) as caught:
        import_regions(
            SimpleUploadedFile("regions.csv", content), by=users["province_admin"], source="t"
        )
    assert [str(e) for e in caught.value.errors] == [
        "工作表“行政区”，第 2 行，“名称”列：最多 50 个字符（当前 51 个）"
    ]


def test_an_imported_document_number_longer_than_its_column_is_refused(users):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "命名名单"
    sheet.append(["行政区划代码", "行政区名称", "称号", "批次年份", "批次", "命名日期", "命名文号"])
    sheet.append(["330523", "安吉县", "省级示范区", 2020, 1, "2020-12-31", "浙" * 101])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportRejected) as caught:
        import_roster(
            SimpleUploadedFile("roster.xlsx", buffer.getvalue()), by=users["province_admin"]
        )
    assert [str(e) for e in caught.value.errors] == [
        "工作表“命名名单”，第 2 行，“命名文号”列：最多 100 个字符（当前 101 个）"
    ]


# ------------------------------------------------------------------------------ exports


@pytest.fixture
def anji(users) -> AnnualReport:
    today = timezone.localdate()
    open_reporting_year(
        by=users["province_admin"],
        year=2024,
        opens_on=today,
        deadline=today + datetime.timedelta(days=20),
        locks_on=today + datetime.timedelta(days=60),
        regions=Region.objects.filter(code="330523"),
    )
    return AnnualReport.objects.get(region__code="330523", year=2024)


def explanation_in(response, sheet_name: str) -> str:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))[sheet_name]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    return next(r["说明"] for r in rows if r["指标代码"] == "N19-03")


def test_downloads_drop_control_characters_stored_before_the_rule(anji, client_as):
    # PostgreSQL cannot store NUL at all; SQLite can, so there both kinds are stored.
    nul = "" if connection.vendor == "postgresql" else "\x00"
    ReportValue.objects.create(
        report=anji,
        indicator=anji.system.indicators.get(code="N19-03"),
        explanation=f"a\x0bb{nul}c",
    )
    client = client_as("county")
    template = client.get(f"/reporting/{anji.pk}/template.xlsx")
    assert explanation_in(template, "填报") == "abc"
    export = client.get("/reporting/export.xlsx?year=2024")
    assert explanation_in(export, "指标数值") == "abc"
