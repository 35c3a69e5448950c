"""Report states and the transitions table, read by services.transition_report()."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    CITY_CHECKED = "city_checked", _("checked by the city")
    ACCEPTED = "accepted", _("accepted (locked)")
    RETURNED = "returned", _("returned")


class Action(models.TextChoices):
    OPEN = "open", _("opened")
    SUBMIT = "submit", _("submit")
    CITY_ACCEPT = "city_accept", _("accept (city)")
    CITY_RETURN = "city_return", _("return (city)")
    PROVINCE_ACCEPT = "province_accept", _("accept and lock (province)")
    PROVINCE_RETURN = "province_return", _("return (province)")
    UNLOCK = "unlock", _("unlock")


class Actor(models.TextChoices):
    FILER = "filer", _("the region filing the report")
    CITY = "city", _("the city of a county's report")
    PROVINCE = "province", _("the province")


S = ReportStatus
# (from state, action, who may act, next state). A city's own report skips the city check:
# the province accepts or returns it straight from "submitted" (see services.py).
TRANSITIONS: list[tuple[str, str, str, str]] = [
    (S.DRAFT, Action.SUBMIT, Actor.FILER, S.SUBMITTED),
    (S.RETURNED, Action.SUBMIT, Actor.FILER, S.SUBMITTED),
    (S.SUBMITTED, Action.CITY_ACCEPT, Actor.CITY, S.CITY_CHECKED),
    (S.SUBMITTED, Action.CITY_RETURN, Actor.CITY, S.RETURNED),
    (S.CITY_CHECKED, Action.PROVINCE_ACCEPT, Actor.PROVINCE, S.ACCEPTED),
    (S.CITY_CHECKED, Action.PROVINCE_RETURN, Actor.PROVINCE, S.RETURNED),
    (S.SUBMITTED, Action.PROVINCE_ACCEPT, Actor.PROVINCE, S.ACCEPTED),  # city's own report only
    (S.SUBMITTED, Action.PROVINCE_RETURN, Actor.PROVINCE, S.RETURNED),  # city's own report only
    (S.ACCEPTED, Action.UNLOCK, Actor.PROVINCE, S.RETURNED),
]

# States in which the filer may change values (in "returned" only the returned indicators).
EDITABLE = (S.DRAFT, S.RETURNED)


EVENT_LABELS = {
    **{a.value: a.label for a in Action},
    "unlock_request": _("unlock requested"),
    "unlock_rejected": _("unlock request rejected"),
    "evidence": _("evidence file added"),
    "evidence_removed": _("evidence file removed"),
}


class UnlockStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class Channel(models.TextChoices):
    FORM = "form", _("form")
    EXCEL = "excel", _("Excel import")
    DEPARTMENT = "department", _("department feed")
    API = "api", _("API")
    SYSTEM = "system", _("system")


class YearAction(models.TextChoices):
    OPEN = "open", _("opened")
    EXTEND = "extend", _("regions added")
    DATES = "dates", _("dates changed")
