"""Annual values to and from Excel: templates, uploads, filtered exports, department feeds."""

from __future__ import annotations

import contextlib
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.utils.translation import gettext as _

from ecozone.core.tabular import (
    CellError,
    ImportRejected,
    build_workbook,
    cell_int,
    cell_text,
    read_table_file,
)
from ecozone.indicators.rules import fmt
from ecozone.reporting import permissions
from ecozone.reporting.checks import flag_label, parse_input
from ecozone.reporting.department import COLUMNS as DEPT_COLUMNS
from ecozone.reporting.department import SHEET as DEPT_SHEET
from ecozone.reporting.department import DepartmentRow, supply_department_values
from ecozone.reporting.models import AnnualReport, ReportValue
from ecozone.reporting.queries import form_rows
from ecozone.reporting.services import (
    RowInput,
    StaleReport,
    editable_codes,
    save_values,
    would_change,
)
from ecozone.reporting.states import Channel

SHEET = "填报"
COLUMNS = [
    "行政区划代码",
    "行政区名称",
    "年份",
    "指标代码",
    "指标名称",
    "单位",
    "目标值",
    "上年数值",
    "数值",
    "是否完成上级任务",
    "是/否",
    "状态",
    "说明",
    "报告版本",
]
INPUT_COLUMNS = {"number": "数值", "task": "是否完成上级任务", "yes": "是/否", "state": "状态"}


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def _number(value) -> str:
    return "" if value is None else fmt(value)


def template_for(reports: list[AnnualReport]):
    """A workbook pre-filled with the current values of each report, one row per indicator."""
    rows = []
    for report in reports:
        for row in form_rows(report):
            value, last = row.value, row.previous
            rows.append(
                [
                    report.region.code,
                    report.region.name,
                    report.year,
                    row.indicator.code,
                    row.indicator.name,
                    row.indicator.unit,
                    row.indicator.target_text,
                    _number(last.number) if last else "",
                    _number(value.number) if value else "",
                    _yes_no(value.task) if value else "",
                    _yes_no(value.yes) if value else "",
                    value.state if value else "",
                    value.explanation if value else "",
                    report.version,
                ]
            )
    return build_workbook([(SHEET, COLUMNS, rows)])


def import_values(upload, *, by) -> int:
    """Write a filled template back; all rows are validated first, none written unless all pass."""
    sheets = read_table_file(
        upload, columns={SHEET: ["行政区划代码", "年份", "指标代码", "数值", "报告版本"]}
    )
    raw_rows = sheets[SHEET].rows
    errors: list[CellError] = []
    keys = set()
    for raw in raw_rows:
        with contextlib.suppress(ValueError):
            keys.add((cell_text(raw["行政区划代码"]), cell_int(raw["年份"])))
    reports = {
        (r.region.code, r.year): r
        for r in AnnualReport.objects.filter(
            region__code__in={k[0] for k in keys}, year__in={k[1] for k in keys}
        ).select_related("region", "system", "window")
    }
    batches: dict[int, list[RowInput]] = defaultdict(list)
    versions: dict[int, int] = {}
    specs: dict[int, dict] = {}
    seen: dict[tuple, int] = {}
    first_rows: dict[int, int] = {}  # report → its first row in the file, named in a conflict
    for raw in raw_rows:

        def bad(column: str, message: str, number: int = raw.number) -> None:
            errors.append(CellError(SHEET, number, column, message))

        code = cell_text(raw["行政区划代码"])
        try:
            year = cell_int(raw["年份"])
        except ValueError:
            bad("年份", _("the year is a whole number such as 2023"))
            continue
        report = reports.get((code, year))
        if report is None or not permissions.can_view_report(by, report):
            bad(
                "行政区划代码",
                _("no %(year)s report of region “%(code)s” within your scope")
                % {"year": year, "code": code},
            )
            continue
        if not permissions.can_write_values(by, report, Channel.EXCEL):
            bad(
                "行政区划代码",
                _("the %(year)d report of %(region)s is %(status)s and cannot be changed by you")
                % {
                    "year": year,
                    "region": report.region.name,
                    "status": report.get_status_display(),
                },
            )
            continue
        try:
            version = cell_int(raw["报告版本"])
        except ValueError:
            version = None
        if version != report.version:
            errors.append(_stale_error(raw.number, version, report.version))
            continue
        if report.pk not in specs:
            specs[report.pk] = {row.indicator.code: row for row in form_rows(report)}
        indicators = specs[report.pk]
        indicator_code = cell_text(raw["指标代码"])
        row = indicators.get(indicator_code)
        if row is None:
            bad(
                "指标代码",
                _("%(code)s is not an indicator of this report") % {"code": indicator_code},
            )
            continue
        key = (report.pk, indicator_code)
        if key in seen:
            bad(
                "指标代码",
                _("%(code)s already appears in row %(row)d")
                % {"code": indicator_code, "row": seen[key]},
            )
            continue
        seen[key] = raw.number
        inputs = {name: cell_text(raw[column]) for name, column in INPUT_COLUMNS.items()}
        parsed = parse_input(row.spec, inputs)
        for name, message in parsed.errors.items():
            bad(INPUT_COLUMNS.get(name, "数值"), message)
        if parsed.errors:
            continue
        editable = editable_codes(report)
        if editable is not None and indicator_code not in editable:
            if would_change(row.value, row.spec, inputs):
                bad(
                    "指标代码",
                    _("%(code)s was not returned and stays locked") % {"code": indicator_code},
                )
            continue
        versions[report.pk] = report.version
        batches[report.pk].append(RowInput(indicator_code, inputs, cell_text(raw["说明"])))
        first_rows.setdefault(report.pk, raw.number)
    if errors:
        raise ImportRejected(errors)
    with refused_when_busy():
        return _write_values(batches, versions, first_rows, by=by)


