"""What an expert scoring a zone's Part B sees of the zone (its basis): the indicator results of
the period, the evidence files of the period's reports, and what the zone says of its own work.

The indicator results come from the stored score card when the zone was computed (with the values
and rules stored beside it), else they are judged now by the engine from the accepted values, as
the computation would. Nothing here shows another expert's scores: the card's Part B is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecozone.indicators.models import Indicator
from ecozone.indicators.rules import Reported, Verdict, describe_target, fmt
from ecozone.ratings import engine
from ecozone.ratings.inputs import zone_inputs
from ecozone.ratings.models import FeatureItem, Reexamination
from ecozone.ratings.serialization import build_input, card_to_json, indicator_defs
from ecozone.reporting.models import AnnualReport, Evidence, ReportValue
from ecozone.reporting.states import ReportStatus

VERDICT_LABELS = {
    Verdict.MET: gettext_lazy("met"),
    Verdict.NOT_MET: gettext_lazy("not met"),
    Verdict.NOT_APPLICABLE: gettext_lazy("not applicable"),
    Verdict.MISSING: gettext_lazy("no value reported"),
}


@dataclass(frozen=True)
class YearResult:
    year: int
    answer: str  # the figure or answer filed, in words; "" when none was
    target: str  # what the rule asks of this zone that year
    verdict: str  # an indicators.rules.Verdict value; "" for a year not accepted yet
    reason: str

    @property
    def verdict_label(self) -> str:
        if not self.verdict:
            return _("not yet accepted")
        return str(VERDICT_LABELS.get(self.verdict, self.verdict))


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    name: str
    binding: bool
    years: tuple[YearResult, ...]


@dataclass(frozen=True)
class IndicatorBasis:
    computed: bool  # read from the stored card (True) or judged now on the accepted years
    rows: tuple[IndicatorResult, ...]  # the indicators that apply to the zone
    not_accepted: tuple[int, ...] = ()  # years judged on nothing yet (when not computed)


def indicator_basis(zone: Reexamination, scheme: engine.SchemeSettings) -> IndicatorBasis:
    """The zone's result per applicable indicator and period year."""
    from_card = zone.computed_at is not None and bool(zone.card) and bool(zone.inputs)
    if from_card:
        stored = zone.inputs
        data = build_input(
            stored,
            indicator_defs(stored["indicators"]),
            engine.SchemeSettings.from_dict(stored["scheme_settings"]),
        )
        edition = stored["edition"]
        card = zone.card
        not_accepted: tuple[int, ...] = ()
    else:
        if not zone.period:
            return IndicatorBasis(computed=False, rows=())
        data, edition = zone_inputs([zone], scheme, with_items=False)[zone.pk]
        card = card_to_json(engine.compute(data))
        accepted = set(
            AnnualReport.objects.filter(
                region_id=zone.designation.region_id,
                year__in=zone.period,
                status=ReportStatus.ACCEPTED,
            ).values_list("year", flat=True)
        )
        not_accepted = tuple(y for y in zone.period if y not in accepted)
    units = dict(Indicator.objects.filter(system__code=edition).values_list("code", "unit"))
    judged = {row["code"]: row for row in card.get("indicators", [])}
    rows = []
    for definition in data.indicators:
        row = judged.get(definition.code)
        if row is None or not row["applicable"]:
            continue
        rules = dict(definition.by_year)
        values = data.values.get(definition.code, {})
        years = []
        for year in data.period:
            rule = rules.get(year, definition.rule)
            verdict = row["years"].get(str(year), {})
            pending = year in not_accepted
            years.append(
                YearResult(
                    year=year,
                    answer=answer_text(values.get(year), units.get(definition.code, "")),
                    target=describe_target(rule, data.region)
                    if rule is not None
                    else _("not in the catalogue edition of that year"),
                    verdict="" if pending else verdict.get("verdict", ""),
                    reason="" if pending else verdict.get("reason", ""),
                )
            )
        rows.append(
            IndicatorResult(
                definition.code,
                definition.name,
                definition.attribute == "binding",
                tuple(years),
            )
        )
    return IndicatorBasis(
        computed=from_card,
        rows=tuple(rows),
        not_accepted=not_accepted,
    )


def answer_text(value: Reported | None, unit: str = "") -> str:
    """What a zone filed for one indicator and year, as a person reads it."""
    if value is None:
        return ""
    parts = []
    if value.number is not None:
        parts.append(f"{fmt(value.number)} {unit}".strip())
    if value.task is not None:
        parts.append(
            _("higher-level task completed") if value.task else _("higher-level task not completed")
        )
    if value.yes is not None:
        parts.append(_("yes") if value.yes else _("no"))
    if value.state:
        parts.append(value.state)
    return "；".join(parts)


def zone_evidence(zone: Reexamination) -> QuerySet[Evidence]:
    """The evidence files of the zone's reports for the period years."""
    return (
        Evidence.objects.filter(
            value__report__region_id=zone.designation.region_id,
            value__report__year__in=list(zone.period),
        )
        .select_related("value__report", "value__indicator")
        .order_by("value__report__year", "value__indicator__position", "uploaded_at", "pk")
    )


@dataclass(frozen=True)
class SelfReport:
    """What the zone writes about its own work: there is no report-level self-report, so it is
    the feature items it submitted and the explanations it gave with its annual values."""

    features: list[FeatureItem]
    explanations: list[ReportValue]


def self_report(zone: Reexamination) -> SelfReport:
    return SelfReport(
        features=list(zone.features.order_by("pk")),
        explanations=list(
            ReportValue.objects.filter(
                report__region_id=zone.designation.region_id,
                report__year__in=list(zone.period),
            )
            .exclude(explanation="")
            .select_related("report", "indicator")
            .order_by("report__year", "indicator__position")
        ),
    )
