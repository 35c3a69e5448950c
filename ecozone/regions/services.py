"""Writes to regions: attribute edits by the province admin and imports of region files."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from ecozone.accounts.services import ensure_region_organisation
from ecozone.core.tabular import (
    CellError,
    ImportRejected,
    cell_text,
    length_problem,
    read_table_file,
)
from ecozone.regions.models import Level, Region, RegionChange, Terrain

ATTRIBUTES = ("terrain", "coastal", "mountain_county")


def update_region_attributes(
    region: Region,
    *,
    by,
    terrain: str,
    coastal: bool,
    mountain_county: bool,
    reason: str = "",
) -> RegionChange | None:
    """Change the classification attributes; records old → new, or nothing when unchanged."""
    new = {"terrain": terrain, "coastal": coastal, "mountain_county": mountain_county}
    changes = {
        name: [getattr(region, name), value]
        for name, value in new.items()
        if getattr(region, name) != value
    }
    if not changes:
        return None
    with transaction.atomic():
        for name, (_old, value) in changes.items():
            setattr(region, name, value)
        region.save(update_fields=list(changes))
        return RegionChange.objects.create(region=region, by=by, changes=changes, reason=reason)


# ---------------------------------------------------------------------------- import

SHEET = "行政区"
COLUMNS = {
    "code": "代码",
    "name": "名称",
    "level": "级别",
    "parent": "上级代码",
    "terrain": "地形",
    "coastal": "沿海",
    "mountain_county": "山区县",
}
LEVELS = {
    "province": "province",
    "省": "province",
    "city": "city",
    "市": "city",
    "county": "county",
    "县": "county",
}
YES = {"是", "yes", "y", "1", "true"}
NO = {"否", "no", "n", "0", "false", ""}
CODE = re.compile(r"^\d{6}$")


@dataclass
class RegionRow:
    row: int
    code: str
    name: str
    level: str
    parent_code: str
    terrain: str
    coastal: bool
    mountain_county: bool


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int


def import_regions(upload, *, by, source: str) -> ImportSummary:
    """Add or correct regions from a workbook or CSV. All rows are checked before any write."""
    sheets = read_table_file(
        upload,
        columns={SHEET: [COLUMNS["code"], COLUMNS["name"], COLUMNS["level"], COLUMNS["parent"]]},
        allow_csv=True,
    )
    rows, errors = _parse_rows(sheets[SHEET].rows)
    existing = {
        r.code: r
        for r in Region.objects.filter(
            code__in=[r.code for r in rows] + [r.parent_code for r in rows]
        )
    }
    levels = {code: region.level for code, region in existing.items()}
    levels.update({r.code: r.level for r in rows})
    for row in rows:
        errors += _check_row(row, existing.get(row.code), levels)
    if errors:
        raise ImportRejected(errors)
    return _write(rows, existing, by=by, source=source)


def _parse_rows(raw_rows) -> tuple[list[RegionRow], list[CellError]]:
    rows, errors, seen = [], [], {}
    for raw in raw_rows:
        row_errors = []

        def bad(column: str, message: str, number=raw.number, sink=row_errors) -> None:
            sink.append(CellError(SHEET, number, COLUMNS[column], message))

        code = cell_text(raw[COLUMNS["code"]])
        if not CODE.match(code):
            bad("code", _("a region code is 6 digits, got “%(value)s”") % {"value": code})
        elif code in seen:
            bad(
                "code",
                _("code %(code)s already appears in row %(row)d")
                % {"code": code, "row": seen[code]},
            )
        else:
            seen[code] = raw.number
        name = cell_text(raw[COLUMNS["name"]])
        if not name:
            bad("name", _("the name is required"))
        elif problem := length_problem(name, Region._meta.get_field("name").max_length):
            bad("name", problem)
        level = LEVELS.get(cell_text(raw[COLUMNS["level"]]).lower())
        if level is None:
            bad("level", _("the level must be 省, 市 or 县 (province, city, county)"))
        parent = cell_text(raw[COLUMNS["parent"]])
        terrain = cell_text(raw[COLUMNS["terrain"]])
        if terrain not in Terrain.values and terrain:
            bad("terrain", _("the terrain must be 山区, 丘陵 or 平原, or left empty"))
        flags = {}
        for column in ("coastal", "mountain_county"):
            text = cell_text(raw[COLUMNS[column]]).lower()
            if text not in YES | NO:
                bad(column, _("answer 是 or 否"))
            flags[column] = text in YES
        if row_errors:
            errors += row_errors
            continue
        rows.append(RegionRow(raw.number, code, name, level, parent, terrain, **flags))
    return rows, errors


def _check_row(row: RegionRow, current: Region | None, levels: dict[str, str]) -> list[CellError]:
    def bad(column: str, message: str) -> list[CellError]:
        return [CellError(SHEET, row.row, COLUMNS[column], message)]

    if current is not None:
        if current.level != row.level:
            return bad(
                "level",
                _("region %(code)s exists as a %(level)s; the level cannot change")
                % {"code": row.code, "level": current.get_level_display()},
            )
        current_parent = current.parent.code if current.parent_id else ""
        if current_parent != row.parent_code:
            return bad(
                "parent",
                _("region %(code)s exists under %(parent)s; the parent cannot change")
                % {"code": row.code, "parent": current_parent or "—"},
            )
    expected_parent_level = {"province": None, "city": "province", "county": "city"}[row.level]
    if row.level == "province":
        if not row.code.endswith("0000"):
            return bad("code", _("a province code ends in 0000"))
        if row.parent_code:
            return bad("parent", _("a province has no parent"))
    else:
        if row.level == "city" and (not row.code.endswith("00") or row.code.endswith("0000")):
            return bad("code", _("a city code ends in 00 (but not 0000)"))
        if row.level == "county" and row.code.endswith("00"):
            return bad("code", _("a county code does not end in 00"))
        if not row.parent_code:
            return bad("parent", _("the parent code is required"))
        if levels.get(row.parent_code) is None:
            return bad(
                "parent",
                _("parent %(code)s is neither in the file nor in the system")
                % {"code": row.parent_code},
            )
        if levels[row.parent_code] != expected_parent_level:
            return bad(
                "parent",
                _("the parent of a %(level)s must be a %(parent)s")
                % {"level": Level(row.level).label, "parent": Level(expected_parent_level).label},
            )
        prefix = 2 if row.level == "city" else 4
        if row.code[:prefix] != row.parent_code[:prefix]:
            return bad(
                "code",
                _("code %(code)s does not start with its parent's prefix %(prefix)s")
                % {"code": row.code, "prefix": row.parent_code[:prefix]},
            )
    return []


def _write(rows: list[RegionRow], existing: dict[str, Region], *, by, source: str) -> ImportSummary:

    created = updated = 0
    order = {"province": 0, "city": 1, "county": 2}
    with transaction.atomic():
        for row in sorted(rows, key=lambda r: order[r.level]):
            region = existing.get(row.code)
            if region is None:
                parent = (
                    existing.get(row.parent_code)
                    or Region.objects.filter(code=row.parent_code).first()
                )
                region = Region.objects.create(
                    code=row.code,
                    name=row.name,
                    level=row.level,
                    parent=parent,
                    terrain=row.terrain,
                    coastal=row.coastal,
                    mountain_county=row.mountain_county,
                    source=source,
                )
                existing[row.code] = region
                ensure_region_organisation(region)
                created += 1
                continue
            changes = {
                name: [getattr(region, name), getattr(row, name)]
                for name in ("name", *ATTRIBUTES)
                if getattr(region, name) != getattr(row, name)
            }
            if changes:
                for name, (_old, value) in changes.items():
                    setattr(region, name, value)
                region.source = source
                region.save()
                RegionChange.objects.create(
                    region=region,
                    by=by,
                    changes=changes,
                    reason=_("imported from %(source)s") % {"source": source},
                )
                updated += 1
    return ImportSummary(created=created, updated=updated)
