"""The incentive entitlements as an Excel workbook (the list page's rows, filtered as shown)."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl import Workbook

from ecozone.core.tabular import build_workbook
from ecozone.ratings.models import Entitlement

SHEET = "激励措施"
COLUMNS = [
    "行政区划代码",
    "示范区",
    "所属设区市",
    "星级",
    "激励措施",
    "起始年度",
    "截止年度",
    "复核批次",
    "状态",
]


def city_of(entitlement: Entitlement) -> str:
    region = entitlement.designation.region
    return region.parent.name if region.level == "county" and region.parent_id else region.name


def export_entitlements(entitlements: Iterable[Entitlement]) -> Workbook:
    # build_workbook strips control characters and writes "=…" as text, never as a formula.
    rows = (
        (
            e.designation.region.code,
            e.designation.region.name,
            city_of(e),
            e.stars,
            e.measure,
            e.first_year,
            e.last_year,
            e.campaign.title,
            e.get_status_display(),
        )
        for e in entitlements
    )
    return build_workbook([(SHEET, COLUMNS, rows)])
