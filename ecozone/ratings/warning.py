"""The early warning (SPEC §7.3): every live zone's provisional rating for the next campaign, on
the years accepted so far, under the scheme the province chose. Results are stored
(`ProvisionalResult`) and refreshed in the background when what they depend on changes; pages
and the API read the stored rows and never score on a request."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Min, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.core import ledger
from ecozone.core.flags import set_flag
from ecozone.core.models import SiteFlag
from ecozone.designations.models import Designation, DesignationEvent
from ecozone.indicators.models import EditionChange, EditionMapping
from ecozone.ratings import engine
from ecozone.ratings.advice import _advise
from ecozone.ratings.inputs import period_for, zone_inputs
from ecozone.ratings.models import ProvisionalResult, Reexamination, Scheme
from ecozone.ratings.states import SchemeStatus
from ecozone.regions.models import RegionChange
from ecozone.reporting.models import (
    AnnualReport,
    ReportEvent,
    ReportingYear,
    ReportingYearChange,
    ValueChange,
)
from ecozone.reporting.states import ReportStatus

PROGRAMME = "provincial"
SCHEME_FLAG = "early-warning-scheme"  # pk of the scheme the province chose for the next campaign
COMPUTED_FLAG = "early-warning-computed"  # "<data version> <computed at>" of the stored rows
QUEUED_FLAG = "early-warning-queued"  # "<data version> <queued at>" of the last refresh queued
# A refresh queued this long ago and still not stored lost its worker: it may be queued again.
REQUEUE_AFTER = datetime.timedelta(minutes=10)


# ---------------------------------------------------------------------------- the scheme


def published_schemes() -> QuerySet[Scheme]:
    return Scheme.objects.filter(status=SchemeStatus.PUBLISHED).order_by(
        F("published_at").desc(nulls_last=True), "-pk"
    )


def chosen_scheme() -> Scheme | None:
    """The published scheme the province chose for the next campaign, else the newest one.
    Read from the database, not the flag cache: each process must see the same choice, or two
    of them would keep queueing refreshes for two schemes."""
    chosen = SiteFlag.objects.filter(name=SCHEME_FLAG).values_list("value", flat=True).first()
    schemes = published_schemes()
    if chosen and chosen.isdigit():
        found = schemes.filter(pk=int(chosen)).first()
        if found is not None:
            return found
    return schemes.first()


def choose_scheme(*, scheme: Scheme, by) -> Scheme:
    """The province chooses the scheme of the next campaign; the warning is refreshed for it."""
    if not permissions.is_province_admin(by):
        raise PermissionDenied
    if scheme.status != SchemeStatus.PUBLISHED:
        raise ValidationError(_("Only a published scheme can be chosen."))
    flag = SiteFlag.objects.filter(name=SCHEME_FLAG).values_list("value", flat=True).first()
    if flag == str(scheme.pk):
        return scheme
    before = chosen_scheme()
    with transaction.atomic():
        set_flag(SCHEME_FLAG, str(scheme.pk))
        ledger.append(
            kind="ratings.warning.scheme_chosen",
            obj=scheme,
            payload={"scheme": scheme.code, "from": before.code if before else ""},
            by=by,
        )
        if before != scheme:  # (the newest scheme chosen explicitly changes no result)
            transaction.on_commit(lambda: request_refresh(data_version(scheme)))
    return scheme


# ---------------------------------------------------------------------------- the period


def next_campaign() -> tuple[int | None, int | None]:
    """(the next campaign's year, the first reporting year): the campaign follows the latest
    reporting year the province opened; None when no year was ever opened."""
    years = ReportingYear.objects.aggregate(first=Min("year"), last=Max("year"))
    if years["last"] is None:
        return None, None
    return years["last"] + 1, years["first"]


# ---------------------------------------------------------------------------- data version

_VERSION_PARTS = (
    (ReportEvent, "MAX"),
    (ValueChange, "MAX"),
    (DesignationEvent, "MAX"),
    (ReportingYear, "COUNT"),
    (ReportingYear, "MAX"),
    (ReportingYearChange, "MAX"),
    (EditionMapping, "MAX"),
    (EditionChange, "MAX"),  # editions and mappings published, the default edition changed
    (RegionChange, "MAX"),  # a region's level or coast decides which indicators apply
)


def data_version(scheme: Scheme) -> str:
    """A fingerprint of what the results depend on, in one query of cheap aggregates: every
    history table only grows, so its largest id changes with each change it records."""
    quote = connection.ops.quote_name
    # Table and column names come from the models, nothing from a user.
    parts = [
        f"(SELECT {kind}({quote(model._meta.pk.column)}) FROM {quote(model._meta.db_table)})"  # noqa: S608
        for model, kind in _VERSION_PARTS
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    text = "|".join(str(v) for v in (*row, scheme.pk))
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _flag(name: str) -> tuple[str, datetime.datetime] | None:
    return _parse(SiteFlag.objects.filter(name=name).values_list("value", flat=True).first())


def _parse(value: str | None) -> tuple[str, datetime.datetime] | None:
    """(data version, time) from a flag's "<version> <iso time>"."""
    version, _sep, at = (value or "").partition(" ")
    try:
        return version, datetime.datetime.fromisoformat(at)
    except ValueError:
        return None


# ---------------------------------------------------------------------------- refresh


def refresh_provisional(*, scheme: Scheme) -> int:
    """Compute every live zone's provisional result under `scheme` and replace the stored rows,
    in one transaction; returns the number of rows stored."""
    version = data_version(scheme)  # before reading: a change while computing leaves it stale
    now = timezone.now()
    with translation.override(django_settings.LANGUAGE_CODE):  # stored texts are in Chinese
        rows = _compute(scheme, version=version, now=now)
    with transaction.atomic():
        SiteFlag.objects.get_or_create(name=COMPUTED_FLAG)
        # Two refreshes at once (two workers) write one after the other.
        SiteFlag.objects.select_for_update().get(name=COMPUTED_FLAG)
        ProvisionalResult.objects.all().delete()
        ProvisionalResult.objects.bulk_create(rows, batch_size=500)
        SiteFlag.objects.filter(name=COMPUTED_FLAG).update(value=f"{version} {now.isoformat()}")
    return len(rows)


def refresh_chosen() -> int:
    """The background task's work: refresh for the scheme chosen at the time it runs."""
    scheme = chosen_scheme()
    return 0 if scheme is None else refresh_provisional(scheme=scheme)


def _compute(scheme: Scheme, *, version: str, now) -> list[ProvisionalResult]:
    settings = engine.SchemeSettings.from_dict(scheme.settings)
    campaign_year, first_year = next_campaign()
    live = Designation.objects.holding().filter(programme__code=PROGRAMME)
    designations = list(live.select_related("region").order_by("region__code"))
    periods = {
        d.pk: []
        if campaign_year is None
        else period_for(
            d,
            campaign_year=campaign_year,
            years=settings.period_years,
            first_reporting_year=first_year,
        )
        for d in designations
    }
    wanted = {y for period in periods.values() for y in period}
    accepted = set(
        AnnualReport.objects.filter(
            status=ReportStatus.ACCEPTED, year__in=wanted, region__in=live.values("region_id")
        ).values_list("region_id", "year")
    )

    def stored(d, **fields) -> ProvisionalResult:
        return ProvisionalResult(
            designation=d, scheme=scheme, data_version=version, computed_at=now, **fields
        )

    rows, zones = {}, []
    for d in designations:
        period = periods[d.pk]
        judged = [y for y in period if (d.region_id, y) in accepted]
        unfiled = [y for y in period if (d.region_id, y) not in accepted]
        if campaign_year is None:
            note = _("No reporting year has been opened yet.")
        elif not period:
            note = _("Named in %(year)d: no complete reporting year yet.") % {
                "year": d.named_on.year
            }
        elif not judged:
            note = _("No report of the period is accepted yet: nothing to judge.")
        else:
            zones.append(Reexamination(designation=d, period=judged))
            note = ""
        rows[d.pk] = stored(d, period=period, judged_years=judged, unfiled_years=unfiled, note=note)
    if zones:
        _score(zones, settings, rows)
    return list(rows.values())


def _score(zones: list[Reexamination], settings: engine.SchemeSettings, rows: dict) -> None:
    """Score the zones on their accepted years; Part B at the scheme's provisional share of its
    maximum and Part C at 0 until the experts and the province have scored."""
    inputs = zone_inputs(zones, settings, accepted_only=True, with_items=False)
    step = settings.score_step
    work = {
        w.code: (
            (w.maximum * settings.provisional_part_b_share / step).quantize(Decimal(1)) * step,
        )
        for w in settings.work_items
    }
    provisional = [replace(inputs[-position - 1][0], work=work) for position in range(len(zones))]
    cards = engine.compute_all(provisional)
    for zone, card, data in zip(zones, cards, provisional, strict=True):
        row = rows[zone.designation.pk]
        row.total, row.stars = card.total, card.stars
        row.advice = _advise(zone.designation, card, data, settings).advice()


# ---------------------------------------------------------------------------- queue


def request_refresh(version: str) -> bool:
    """Queue a refresh unless one for this version is queued already (and not lost); True if
    queued now. The immediate backend of tests runs it here and now."""
    from ecozone.ratings.tasks import refresh_provisional_task

    now = timezone.now()
    old = SiteFlag.objects.filter(name=QUEUED_FLAG).values_list("value", flat=True).first()
    queued = _parse(old)
    if queued is not None and queued[0] == version and now - queued[1] < REQUEUE_AFTER:
        return False
    value = f"{version} {now.isoformat()}"
    # Compare and swap: of two requests at once, only the one that changed the flag queues.
    if old is None:
        try:
            with transaction.atomic():
                SiteFlag.objects.create(name=QUEUED_FLAG, value=value)
        except IntegrityError:
            return False
    elif not SiteFlag.objects.filter(name=QUEUED_FLAG, value=old).update(value=value):
        return False
    refresh_provisional_task.enqueue()
    return True


# ---------------------------------------------------------------------------- reads


@dataclass
class WarningState:
    scheme: Scheme | None
    rows: QuerySet[ProvisionalResult]
    campaign_year: int | None = None
    computed_at: datetime.datetime | None = None
    stale: bool = False  # the data changed since the stored rows were computed
    pending: bool = False  # nothing stored yet


def warning_state(user) -> WarningState:
    """The stored results in the user's scope (not yet evaluated: filter and page them), and
    whether they are current; queues a refresh when they are not."""
    results = ProvisionalResult.objects.select_related("designation__region__parent", "scheme")
    rows = permissions.in_scope(user, results, "designation__region")
    scheme = chosen_scheme()
    if scheme is None:
        return WarningState(scheme=None, rows=rows.none())
    current = data_version(scheme)
    stored = _flag(COMPUTED_FLAG)
    if (stored is None or stored[0] != current) and request_refresh(current):
        stored = _flag(COMPUTED_FLAG)  # the immediate backend has refreshed already
    campaign_year, _first = next_campaign()
    return WarningState(
        scheme=scheme,
        rows=rows if stored is not None else rows.none(),
        campaign_year=campaign_year,
        computed_at=stored[1] if stored else None,
        stale=stored is not None and stored[0] != current,
        pending=stored is None,
    )


def filtered(rows: QuerySet, *, city=None, stars: str = "") -> QuerySet:
    """Rows of a city (the city itself and its counties) and of a provisional star class
    ("none": no provisional rating)."""
    if city is not None:
        rows = rows.filter(Q(designation__region=city) | Q(designation__region__parent=city))
    if stars == "none":
        rows = rows.filter(stars__isnull=True)
    elif stars.isdigit():
        rows = rows.filter(stars=int(stars))
    return rows


def result_json(result: ProvisionalResult, *, stale: bool) -> dict:
    """A stored result in the API's shape (the keys of the first version, then the new ones)."""
    region = result.designation.region
    advice = result.advice or {}
    return {
        "region_code": region.code,
        "region_name": region.name,
        "period": result.period,
        "provisional_total": None if result.total is None else str(result.total),
        "provisional_stars": result.stars,
        "rating": None if result.stars is None else engine.RATING_LABELS[result.stars],
        "rules": advice.get("rules", []),
        "costing_points": advice.get("costing_points", []),
        "next_stars": advice.get("next_stars"),
        "points_needed": advice.get("points_needed"),
        "to_reach_next": advice.get("to_reach_next", []),
        "must_meet": advice.get("must_meet", []),
        "recorded_items": advice.get("recorded_items", []),
        "judged_years": result.judged_years,
        "unfiled_years": result.unfiled_years,
        "note": result.note,
        "scheme": result.scheme.code,
        "scheme_title": result.scheme.title,
        "computed_at": result.computed_at,
        "stale": stale,
    }
