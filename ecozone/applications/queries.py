"""Reads for creation applications: scope, the self-assessment, blind views for experts."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ecozone.accounts import permissions
from ecozone.applications.models import Application, ReviewSettings
from ecozone.indicators.models import Indicator
from ecozone.indicators.rules import Evaluation, Verdict, applies_to, evaluate, parse_rule
from ecozone.reporting.models import ReportValue
from ecozone.reporting.queries import region_facts, reported


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

    def as_json(self) -> dict:
        return {
            "passes": self.passes,
            "met_share": str(self.met_share),
            "reference_share": str(self.reference_share),
            "failing_binding": [r.indicator.code for r in self.failing_binding],
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


def diff_since(snapshot: dict, current: dict) -> list[dict]:
    """What changed in the self-assessment between two rounds (for the re-review)."""
    before, after = snapshot.get("values", {}), current.get("values", {})
    changes = []
    for code in sorted(set(before) | set(after)):
        old, new = before.get(code, {}), after.get(code, {})
        if old != new:
            changes.append({"code": code, "old": old, "new": new})
    return changes
