from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ecozone.accounts import permissions


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def navigation_for(user, path: str) -> list[NavItem]:
    """The menu a user sees, by role (each entry also guarded by its view's permission)."""
    if not getattr(user, "is_authenticated", False):
        entries = [
            (_("Home"), "home"),
            (_("City comparison"), "compare"),
            (_("Zones"), "zones"),
            (_("Public notices"), "notices"),
            (_("Typical cases"), "cases"),
        ]
        urls = [(label, reverse(name)) for label, name in entries]
        return [NavItem(str(label), url, url == path) for label, url in urls]
    entries = [(_("My to-do"), "accounts:todo")]
    if permissions.can_list_regions(user):
        entries.append((_("Applications"), "applications:list"))
        entries.append((_("Annual reports"), "reporting:list"))
    if permissions.can_list_regions(user) or permissions.is_expert(user):
        entries.append((_("Re-examination"), "ratings:campaigns"))
    if permissions.can_list_regions(user):
        entries.append((_("Incentive measures"), "ratings:incentives"))
    if permissions.is_province_admin(user) or permissions.role_of(user) in ("city", "department"):
        entries.append((_("Task books"), "taskbooks:list"))
    if permissions.can_view_designations(user):
        entries.append((_("Designations"), "designations:roster"))
    if permissions.is_province_admin(user) or permissions.home_region(user) is not None:
        entries.append((_("Typical cases"), "casebook:list"))
    if permissions.can_list_regions(user):
        entries.append((_("Regions"), "regions:list"))
    if permissions.can_view_catalogues(user):
        entries.append((_("Indicator catalogues"), "indicators:list"))
    if permissions.can_manage_accounts(user):
        entries.append((_("User administration"), "accounts:users"))
    if permissions.can_propose_experts(user):
        entries.append((_("Expert proposals"), "applications:expert_proposals"))
    urls = [(label, reverse(name)) for label, name in entries]
    # The longest matching prefix is the active entry (/designations/coverage/ is not the roster).
    matching = [url for _label, url in urls if path.startswith(url)]
    active = max(matching, key=len) if matching else None
    return [NavItem(str(label), url, url == active) for label, url in urls]
