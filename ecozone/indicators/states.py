from django.db import models
from django.utils.translation import gettext_lazy as _


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    RETIRED = "retired", _("retired")


# (from, action) -> to. Read by services.transition_edition(); nothing else changes status.
EDITION_TRANSITIONS: dict[tuple[str, str], str] = {
    (EditionStatus.DRAFT, "publish"): EditionStatus.PUBLISHED,
    (EditionStatus.PUBLISHED, "retire"): EditionStatus.RETIRED,
}
