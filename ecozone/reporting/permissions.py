"""Who may do what with annual reports, on top of the scope predicates in accounts.permissions."""

from __future__ import annotations

from ecozone.accounts.models import Role
from ecozone.accounts.permissions import (
    can_view_region,
    home_region,
    is_expert,
    is_province_admin,
    role_of,
)
from ecozone.reporting.states import EDITABLE, TRANSITIONS, Action, Actor


def can_view_report(user, report) -> bool:
    return can_view_region(user, report.region)


# The states of a re-examination campaign whose experts are at work (ratings.states.
# CampaignStatus; ratings sits below reporting and is not imported here, its tests pin them).
ASSESSING_CAMPAIGNS = ("preparing", "computed")


def assesses_report(user, report) -> bool:
    """An expert assigned to the report's region in a re-examination campaign still open, whose
    period holds the report's year (the expert reads the zone's evidence to score its work).
    Read through the assignments' relation name, as conflicts.py reads the expert's profile."""
    if not is_expert(user):
        return False
    periods = user.rating_assignments.filter(
        zone__designation__region_id=report.region_id,
        zone__campaign__status__in=ASSESSING_CAMPAIGNS,
    ).values_list("zone__period", flat=True)
    return any(report.year in period for period in periods)


def can_download_evidence(user, evidence) -> bool:
    """Whoever may see the report, and the experts assessing its region for that year."""
    report = evidence.value.report
    return can_view_report(user, report) or assesses_report(user, report)


def actors(user, report) -> set[str]:
    """The parts a user plays for this report: filer, checking city, province."""
    found = set()
    home = home_region(user)
    if home is not None and home.pk == report.region_id:
        found.add(Actor.FILER)
    if role_of(user) == Role.CITY and home is not None and report.region.parent_id == home.pk:
        found.add(Actor.CITY)
    if is_province_admin(user):
        found.add(Actor.PROVINCE)
    return found


def allowed_actions(user, report) -> list[str]:
    mine = actors(user, report)
    is_city_report = report.region.level == "city"
    allowed = []
    for state, action, actor, _next in TRANSITIONS:
        if state != report.status or actor not in mine or action == Action.UNLOCK:
            continue
        if action in (Action.CITY_ACCEPT, Action.CITY_RETURN) and is_city_report:
            continue
        if (
            action in (Action.PROVINCE_ACCEPT, Action.PROVINCE_RETURN)
            and state == "submitted"
            and not is_city_report
        ):
            continue
        allowed.append(action)
    return allowed


def can_edit_values(user, report) -> bool:
    return Actor.FILER in actors(user, report) and report.status in EDITABLE


def can_write_values(user, report, channel: str) -> bool:
    """The filer writes through any channel; the province may import a workbook on a region's
    behalf (e.g. entering historical data), which the audit trail records under its own name."""
    if report.status not in EDITABLE:
        return False
    return Actor.FILER in actors(user, report) or (is_province_admin(user) and channel == "excel")


def can_request_unlock(user, report) -> bool:
    return Actor.FILER in actors(user, report) and report.status == "accepted"


def can_decide_unlock(user) -> bool:
    return is_province_admin(user)


def can_open_years(user) -> bool:
    return is_province_admin(user)


def can_view_board(user) -> bool:
    return role_of(user) in {Role.PROVINCE_ADMIN, Role.DEPARTMENT, Role.CITY}


def can_supply_department_values(user) -> bool:
    return role_of(user) == Role.DEPARTMENT and bool(
        user.organisation and user.organisation.data_source_keyword
    )


def department_owns(user, indicator) -> bool:
    keyword = user.organisation.data_source_keyword if user.organisation_id else ""
    return bool(keyword) and keyword in indicator.data_source
