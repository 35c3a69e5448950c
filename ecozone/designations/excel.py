"""Rosters of designations to and from Excel (the same columns both ways)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from ecozone.core.tabular import (
    CellError,
    ImportRejected,
    build_workbook,
    cell_date,
    cell_int,
    cell_text,
    length_problem,
    read_table_file,
)
from ecozone.designations.models import Designation, Programme
from ecozone.designations.services import get_or_create_batch, name_designation
from ecozone.designations.states import HOLDING
from ecozone.regions.models import Region

SHEET = "命名名单"
COLUMNS = ["行政区划代码", "行政区名称", "称号", "批次年份", "批次", "命名日期", "命名文号"]
EXPORT_COLUMNS = [*COLUMNS, "所属设区市", "状态", "星级"]


def export_roster(designations) -> object:
    rows = [
        (
            d.region.code,
            d.region.name,
            d.programme.short_name,
            d.batch.year,
            d.batch.number,
            d.named_on.isoformat(),
            d.document_number,
            d.region.parent.name
            if d.region.parent_id and d.region.level == "county"
            else d.region.name,
            d.get_status_display(),
            d.stars if d.stars is not None else "",
        )
        for d in designations
    ]
    return build_workbook([(SHEET, EXPORT_COLUMNS, rows)])


@dataclass
class RosterRow:
    row: int
    region: Region
    programme: Programme
    year: int
    batch: int
    named_on: date
    document_number: str


def import_roster(upload, *, by) -> int:
    """Name every region listed; all rows are validated first and written in one transaction."""
    sheets = read_table_file(upload, columns={SHEET: [c for c in COLUMNS if c != "行政区名称"]})
    raw_rows = sheets[SHEET].rows
    regions = {
        r.code: r
        for r in Region.objects.filter(code__in=[cell_text(r["行政区划代码"]) for r in raw_rows])
    }
    programmes = {}
    for programme in Programme.objects.all():
        programmes.update(
            {programme.code: programme, programme.short_name: programme, programme.name: programme}
        )
    holding = set(
        Designation.objects.filter(status__in=HOLDING).values_list("region__code", "programme_id")
    )
    errors: list[CellError] = []
    rows: list[RosterRow] = []
    seen: dict[tuple[str, int], int] = {}
    batch_years: dict[tuple[int, int], tuple[int, int]] = {}
    for raw in raw_rows:
        row_errors: list[CellError] = []

        def bad(column: str, message: str, number: int = raw.number, sink=row_errors) -> None:
            sink.append(CellError(SHEET, number, column, message))

        code = cell_text(raw["行政区划代码"])
        region = regions.get(code)
        if region is None:
            bad("行政区划代码", _("unknown region code “%(code)s”") % {"code": code})
        elif not region.is_creation_unit:
            bad("行政区划代码", _("%(name)s is not a city or county") % {"name": region.name})
        else:
            name = cell_text(raw["行政区名称"])
            if name and name != region.name:
                bad(
                    "行政区名称",
                    _("code %(code)s is %(name)s, not “%(given)s”")
                    % {"code": code, "name": region.name, "given": name},
                )
        programme = programmes.get(cell_text(raw["称号"]))
        if programme is None:
            bad(
                "称号",
                _("unknown title; use one of: %(names)s")
                % {"names": "、".join(p.short_name for p in Programme.objects.all())},
            )
        year = batch = None
        try:
            year = cell_int(raw["批次年份"])
            if year is None or not 1990 <= year <= 2100:
                raise ValueError
        except ValueError:
            bad("批次年份", _("the year is a whole number such as 2023"))
        try:
            batch = cell_int(raw["批次"])
            if batch is None or batch < 1:
                raise ValueError
        except ValueError:
            bad("批次", _("the batch is a whole number from 1"))
        try:
            named_on = cell_date(raw["命名日期"])
            if named_on is None:
                raise ValueError
        except ValueError:
            named_on = None
            bad("命名日期", _("the naming date is written as 2023-12-31"))
        if region is not None and programme is not None:
            key = (region.code, programme.pk)
            if key in seen:
                bad(
                    "行政区划代码",
                    _("%(name)s is listed for this title in row %(row)d already")
                    % {"name": region.name, "row": seen[key]},
                )
            elif key in holding:
                bad("行政区划代码", _("%(name)s already holds this title") % {"name": region.name})
            seen[key] = raw.number
        if programme is not None and year is not None and batch is not None:
            known = batch_years.setdefault((programme.pk, batch), (year, raw.number))
            existing = programme.batches.filter(number=batch).values_list("year", flat=True).first()
            if known[0] != year:
                bad(
                    "批次年份",
                    _("batch %(batch)d is dated %(year)d in row %(row)d")
                    % {"batch": batch, "year": known[0], "row": known[1]},
                )
            elif existing is not None and existing != year:
                bad(
                    "批次年份",
                    _("batch %(batch)d of this title is the batch of %(year)d")
                    % {"batch": batch, "year": existing},
                )
        document_number = cell_text(raw["命名文号"])
        limit = Designation._meta.get_field("document_number").max_length
        if problem := length_problem(document_number, limit):
            bad("命名文号", problem)
        if row_errors:
            errors += row_errors
            continue
        rows.append(
            RosterRow(raw.number, region, programme, year, batch, named_on, document_number)
        )
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        for row in rows:
            batch_obj = get_or_create_batch(
                programme=row.programme,
                year=row.year,
                number=row.batch,
                named_on=row.named_on,
                document_number=row.document_number,
            )
            name_designation(
                region=row.region,
                programme=row.programme,
                batch=batch_obj,
                named_on=row.named_on,
                document_number=row.document_number,
                by=by,
                reason=_("roster import"),
            )
    return len(rows)
