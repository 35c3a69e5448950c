"""Who may see and act on task books: the province all, a city its own, a department its own.
Drafts are the province's alone."""

from __future__ import annotations

from ecozone.accounts.models import Role
from ecozone.accounts.permissions import home_region, is_province_admin, role_of
from ecozone.taskbooks.states import BookKind, BookStatus


def can_manage(user) -> bool:
    return is_province_admin(user)


def can_list(user) -> bool:
    return is_province_admin(user) or role_of(user) in (Role.CITY, Role.DEPARTMENT)


def is_recipient(user, book) -> bool:
    if book.status == BookStatus.DRAFT:
        return False
    role = role_of(user)
    if book.kind == BookKind.CITY:
        region = home_region(user)
        return role == Role.CITY and region is not None and region.pk == book.region_id
    return role == Role.DEPARTMENT and user.organisation_id == book.organisation_id


def can_view(user, book) -> bool:
    return is_province_admin(user) or is_recipient(user, book)


def can_report(user, book) -> bool:
    return is_recipient(user, book) and book.status in (BookStatus.ISSUED, BookStatus.ACKNOWLEDGED)
