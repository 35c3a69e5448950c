"""Whether a zone's re-examination can have a result (SPEC §7.1): every year of its period accepted
and locked, the Part B expert scores the scheme requires, every feature item decided. A zone that
is not ready is *incomplete* — it gets no star class, and missing data is never scored as a failure.

`Readiness` is plain data; `campaign_readiness` reads it for every zone of a campaign in three
queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ecozone.ratings.engine import SchemeSettings
from ecozone.ratings.models import Campaign, ExpertAssignment, FeatureItem, Reexamination
from ecozone.ratings.states import ItemStatus
from ecozone.reporting.models import AnnualReport
from ecozone.reporting.states import ReportStatus


@dataclass(frozen=True)
class Readiness:
    period: tuple[int, ...]
    accepted: tuple[int, ...]  # years of the period whose report is accepted (locked)
    experts_done: int  # submitted expert assessments
    experts_required: int
    features_undecided: int

    @property
    def missing_years(self) -> tuple[int, ...]:
        return tuple(year for year in self.period if year not in self.accepted)

    @property
    def experts_missing(self) -> int:
        return max(0, self.experts_required - self.experts_done)

    @property
    def complete(self) -> bool:
        return not self.problems()

    def problems(self) -> list[str]:
        """What keeps the zone from a result, in words (empty when complete)."""
        found = []
        if not self.period:
            found.append(_("its period has no reporting year"))
        if self.missing_years:
            found.append(
                _("years not accepted and locked: %(years)s")
                % {"years": "、".join(str(y) for y in self.missing_years)}
            )
        if self.experts_missing:
            found.append(
                ngettext(
                    "%(n)d more expert assessment needed (%(done)d of %(required)d submitted)",
                    "%(n)d more expert assessments needed (%(done)d of %(required)d submitted)",
                    self.experts_missing,
                )
                % {
                    "n": self.experts_missing,
                    "done": self.experts_done,
                    "required": self.experts_required,
                }
            )
        if self.features_undecided:
            found.append(
                ngettext(
                    "%(n)d feature item not decided",
                    "%(n)d feature items not decided",
                    self.features_undecided,
                )
                % {"n": self.features_undecided}
            )
        return found


def zones_readiness(zones: list[Reexamination], *, experts_required: int) -> dict[int, Readiness]:
    """Readiness of each zone (by primary key), whatever their number, in three queries."""
    if not zones:
        return {}
    regions = {z.designation.region_id for z in zones}
    years = {y for z in zones for y in z.period}
    accepted: dict[int, set[int]] = defaultdict(set)
    for region_id, year in AnnualReport.objects.filter(
        region_id__in=regions, year__in=years, status=ReportStatus.ACCEPTED
    ).values_list("region_id", "year"):
        accepted[region_id].add(year)
    ids = [z.pk for z in zones]
    done = dict(
        ExpertAssignment.objects.filter(zone_id__in=ids)
        .values("zone_id")
        .annotate(n=Count("pk", filter=Q(submitted_at__isnull=False)))
        .values_list("zone_id", "n")
    )
    undecided = dict(
        FeatureItem.objects.filter(zone_id__in=ids, status=ItemStatus.PENDING)
        .values("zone_id")
        .annotate(n=Count("pk"))
        .values_list("zone_id", "n")
    )
    result = {}
    for zone in zones:
        period = tuple(zone.period)
        result[zone.pk] = Readiness(
            period=period,
            accepted=tuple(y for y in period if y in accepted[zone.designation.region_id]),
            experts_done=done.get(zone.pk, 0),
            experts_required=experts_required,
            features_undecided=undecided.get(zone.pk, 0),
        )
    return result


def campaign_readiness(campaign: Campaign) -> dict[int, Readiness]:
    """Readiness of every zone of the campaign that is not excluded."""
    zones = list(
        campaign.zones.filter(excluded_at__isnull=True).select_related("designation__region")
    )
    return zones_readiness(
        zones, experts_required=SchemeSettings.from_dict(campaign.scheme.settings).experts_required
    )