def _write_values(
    batches: dict[int, list[RowInput]], versions: dict[int, int], first_rows: dict[int, int], *, by
) -> int:
    """Write the checked rows. The versions checked above are checked again under the reports'
    row locks: a concurrent save between the two makes this import the loser, refused with the
    usual message and nothing written, never a server error."""
    changed = 0
    with transaction.atomic():
        # Every writer locks its reports in the order of their keys, then the audit head: two
        # imports of overlapping reports wait for each other instead of deadlocking.
        locked = list(
            AnnualReport.objects.select_for_update().filter(pk__in=batches).order_by("pk")
        )
        stale = [
            _stale_error(first_rows[r.pk], versions[r.pk], r.version)
            for r in locked
            if r.version != versions[r.pk]
        ]
        if stale:
            raise ImportRejected(stale)
        for report in locked:
            try:
                result = save_values(
                    report,
                    by=by,
                    rows=batches[report.pk],
                    version=versions[report.pk],
                    channel=Channel.EXCEL,
                    reason=_("Excel import"),
                )
            except StaleReport as exc:  # pragma: no cover - checked under the same lock above
                raise ImportRejected(
                    [_stale_error(first_rows[report.pk], versions[report.pk], exc.report.version)]
                ) from exc
            except ValidationError as exc:  # e.g. the window closed meanwhile
                raise ImportRejected(
                    [CellError(SHEET, first_rows[report.pk], None, m) for m in exc.messages]
                ) from exc
            if result.errors:  # pragma: no cover - every row was validated above
                raise ImportRejected(
                    [CellError(SHEET, None, None, f"{c}: {e}") for c, e in result.errors.items()]
                )
            changed += result.changed
    return changed


def _stale_error(row: int, old: int | None, new: int) -> CellError:
    return CellError(
        SHEET,
        row,
        "报告版本",
        _(
            "the report changed since this file was downloaded "
            "(version %(old)s, now %(new)d); download a new template"
        )
        % {"old": old if old is not None else "—", "new": new},
    )


@contextlib.contextmanager
def refused_when_busy():
    """SQLite lets one writer in at a time and makes the others wait (the `timeout` option);
    one that waited too long is refused like an invalid file, with nothing written."""
    try:
        yield
    except OperationalError as exc:
        if "locked" not in str(exc):
            raise
        raise ImportRejected(
            [CellError("", None, None, _("The database is busy; nothing was imported. Try again."))]
        ) from exc


def export_values(values) -> object:
    header = [
        "行政区划代码",
        "行政区名称",
        "年份",
        "报告状态",
        "指标代码",
        "指标名称",
        "单位",
        "数值",
        "是否完成上级任务",
        "是/否",
        "状态",
        "说明",
        "提示",
        "部门数值",
    ]
    rows = []
    for v in values:
        rows.append(
            [
                v.report.region.code,
                v.report.region.name,
                v.report.year,
                v.report.get_status_display(),
                v.indicator.code,
                v.indicator.name,
                v.indicator.unit,
                _number(v.number),
                _yes_no(v.task),
                _yes_no(v.yes),
                v.state,
                v.explanation,
                "、".join(flag_label(f) for f in v.flags),
                _number(v.dept_number) if v.dept_at else "",
            ]
        )
    return build_workbook([("指标数值", header, rows)])


def department_template(*, user, year: int):
    reports = (
        AnnualReport.objects.filter(year=year)
        .select_related("region", "system")
        .order_by("region__code")
    )
    rows = []
    for report in reports:
        for indicator in report.system.indicators.all():
            if permissions.department_owns(user, indicator):
                rows.append([report.region.code, indicator.code, "", "", "", ""])
    return build_workbook([(DEPT_SHEET, DEPT_COLUMNS, rows)])


def import_department_values(upload, *, by, year: int) -> int:
    sheets = read_table_file(upload, columns={DEPT_SHEET: ["行政区划代码", "指标代码"]})
    rows = [
        DepartmentRow(
            raw.number,
            cell_text(raw["行政区划代码"]),
            cell_text(raw["指标代码"]),
            {
                "number": cell_text(raw["数值"]),
                "task": cell_text(raw["是否完成上级任务"]),
                "yes": cell_text(raw["是/否"]),
                "state": cell_text(raw["状态"]),
            },
        )
        for raw in sheets[DEPT_SHEET].rows
    ]
    with refused_when_busy():
        return supply_department_values(by=by, year=year, rows=rows)


def values_for_export(user, *, year=None, city=None, indicator_code: str = "", status: str = ""):
    from django.db.models import Q

    from ecozone.accounts.permissions import in_scope

    values = in_scope(
        user,
        ReportValue.objects.select_related("report", "report__region", "indicator"),
        "report__region",
    )
    if year:
        values = values.filter(report__year=year)
    if city is not None:
        values = values.filter(Q(report__region=city) | Q(report__region__parent=city))
    if indicator_code:
        values = values.filter(indicator__code=indicator_code)
    if status:
        values = values.filter(report__status=status)
    return values.order_by("report__year", "report__region__code", "indicator__position")
