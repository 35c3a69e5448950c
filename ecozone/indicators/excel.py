"""Catalogue editions to and from Excel. Export and import use the same two sheets."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ecozone.core.tabular import (
    CellError,
    ImportRejected,
    build_workbook,
    cell_date,
    cell_text,
    length_problem,
    read_table_file,
)
from ecozone.indicators.forms import EDITABLE_FIELDS, IndicatorForm
from ecozone.indicators.mapping import MappingLine
from ecozone.indicators.models import (
    Attribute,
    Condition,
    EditionChange,
    Indicator,
    IndicatorSystem,
    Issuer,
    Kind,
    MappingKind,
    Scope,
    ValueType,
    Verification,
)
from ecozone.indicators.states import EditionStatus

META_SHEET = "版本信息"
SHEET = "指标"
HEADERS = {
    "code": "代码",
    "number": "序号",
    "domain": "领域",
    "task": "任务",
    "name": "指标名称",
    "unit": "单位",
    "attribute": "属性",
    "kind": "类型",
    "scope": "适用范围",
    "condition": "适用条件",
    "value_type": "取值类型",
    "target_text": "目标值（原文）",
    "rule": "目标规则",
    "data_source": "数据来源部门",
    "explanation": "指标解释",
    "verified": "核对状态",
    "yoy_band": "同比波动阈值（%）",
}
# Spreadsheet words for the coded choices; the codes themselves are accepted too.
WORDS = {
    "attribute": {Attribute.BINDING: "约束性", Attribute.REFERENCE: "参考性"},
    "kind": {Kind.PROCESS: "进程类", Kind.ANNUAL: "年度任务类"},
    "scope": {Scope.BOTH: "市县", Scope.CITY: "市", Scope.COUNTY: "县"},
    "condition": {Condition.ALWAYS: "", Condition.COASTAL: "沿海"},
    "value_type": {
        ValueType.PERCENT: "百分比",
        ValueType.NUMBER: "数值",
        ValueType.YESNO: "是否",
        ValueType.STATE: "状态",
        ValueType.TEXT: "文本",
        ValueType.PERCENT_TASK: "百分比+上级任务",
        ValueType.NUMBER_TASK: "数值+上级任务",
    },
    "verified": {
        Verification.YES: "已核对",
        Verification.PARTLY: "部分核对",
        Verification.NO: "未核对",
    },
}
META = {
    "code": "代码",
    "title": "名称",
    "issuer": "发布层级",
    "document_number": "文号",
    "effective_date": "施行日期",
}
ISSUER_WORDS = {Issuer.NATIONAL: "国家", Issuer.PROVINCIAL: "省级"}


def export_edition(system: IndicatorSystem):
    meta_rows = [
        (META["code"], system.code),
        (META["title"], system.title),
        (META["issuer"], ISSUER_WORDS.get(system.issuer, system.issuer)),
        (META["document_number"], system.document_number),
        (
            META["effective_date"],
            system.effective_date.isoformat() if system.effective_date else "",
        ),
    ]
    rows = []
    for indicator in system.indicators.all():
        row = []
        for field in EDITABLE_FIELDS:
            value = getattr(indicator, field)
            row.append(WORDS[field].get(value, value) if field in WORDS else value)
        rows.append(row)
    return build_workbook(
        [
            (META_SHEET, ["项目", "内容"], meta_rows),
            (SHEET, [HEADERS[f] for f in EDITABLE_FIELDS], rows),
        ]
    )


def import_edition(upload, *, by) -> IndicatorSystem:
    """Create a new draft edition from a workbook; every row is validated before any write."""
    sheets = read_table_file(
        upload,
        columns={
            META_SHEET: ["项目", "内容"],
            SHEET: [HEADERS[f] for f in EDITABLE_FIELDS if f != "yoy_band"],
        },
    )
    errors: list[CellError] = []
    meta = _read_meta(sheets[META_SHEET], errors)
    forms = []
    seen: dict[str, int] = {}
    for row in sheets[SHEET].rows:
        data = {}
        for field in EDITABLE_FIELDS:
            text = cell_text(row[HEADERS[field]])
            if field in WORDS:
                reverse = {word: code for code, word in WORDS[field].items()}
                text = reverse.get(text, text)
            data[field] = text
        if not data["yoy_band"]:
            data["yoy_band"] = "30"
        form = IndicatorForm(data=data)
        if not form.is_valid():
            for field, messages in form.errors.items():
                column = HEADERS.get(field, "")
                errors += [CellError(SHEET, row.number, column, str(m)) for m in messages]
            continue
        code = form.cleaned_data["code"]
        if code in seen:
            errors.append(
                CellError(
                    SHEET,
                    row.number,
                    HEADERS["code"],
                    _("code %(code)s already appears in row %(row)d")
                    % {"code": code, "row": seen[code]},
                )
            )
        seen[code] = row.number
        forms.append(form)
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        system = IndicatorSystem.objects.create(
            status=EditionStatus.DRAFT, source=_("imported from a workbook"), **meta
        )
        indicators = []
        for position, form in enumerate(forms, start=1):
            indicator = form.save(commit=False)
            indicator.system = system
            indicator.position = position
            indicators.append(indicator)
        Indicator.objects.bulk_create(indicators)
        EditionChange.objects.create(
            system=system, by=by, action="import", comment=str(len(indicators))
        )
    return system


def _read_meta(sheet, errors: list[CellError]) -> dict:
    values = {cell_text(r["项目"]): r for r in sheet.rows}
    meta: dict = {}
    for field, label in META.items():
        row = values.get(label)
        text = cell_text(row["内容"]) if row else ""
        number = row.number if row else None
        if field in ("code", "title", "document_number"):
            limit = IndicatorSystem._meta.get_field(field).max_length
            if problem := length_problem(text, limit):
                errors.append(CellError(sheet.name, number, "内容", problem))
        if field == "code":
            if not text:
                errors.append(
                    CellError(sheet.name, number, "内容", _("the edition code (代码) is required"))
                )
            elif IndicatorSystem.objects.filter(code=text).exists():
                errors.append(
                    CellError(
                        sheet.name,
                        number,
                        "内容",
                        _(
                            "an edition with code %(code)s exists already; "
                            "give the new edition its own code"
                        )
                        % {"code": text},
                    )
                )
        if field == "title" and not text:
            errors.append(CellError(sheet.name, number, "内容", _("the title (名称) is required")))
        if field == "issuer":
            reverse = {word: code for code, word in ISSUER_WORDS.items()}
            text = reverse.get(text, text)
            if text not in Issuer.values:
                errors.append(
                    CellError(
                        sheet.name, number, "内容", _("the issuer (发布层级) is 国家 or 省级")
                    )
                )
        if field == "effective_date":
            try:
                text = cell_date(row["内容"] if row else None)
            except ValueError:
                errors.append(
                    CellError(
                        sheet.name, number, "内容", _("the effective date is written as 2024-01-31")
                    )
                )
                text = None
        meta[field] = text
    return meta


# ---------------------------------------------------------------------------- mappings

MAPPING_SHEET = "对应关系"
MAPPING_HEADERS = ["原代码", "新代码", "变化类型", "备注"]
KIND_WORDS = {kind.value: str(kind.label) for kind in MappingKind}


def export_mapping(lines: list[MappingLine], notes: list[str]):
    rows = [
        [line.old, line.new, KIND_WORDS.get(line.kind, line.kind), note]
        for line, note in zip(lines, notes, strict=True)
    ]
    return build_workbook([(MAPPING_SHEET, MAPPING_HEADERS, rows)])


def read_mapping(upload) -> tuple[list[MappingLine], list[str]]:
    """The rows of a mapping workbook (kinds as words or codes). Structure and words are checked
    here; whether the rows account for both editions is checked by services.save_mapping."""
    sheets = read_table_file(upload, columns={MAPPING_SHEET: MAPPING_HEADERS})
    reverse = {word: code for code, word in KIND_WORDS.items()} | {c: c for c in KIND_WORDS}
    lines, notes, errors = [], [], []
    for row in sheets[MAPPING_SHEET].rows:
        word = cell_text(row["变化类型"])
        if word not in reverse:
            errors.append(
                CellError(
                    MAPPING_SHEET,
                    row.number,
                    "变化类型",
                    _("choose one of: %(kinds)s") % {"kinds": "、".join(KIND_WORDS.values())},
                )
            )
            continue
        lines.append(MappingLine(cell_text(row["原代码"]), cell_text(row["新代码"]), reverse[word]))
        notes.append(cell_text(row["备注"])[:200])
    if errors:
        raise ImportRejected(errors)
    return lines, notes
