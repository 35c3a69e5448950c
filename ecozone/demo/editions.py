"""A provincial catalogue edition for the demonstration, its mapping from N19, and 2024.

浙江省 2023 (演示) is derived from N19: a few stricter targets, two renumbered rows and one new
row. It is marked as demonstration data and is not an official catalogue. The demo's 2024 reports
are accepted for every zone holding a title; 湖州市 and two of its districts report on the
provincial edition, the others stay on N19 (the province moves more zones when it opens 2025).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from ecozone.designations.models import Designation
from ecozone.indicators import services as catalogue
from ecozone.indicators.mapping import carried, propose
from ecozone.indicators.models import Indicator, IndicatorSystem, Issuer
from ecozone.reporting import audit
from ecozone.reporting.checks import compute_flags, plain
from ecozone.reporting.models import (
    AnnualReport,
    ReportEvent,
    ReportingYear,
    ReportValue,
    ValueChange,
)
from ecozone.reporting.queries import region_facts, reported, spec_of

CODE = "ZJ23"
TITLE = "浙江省生态文明建设示范区建设指标（2023，演示）"
STRICTER = {"N19-12a": (">=98", "≥98"), "N19-26": (">=85", "≥85")}
RENUMBERED = {"N19-25b": ("ZJ23-25b", ">=80", "≥80"), "N19-33": ("ZJ23-33", ">=55", "≥55")}
NEW_ROW = {
    "code": "ZJ23-41",
    "number": "41",
    "domain": "生态文化",
    "task": "(十二)观念意识普及",
    "name": "城镇生活垃圾分类覆盖率（演示新增）",
    "unit": "%",
    "attribute": "reference",
    "kind": "process",
    "scope": "both",
    "value_type": "percent",
    "target_text": "≥95",
    "rule": ">=95",
    "data_source": "住房城乡建设部门",
    "verified": "no",
}
ON_PROVINCIAL_2024 = ("330500", "330502", "330503")  # 湖州市, 吴兴区, 南浔区
YEAR = 2024


def load_provincial_edition(*, publish: bool = True) -> str:
    """ZJ23 and its mapping from N19, published (or left as drafts for the province to publish)."""
    if IndicatorSystem.objects.filter(code=CODE).exists():
        return "provincial edition: present"
    n19 = IndicatorSystem.objects.get(code="N19")
    edition = catalogue.copy_edition(n19, code=CODE, title=TITLE, by=None)
    edition.issuer = Issuer.PROVINCIAL
    edition.document_number = ""
    edition.effective_date = datetime.date(2023, 1, 1)
    edition.source = "演示数据：由 N19 派生，非官方目录"
    edition.save()
    for indicator in edition.indicators.all():
        if indicator.code in STRICTER:
            indicator.rule, indicator.target_text = STRICTER[indicator.code]
        elif indicator.code in RENUMBERED:
            indicator.code, indicator.rule, indicator.target_text = RENUMBERED[indicator.code]
        else:
            continue
        indicator.save()
    last = edition.indicators.order_by("-position").first()
    Indicator.objects.create(system=edition, position=last.position + 1, **NEW_ROW)
    lines = propose(
        list(n19.indicators.values_list("code", "name")),
        list(edition.indicators.values_list("code", "name")),
    )
    mapping = catalogue.save_mapping(source=n19, target=edition, lines=lines, by=None)
    if publish:
        catalogue.transition_edition(edition, action="publish", by=None, comment="演示数据")
        catalogue.publish_mapping(mapping, by=None)
    kinds = sorted({line.kind for line in lines})
    return f"provincial edition: {CODE} with a mapping from N19 ({', '.join(kinds)})"


def load_year_2024(provincial_regions: tuple[str, ...] = ON_PROVINCIAL_2024) -> str:
    """Accepted 2024 reports for every zone, copied forward from 2023 (a new row at 96 %);
    the regions named report on the provincial edition."""
    if ReportingYear.objects.filter(year=YEAR).exists():
        return f"{YEAR}: present"
    previous = {
        r.region_id: r
        for r in AnnualReport.objects.filter(year=YEAR - 1).select_related("region", "system")
    }
    if not previous:
        return f"{YEAR}: no {YEAR - 1} reports to continue"
    n19 = IndicatorSystem.objects.get(code="N19")
    provincial = IndicatorSystem.objects.filter(code=CODE).first() or n19
    lines = propose(
        list(n19.indicators.values_list("code", "name")),
        list(provincial.indicators.values_list("code", "name")),
    )
    old_of = carried(lines)
    window = ReportingYear.objects.create(
        year=YEAR,
        opens_on=datetime.date(YEAR + 1, 1, 10),
        deadline=datetime.date(YEAR + 1, 3, 31),
        locks_on=datetime.date(YEAR + 1, 6, 30),
    )
    accepted = datetime.datetime(YEAR + 1, 4, 20, 10, tzinfo=datetime.UTC)
    holding = set(Designation.objects.holding().values_list("region_id", flat=True))
    reports = []
    for region_id, last in sorted(previous.items()):
        if region_id not in holding:
            continue
        code = last.region.code
        edition = provincial if code in provincial_regions else n19
        reports.append(
            AnnualReport(
                window=window,
                year=YEAR,
                region=last.region,
                system=edition,
                status="accepted",
                version=1,
                status_changed_at=accepted,
                submitted_at=accepted - datetime.timedelta(days=30),
                accepted_at=accepted,
            )
        )
    AnnualReport.objects.bulk_create(reports)
    last_values: dict[int, dict[str, ReportValue]] = {}
    for value in ReportValue.objects.filter(report__year=YEAR - 1).select_related("indicator"):
        last_values.setdefault(value.report.region_id, {})[value.indicator.code] = value
    values = []
    for report in reports:
        facts = region_facts(report.region)
        before = last_values.get(report.region_id, {})
        on_provincial = report.system_id == provincial.pk
        for indicator in (provincial if on_provincial else n19).indicators.all():
            spec = spec_of(indicator)
            old = before.get(old_of.get(indicator.code, "") if on_provincial else indicator.code)
            value = ReportValue(report=report, indicator=indicator)
            if old is not None:
                value.number, value.task, value.yes, value.state = (
                    old.number,
                    old.task,
                    old.yes,
                    old.state,
                )
            elif indicator.code == NEW_ROW["code"]:
                value.number = Decimal("96")
            else:
                continue  # not applicable to this region
            value.flags = compute_flags(spec, reported(value), reported(old), None, facts)
            if value.flags:
                value.explanation = (old.explanation if old else "") or "经核实，数据真实。"
            values.append(value)
    ReportValue.objects.bulk_create(values, batch_size=2000)
    audit.append(
        [
            ValueChange(
                value=value,
                report=value.report,
                indicator_code=value.indicator.code,
                report_version=1,
                at=datetime.datetime(YEAR + 1, 3, 15, 9, tzinfo=datetime.UTC),
                by=None,
                by_name="演示数据",
                channel="system",
                changes={
                    name: [None, plain(getattr(value, name))]
                    for name in ("number", "task", "yes", "state", "explanation")
                    if getattr(value, name) not in (None, "")
                },
                reason="演示数据",
            )
            for value in values
        ]
    )
    ReportEvent.objects.bulk_create(
        ReportEvent(
            report=report, action=action, from_status=old, to_status=new, comment="演示数据"
        )
        for report in reports
        for action, old, new in (
            ("open", "", "draft"),
            ("submit", "draft", "submitted"),
            ("province_accept", "submitted", "accepted"),
        )
    )
    moved = sum(r.system_id == provincial.pk for r in reports)
    return f"{YEAR}: {len(reports)} accepted reports ({moved} on {CODE}), {len(values)} values"
