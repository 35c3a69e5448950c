"""Reproducing published results: from their stored inputs, and from the locked values now."""

from __future__ import annotations

from ecozone.ratings import engine
from ecozone.ratings.inputs import zone_inputs
from ecozone.ratings.models import Reexamination
from ecozone.ratings.serialization import build_input, card_to_json, indicator_defs, input_to_json
from ecozone.ratings.states import CampaignStatus


def verify_published() -> tuple[int, list[str]]:
    zones = list(
        Reexamination.objects.filter(campaign__status=CampaignStatus.PUBLISHED).select_related(
            "campaign__scheme", "designation__region__parent"
        )
    )
    problems = []
    by_campaign: dict[int, list[Reexamination]] = {}
    for zone in zones:
        by_campaign.setdefault(zone.campaign_id, []).append(zone)
        stored = zone.inputs
        settings = engine.SchemeSettings.from_dict(stored["scheme_settings"])
        data = build_input(stored, indicator_defs(stored["indicators"]), settings)
        card = card_to_json(engine.compute(data))
        if card != zone.card:
            problems.append(
                f"{zone.designation.region.code} {zone.campaign.title}: "
                "stored inputs give a different card"
            )
        elif str(zone.total) != card["total"] or zone.stars != card["stars"]:
            problems.append(
                f"{zone.designation.region.code} {zone.campaign.title}: "
                "total or stars differ from the card"
            )
    for members in by_campaign.values():
        campaign = members[0].campaign
        fresh = zone_inputs(members, engine.SchemeSettings.from_dict(campaign.scheme.settings))
        for zone in members:
            data, edition = fresh[zone.pk]
            now = input_to_json(
                data,
                edition=edition,
                scheme_code=campaign.scheme.code,
                scheme_settings=campaign.scheme.settings,
            )
            if now != zone.inputs:
                problems.append(
                    f"{zone.designation.region.code} {campaign.title}: "
                    "the locked values or inputs changed since publication"
                )
    return len(zones), problems
