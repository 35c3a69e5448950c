"""Department feeds: authoritative values a provincial department supplies for all zones."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecozone.core.tabular import CellError, ImportRejected
from ecozone.reporting import audit, permissions
from ecozone.reporting.checks import compute_flags, parse_input, plain
from ecozone.reporting.models import AnnualReport, ReportValue, ValueChange
from ecozone.reporting.queries import (
    dept_reported,
    previous_values,
    region_facts,
    reported,
    spec_of,
)
from ecozone.reporting.states import Channel


@dataclass
class DepartmentRow:
    row: int
    region_code: str
    indicator_code: str
    raw: dict[str, str]


SHEET = "部门数据"
COLUMNS = ["行政区划代码", "指标代码", "数值", "是否完成上级任务", "是/否", "状态"]


def supply_department_values(*, by, year: int, rows: list[DepartmentRow]) -> int:
    """Store a department's values for the zones of a year; all rows are checked first."""
    if not permissions.can_supply_department_values(by):
        raise PermissionDenied
    reports = {
        r.region.code: r
        for r in AnnualReport.objects.filter(year=year).select_related("region", "system")
    }
    errors: list[CellError] = []
    planned = []
    indicators_by_report: dict[int, dict] = {}
    for row in rows:
        report = reports.get(row.region_code)
        if report is None:
            errors.append(
                CellError(
                    SHEET,
                    row.row,
                    "行政区划代码",
                    _("no %(year)d report for region code “%(code)s”")
                    % {"year": year, "code": row.region_code},
                )
            )
            continue
        indicators = indicators_by_report.setdefault(
            report.pk, {i.code: i for i in report.system.indicators.all()}
        )
        indicator = indicators.get(row.indicator_code)
        if indicator is None:
            errors.append(
                CellError(
                    SHEET,
                    row.row,
                    "指标代码",
                    _("unknown indicator code “%(code)s”") % {"code": row.indicator_code},
                )
            )
            continue
        if not permissions.department_owns(by, indicator):
            errors.append(
                CellError(
                    SHEET,
                    row.row,
                    "指标代码",
                    _("%(code)s is not supplied by your department (data source: %(source)s)")
                    % {"code": indicator.code, "source": indicator.data_source},
                )
            )
            continue
        parsed = parse_input(spec_of(indicator), row.raw)
        columns = {"number": "数值", "task": "是否完成上级任务", "yes": "是/否", "state": "状态"}
        for name, message in parsed.errors.items():
            errors.append(CellError(SHEET, row.row, columns.get(name, ""), message))
        if not parsed.errors:
            planned.append((report, indicator, parsed))
    if errors:
        raise ImportRejected(errors)
    now = timezone.now()
    with transaction.atomic():
        # The reports' row locks, taken in key order as every writer of values takes them: a
        # filer's save or another feed waits instead of overwriting, racing get_or_create or
        # deadlocking; values and versions are read again under the lock.
        locked = {
            r.pk: r
            for r in AnnualReport.objects.select_for_update()
            .filter(pk__in={report.pk for report, _i, _p in planned})
            .select_related("region")
            .order_by("pk")
        }
        changes = []
        touched = {}
        for planned_report, indicator, parsed in planned:
            report = locked[planned_report.pk]
            value, _created = ReportValue.objects.get_or_create(report=report, indicator=indicator)
            new = {
                "dept_number": parsed.number,
                "dept_task": parsed.task,
                "dept_yes": parsed.yes,
                "dept_state": parsed.state,
            }
            diff = {}
            for name, target in new.items():
                current = getattr(value, name)
                if current != target:
                    diff[name] = [plain(current), plain(target)]
                    setattr(value, name, target)
            value.dept_organisation = by.organisation
            value.dept_at = now
            previous = previous_values(report).get(indicator.code)
            value.flags = compute_flags(
                spec_of(indicator),
                reported(value),
                reported(previous),
                dept_reported(value),
                region_facts(report.region),
            )
            value.save()
            if diff:
                touched[report.pk] = report
                changes.append(
                    ValueChange(
                        value=value,
                        report=report,
                        indicator_code=indicator.code,
                        report_version=report.version,
                        at=now,
                        by=by,
                        by_name=str(by),
                        channel=Channel.DEPARTMENT,
                        changes=diff,
                        reason=_("supplied by %(department)s")
                        % {"department": by.organisation.name},
                    )
                )
        audit.append(changes)
    return len(changes)
