"""Reproducing published results: from their stored inputs, and from the locked values now.

What must reproduce is what was decided: totals, parts, stars, the rules triggered, and every
indicator's verdicts, scores, weights and points. The reason texts are explanations written in the
language active when the card was computed, so they are not compared. Stored inputs are compared
with a fresh read on what scoring reads (results stored by earlier versions also kept values the
scoring never used)."""

from __future__ import annotations

from ecozone.ratings import engine
from ecozone.ratings.inputs import zone_inputs
from ecozone.ratings.models import Reexamination
from ecozone.ratings.serialization import (
    build_input,
    card_to_json,
    indicator_defs,
    input_to_json,
    region_of,
)
from ecozone.ratings.states import CampaignStatus


def decided(card: dict) -> dict:
    """A score card without its reason texts."""
    return {
        **card,
        "rules": [{"code": r["code"], "effect": r["effect"]} for r in card["rules"]],
        "indicators": [
            {
                **item,
                "years": {
                    year: {"verdict": y["verdict"], "score": y["score"]}
                    for year, y in item["years"].items()
                },
            }
            for item in card["indicators"]
        ],
    }


def scored_values(inputs: dict) -> dict:
    """The stored values that scoring reads (`engine.years_read`)."""
    region = region_of(inputs["region"])
    definitions = {d.code: d for d in indicator_defs(inputs["indicators"])}
    kept = {}
    for code, years in inputs["values"].items():
        if code not in definitions:
            continue
        read = {str(y) for y in engine.years_read(definitions[code], region, inputs["period"])}
        if chosen := {year: value for year, value in years.items() if year in read}:
            kept[code] = chosen
    return {**inputs, "values": kept}


def verify_published() -> tuple[int, list[tuple[Reexamination, str]]]:
    """(number of published results, [(result, what differs)])."""
    zones = list(
        Reexamination.objects.filter(
            campaign__status=CampaignStatus.PUBLISHED, excluded_at__isnull=True
        ).select_related("campaign__scheme", "designation__region__parent")
    )
    problems = []
    by_campaign: dict[int, list[Reexamination]] = {}
    for zone in zones:
        by_campaign.setdefault(zone.campaign_id, []).append(zone)
        stored = zone.inputs
        settings = engine.SchemeSettings.from_dict(stored["scheme_settings"])
        data = build_input(stored, indicator_defs(stored["indicators"]), settings)
        card = card_to_json(engine.compute(data))
        if decided(card) != decided(zone.card):
            problems.append((zone, "stored inputs give a different card"))
        elif str(zone.total) != card["total"] or zone.stars != card["stars"]:
            problems.append((zone, "total or stars differ from the card"))
    for members in by_campaign.values():
        for zone in changed_inputs(members[0].campaign, members):
            problems.append((zone, "the locked values or inputs changed since publication"))
    return len(zones), problems


def changed_inputs(campaign, zones: list[Reexamination]) -> list[Reexamination]:
    """The zones (of one campaign) whose stored inputs differ from a fresh read of what scoring
    reads now: locked values, expert scores, approved features, recorded items."""
    if not zones:
        return []
    fresh = zone_inputs(zones, engine.SchemeSettings.from_dict(campaign.scheme.settings))
    changed = []
    for zone in zones:
        data, edition = fresh[zone.pk]
        now = input_to_json(
            data,
            edition=edition,
            scheme_code=campaign.scheme.code,
            scheme_settings=campaign.scheme.settings,
        )
        if scored_values(now) != scored_values(zone.inputs):
            changed.append(zone)
    return changed
