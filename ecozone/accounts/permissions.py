"""The permission predicates every view, API endpoint, export and download calls.

Two kinds of question:
- *scope*: which objects a user may see at all. Out of scope answers 404 (the object's existence
  is not disclosed). Scope follows the region tree: the province office and the departments see
  the whole province, a city user its city and the city's counties, a county user its county;
  experts see only what is assigned to them (nothing region-wide).
- *actions*: what a user may do with what they can see. A forbidden action answers 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from ecozone.accounts.models import Role

PROVINCE_WIDE = frozenset({Role.PROVINCE_ADMIN, Role.DEPARTMENT})


def role_of(user) -> str:
    if not getattr(user, "is_authenticated", False):
        return ""
    return user.role or ""


def is_province_admin(user) -> bool:
    return role_of(user) == Role.PROVINCE_ADMIN


def is_department(user) -> bool:
    return role_of(user) == Role.DEPARTMENT


def is_expert(user) -> bool:
    return role_of(user) == Role.EXPERT


def home_region(user):
    """The region a city or county user acts for (None for other roles)."""
    if role_of(user) in (Role.CITY, Role.COUNTY) and user.organisation_id:
        return user.organisation.region
    return None


def region_scope(user, field: str = "") -> Q | None:
    """A filter selecting the regions (or objects with a region at `field`) in the user's scope.

    Returns None when the scope is the whole province, `Q(pk__in=[])` when it is empty.
    """
    role = role_of(user)
    if role in PROVINCE_WIDE:
        return None
    prefix = f"{field}__" if field else ""
    region = home_region(user)
    if region is None:
        return Q(pk__in=[])
    if role == Role.CITY:
        return Q(**{f"{prefix}pk": region.pk}) | Q(**{f"{prefix}parent_id": region.pk})
    return Q(**{f"{prefix}pk": region.pk})


def in_scope(user, queryset: QuerySet, field: str = "") -> QuerySet:
    """Restrict a queryset of regions, or of objects with a region FK at `field`, to scope."""
    scope = region_scope(user, field)
    return queryset if scope is None else queryset.filter(scope)


def can_view_region(user, region) -> bool:
    role = role_of(user)
    if role in PROVINCE_WIDE:
        return True
    home = home_region(user)
    if home is None:
        return False
    if role == Role.CITY:
        return region.pk == home.pk or region.parent_id == home.pk
    return region.pk == home.pk


def can_list_regions(user) -> bool:
    """Everyone with a region scope: the province-wide roles, cities and counties."""
    return region_scope(user) is None or home_region(user) is not None


def can_edit_regions(user) -> bool:
    return is_province_admin(user)


def can_view_catalogues(user) -> bool:
    return getattr(user, "is_authenticated", False)


def can_manage_catalogues(user) -> bool:
    return is_province_admin(user)


def can_view_designations(user) -> bool:
    """The roster page: everyone but experts, each within their scope."""
    return role_of(user) in {Role.PROVINCE_ADMIN, Role.DEPARTMENT, Role.CITY, Role.COUNTY}


def can_manage_designations(user) -> bool:
    return is_province_admin(user)


def can_manage_accounts(user) -> bool:
    """The user administration pages: the province for everyone, a city for its own region."""
    return is_province_admin(user) or (role_of(user) == Role.CITY and home_region(user) is not None)


def can_lift_lockouts(user) -> bool:
    """Sign-in lockouts are lifted by the province only: a lock may hit any role or address."""
    return is_province_admin(user)


def can_manage_organisations(user) -> bool:
    return is_province_admin(user)


def manageable_roles(user) -> list[str]:
    """The roles a user may give: the province any, a city only city and county users."""
    if is_province_admin(user):
        return list(Role.values)
    if can_manage_accounts(user):
        return [Role.CITY, Role.COUNTY]
    return []


def accounts_in_scope(user, queryset: QuerySet) -> QuerySet:
    """Restrict a queryset of users to those the user administers (empty for everyone else)."""
    if is_province_admin(user):
        return queryset
    if not can_manage_accounts(user):
        return queryset.none()
    return in_scope(user, queryset, "organisation__region").filter(role__in=manageable_roles(user))


def can_propose_experts(user) -> bool:
    return is_department(user) and user.organisation_id is not None


def can_decide_expert_proposals(user) -> bool:
    return is_province_admin(user)


def require(allowed: bool) -> None:
    """Raise 403 unless the predicate allowed the action."""
    if not allowed:
        raise PermissionDenied


def get_in_scope_or_404(user, queryset: QuerySet, *, field: str = "", **lookup):
    """Fetch one object among those in the user's scope, or answer 404."""
    try:
        return in_scope(user, queryset, field).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
