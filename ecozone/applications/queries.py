"""Reads for creation applications: scope, the self-assessment, blind views for experts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.applications.models import Application, ReviewSettings
from ecozone.applications.states import LIVE_ASSESSMENT, VERDICT_LABELS
from ecozone.indicators.models import Indicator
from ecozone.indicators.rules import Evaluation, Verdict, applies_to, evaluate, fmt, parse_rule
from ecozone.reporting.models import AnnualReport, ReportValue
from ecozone.reporting.queries import region_facts, reported
from ecozone.reporting.states import ReportStatus


def settings() -> ReviewSettings:
    return ReviewSettings.objects.get_or_create(pk=1)[0]


def applications_for(user):
    apps = Application.objects.select_related("region__parent", "programme", "system")
    if permissions.is_province_admin(user) or permissions.is_department(user):
        return apps
    return permissions.in_scope(user, apps, "region")


@dataclass
class AssessmentRow:
    indicator: Indicator
    value: ReportValue | None
    evaluation: Evaluation | None

    @property
    def met(self) -> bool:
        return self.evaluation is not None and self.evaluation.verdict == Verdict.MET


@dataclass
class Compliance:
    rows: list[AssessmentRow] = field(default_factory=list)
    failing_binding: list[AssessmentRow] = field(default_factory=list)
    reference_met: int = 0
    reference_total: int = 0
    required_share: Decimal = Decimal("0.8")

    @property
    def reference_share(self) -> Decimal:
        if not self.reference_total:
            return Decimal(1)
        return (Decimal(self.reference_met) / self.reference_total).quantize(
            Decimal("0.001"), rounding=ROUND_HALF_UP
        )

    @property
    def met_share(self) -> Decimal:
        applicable = [
            r
            for r in self.rows
            if r.evaluation is None or r.evaluation.verdict != Verdict.NOT_APPLICABLE
        ]
        if not applicable:
            return Decimal(0)
        return (Decimal(sum(r.met for r in applicable)) / len(applicable)).quantize(
            Decimal("0.001"), rounding=ROUND_HALF_UP
        )

    @property
    def passes(self) -> bool:
        return not self.failing_binding and self.reference_share >= self.required_share

    def as_json(self, report: AnnualReport | None = None) -> dict:
        """Everything the application is judged on, as stored in its snapshot (decision 0009).

        "values" keeps the shape the review rounds compare (diff_since); "rows" adds what a page
        shows, so a snapshot is read back without the live catalogue or reports.
        """
        return {
            "passes": self.passes,
            "met_share": str(self.met_share),
            "reference_share": str(self.reference_share),
            "required_share": str(self.required_share),
            "reference_met": self.reference_met,
            "reference_total": self.reference_total,
            "failing_binding": [r.indicator.code for r in self.failing_binding],
            "report": {
                "id": report.pk,
                "year": report.year,
                "version": report.version,
                "status": report.status,
            }
            if report is not None
            else None,
            "rows": [
                {
                    "code": r.indicator.code,
                    "name": r.indicator.name,
                    "domain": r.indicator.domain,
                    "attribute": r.indicator.attribute,
                    "number": str(r.value.number)
                    if r.value and r.value.number is not None
                    else None,
                    "task": r.value.task if r.value else None,
                    "yes": r.value.yes if r.value else None,
                    "state": r.value.state if r.value else "",
                    "verdict": r.evaluation.verdict.value if r.evaluation else "missing",
                    "reason": r.evaluation.reason if r.evaluation else "",
                }
                for r in self.rows
            ],
            "values": {
                r.indicator.code: {
                    "value": str(r.value.number)
                    if r.value and r.value.number is not None
                    else None,
                    "task": r.value.task if r.value else None,
                    "state": r.value.state if r.value else "",
                    "verdict": r.evaluation.verdict.value if r.evaluation else "missing",
                }
                for r in self.rows
            },
        }


def self_assessment(application: Application) -> Compliance:
    """The region's own annual values of the base year (the same records, not a copy), judged."""
    facts = region_facts(application.region)
    values = {
        v.indicator.code: v
        for v in ReportValue.objects.filter(
            report__region=application.region, report__year=application.base_year
        ).select_related("indicator")
    }
    previous = {
        v.indicator.code: v
        for v in ReportValue.objects.filter(
            report__region=application.region, report__year=application.base_year - 1
        ).select_related("indicator")
    }
    result = Compliance(required_share=settings().reference_share)
    for indicator in application.system.indicators.all():
        if not applies_to(indicator.scope, indicator.condition, facts):
            continue
        value = values.get(indicator.code)
        evaluation = evaluate(
            parse_rule(indicator.rule),
            reported(value),
            reported(previous.get(indicator.code)),
            facts,
        )
        if evaluation.verdict == Verdict.NOT_APPLICABLE:
            continue
        row = AssessmentRow(indicator, value, evaluation)
        result.rows.append(row)
        if indicator.attribute == "binding" and not row.met:
            result.failing_binding.append(row)
        if indicator.attribute == "reference":
            result.reference_total += 1
            result.reference_met += row.met
    return result


