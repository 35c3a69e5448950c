"""Reads for the account administration pages, each restricted to the reader's remit."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from ecozone.accounts import permissions
from ecozone.accounts.models import AccountEvent, Organisation, User

EVENT_RELATED = ("by", "user", "organisation")


def users_for(reader: User, filters: dict) -> QuerySet[User]:
    """The users `reader` administers, filtered by the list page's form."""
    users = permissions.accounts_in_scope(
        reader, User.objects.select_related("organisation").order_by("username")
    )
    if q := (filters.get("q") or "").strip():
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    if role := filters.get("role"):
        users = users.filter(role=role)
    if active := filters.get("active"):
        users = users.filter(is_active=active == "1")
    return users


def events_for(reader: User) -> QuerySet[AccountEvent]:
    """The account history within `reader`'s remit: all of it for the province; for a city the
    events of its own and its counties' organisations."""
    events = AccountEvent.objects.select_related(*EVENT_RELATED)
    if permissions.is_province_admin(reader):
        return events
    if not permissions.can_manage_accounts(reader):
        return events.none()
    return permissions.in_scope(reader, events, "organisation__region")


def events_of_user(user: User) -> QuerySet[AccountEvent]:
    return AccountEvent.objects.filter(user=user).select_related(*EVENT_RELATED)


def events_of_organisation(organisation: Organisation) -> QuerySet[AccountEvent]:
    return AccountEvent.objects.filter(organisation=organisation).select_related(*EVENT_RELATED)


def organisations() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("region").annotate(
        active_users=Count("users", filter=Q(users__is_active=True))
    )
