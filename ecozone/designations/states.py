from django.db import models
from django.utils.translation import gettext_lazy as _


class DesignationStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    WARNED = "warned", _("warned")
    DELISTED = "delisted", _("delisted")


# A designation holds its title while active or warned (a warned zone keeps its title until
# the province confirms delisting); see docs/decisions/0003-coverage-counts-warned.md.
HOLDING = (DesignationStatus.ACTIVE, DesignationStatus.WARNED)

# (from, to) pairs allowed by services.change_designation_status().
STATUS_TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (DesignationStatus.ACTIVE, DesignationStatus.WARNED),
        (DesignationStatus.WARNED, DesignationStatus.ACTIVE),
        (DesignationStatus.WARNED, DesignationStatus.DELISTED),
        (DesignationStatus.ACTIVE, DesignationStatus.DELISTED),
    }
)


# DesignationEvent.action as users read it.
EVENT_LABELS = {
    "named": _("named"),
    "status": _("status changed"),
    "stars": _("star rating changed"),
}