# ---------------------------------------------------------------------------- the snapshot


@dataclass(frozen=True)
class AssessedIndicator:
    code: str
    name: str
    domain: str
    attribute: str


@dataclass(frozen=True)
class AssessedRow:
    """One indicator of an assessment as stored: the figure and the verdict of that moment."""

    indicator: AssessedIndicator
    number: Decimal | None
    task: bool | None
    yes: bool | None
    state: str
    verdict: str
    reason: str

    @property
    def met(self) -> bool:
        return self.verdict == Verdict.MET

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS.get(self.verdict, self.verdict))

    @property
    def shown(self) -> str:
        """The reported value as people read it: 93.2 · task completed, yes, 正在推进, —."""
        parts = []
        if self.number is not None:
            parts.append(fmt(self.number))
        if self.task is not None:
            parts.append(_("task completed") if self.task else _("task not completed"))
        if self.yes is not None:
            parts.append(_("yes") if self.yes else _("no"))
        if self.state:
            parts.append(self.state)
        return " · ".join(parts) or "—"


@dataclass(frozen=True)
class Assessment:
    """The self-assessment a page shows: the frozen snapshot, or the live values before it."""

    rows: list[AssessedRow]
    passes: bool
    met_share: Decimal
    reference_share: Decimal
    required_share: Decimal
    frozen: bool
    assessed_at: datetime.datetime | None = None
    report_version: int | None = None
    report_status: str = ""

    @property
    def report_status_label(self) -> str:
        if self.report_status in ReportStatus.values:
            return str(ReportStatus(self.report_status).label)
        return self.report_status

    @property
    def failing_binding(self) -> list[AssessedRow]:
        return [r for r in self.rows if r.indicator.attribute == "binding" and not r.met]

    @property
    def missing(self) -> list[AssessedRow]:
        return [r for r in self.rows if r.verdict == Verdict.MISSING]


def _decimal(text) -> Decimal | None:
    return None if text is None else Decimal(text)


def read_assessment(
    data: dict,
    *,
    frozen: bool,
    system=None,
    assessed_at: datetime.datetime | None = None,
) -> Assessment:
    """An assessment from its stored JSON (Compliance.as_json).

    Snapshots written before "rows" existed hold only codes and verdicts under "values": their
    names come from the application's edition (`system`) and their reasons are not known.
    """
    if "rows" in data:
        rows = [
            AssessedRow(
                AssessedIndicator(r["code"], r["name"], r["domain"], r["attribute"]),
                _decimal(r["number"]),
                r["task"],
                r["yes"],
                r["state"],
                r["verdict"],
                r["reason"],
            )
            for r in data["rows"]
        ]
    else:
        indicators = {i.code: i for i in system.indicators.all()} if system is not None else {}
        rows = []
        for code, stored in data.get("values", {}).items():
            indicator = indicators.get(code)
            rows.append(
                AssessedRow(
                    AssessedIndicator(
                        code,
                        indicator.name if indicator else "",
                        indicator.domain if indicator else "",
                        indicator.attribute if indicator else "",
                    ),
                    _decimal(stored.get("value")),
                    stored.get("task"),
                    None,
                    stored.get("state") or "",
                    stored.get("verdict", Verdict.MISSING),
                    "",
                )
            )
    report = data.get("report") or {}
    return Assessment(
        rows=rows,
        passes=bool(data.get("passes")),
        met_share=Decimal(data.get("met_share", "0")),
        reference_share=Decimal(data.get("reference_share", "0")),
        required_share=Decimal(data.get("required_share", str(settings().reference_share))),
        frozen=frozen,
        assessed_at=assessed_at,
        report_version=report.get("version"),
        report_status=report.get("status", ""),
    )


def is_frozen(application: Application) -> bool:
    return application.status not in LIVE_ASSESSMENT and bool(application.compliance)


def assessment_data(application: Application) -> dict:
    """The JSON of what the application is judged on: its snapshot once submitted."""
    if is_frozen(application):
        return application.compliance
    return self_assessment(application).as_json()


def assessment(application: Application) -> Assessment:
    """What pages, PDFs and the API show: the snapshot taken at the last submission, or, while
    the applicant still holds the application (draft, returned), the live annual values."""
    frozen = is_frozen(application)
    return read_assessment(
        assessment_data(application),
        frozen=frozen,
        system=application.system,
        assessed_at=application.assessed_at if frozen else None,
    )


def diff_since(snapshot: dict, current: dict) -> list[dict]:
    """What changed in the self-assessment between two rounds (for the re-review)."""
    before, after = snapshot.get("values", {}), current.get("values", {})
    changes = []
    for code in sorted(set(before) | set(after)):
        old, new = before.get(code, {}), after.get(code, {})
        if old != new:
            changes.append({"code": code, "old": old, "new": new})
    return changes
