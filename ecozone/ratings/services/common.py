"""Shared by the re-examination services: the scheme's settings, the campaign's history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ecozone.core import ledger
from ecozone.ratings import engine
from ecozone.ratings.models import (
    Campaign,
    Reexamination,
    Scheme,
)
from ecozone.ratings.states import (
    CampaignStatus,
)


def settings_of(scheme: Scheme) -> engine.SchemeSettings:
    return engine.SchemeSettings.from_dict(scheme.settings)


def _record(campaign: Campaign, /, *, kind: str, by, **facts) -> None:
    """The re-examination's history: one ledger entry about the campaign per decision, in the
    caller's transaction (the campaign page reads them back by campaign). `facts` are plain
    JSON: ids, region codes, states, scores as text."""
    ledger.append(kind=f"ratings.{kind}", obj=campaign, payload=facts, by=by)


def _zone_facts(zone: Reexamination) -> dict:
    return {"zone": zone.pk, "region": zone.designation.region.code}


def _require_preparing(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.PUBLISHED:
        raise ValidationError(_("The campaign is published; its inputs cannot change."))
    if campaign.status == CampaignStatus.WITHDRAWN:
        raise ValidationError(_("The campaign was withdrawn; its inputs cannot change."))
