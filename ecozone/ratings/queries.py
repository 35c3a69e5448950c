"""Reads of ratings: results in scope, a campaign's history. The early warning lives in
`ratings.warning` and `ratings.advice`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.core.models import LedgerEntry

# Moved to ratings.advice (issue 12); importable from here as before.
from ecozone.ratings.advice import Step as Step
from ecozone.ratings.advice import WarningRow as WarningRow
from ecozone.ratings.advice import _advise as _advise
from ecozone.ratings.models import Campaign, Reexamination
from ecozone.ratings.states import HISTORY_LABELS, CampaignStatus


@dataclass(frozen=True)
class HistoryRow:
    at: datetime.datetime
    by_name: str
    kind: str
    label: str
    detail: str


def _history_detail(payload: dict) -> str:
    parts = [
        payload.get("region"),
        payload.get("expert_name"),
        payload.get("title"),
        payload.get("code"),
        " ".join(f"{k} {v}" for k, v in (payload.get("scores") or {}).items()),
        payload.get("reason"),
        payload.get("outcome"),
    ]
    if "results" in payload:
        parts.append(_("%(n)d zones") % {"n": len(payload["results"])})
    return " · ".join(str(part) for part in parts if part)


def campaign_history(campaign: Campaign, *, limit: int = 100) -> list[HistoryRow]:
    """The campaign's decisions, newest first, from the ledger (one query)."""
    entries = LedgerEntry.objects.filter(
        object_type=Campaign._meta.label_lower, object_id=str(campaign.pk)
    ).order_by("-pk")[:limit]
    return [
        HistoryRow(
            at=entry.at,
            by_name=entry.by_name,
            kind=entry.kind,
            label=str(HISTORY_LABELS.get(entry.kind, entry.kind)),
            detail=_history_detail(entry.payload),
        )
        for entry in entries
    ]


def can_view_result(user, zone: Reexamination) -> bool:
    if permissions.is_province_admin(user) or permissions.is_department(user):
        return True
    if zone.campaign.status != CampaignStatus.PUBLISHED:
        return False
    return permissions.can_view_region(user, zone.designation.region)


def results_for(user, campaign):
    zones = campaign.zones.select_related("designation__region__parent", "designation__programme")
    if permissions.is_province_admin(user) or permissions.is_department(user):
        return zones
    if campaign.status != CampaignStatus.PUBLISHED:
        return zones.none()
    return permissions.in_scope(user, zones, "designation__region")
