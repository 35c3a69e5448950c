"""Task-book states, the kinds of task and the transitions table read by services.transition()."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BookKind(models.TextChoices):
    CITY = "city", _("city")
    DEPARTMENT = "department", _("provincial department")


class BookStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ISSUED = "issued", _("issued")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    PUBLISHED = "published", _("result published")


class Category(models.TextChoices):
    CREATION = "creation", _("demonstration creation")
    ANNUAL = "annual", _("annual reporting")
    RECTIFICATION = "rectification", _("re-examination and rectification")
    PUBLICITY = "publicity", _("publicity")
    DEPARTMENT_DATA = "department_data", _("department data")


class Method(models.TextChoices):
    MEASURED = "measured", _("measured by the platform")
    REPORTED = "reported", _("reported with evidence")


class Metric(models.TextChoices):
    """What the platform measures from its own data for a task (metrics.py)."""

    ZONES_NAMED = "zones_named", _("zones named in the year")
    REPORTS_ON_TIME = "reports_on_time", _("share of counties whose annual report was on time (%)")
    REPORTS_ACCEPTED = "reports_accepted", _("share of annual reports accepted (%)")
    FOUR_STARS = "four_stars", _("share of re-examined zones with four stars or more (%)")
    REVOCATIONS = "revocations", _("ratings revoked in the year")
    CASES_CLOSED = "cases_closed", _("share of interview cases closed (%)")
    CASES_PUBLISHED = "cases_published", _("typical cases published in the year")
    FEEDS_ON_TIME = "feeds_on_time", _("share of the department's feeds on time and matching (%)")


CITY_METRICS = [m for m in Metric if m != Metric.FEEDS_ON_TIME]
DEPARTMENT_METRICS = [Metric.FEEDS_ON_TIME]


class Comparison(models.TextChoices):
    AT_LEAST = ">=", _("at least")
    AT_MOST = "<=", _("at most")


class Scoring(models.TextChoices):
    THRESHOLD = "threshold", _("met or not met")
    PROPORTIONAL = "proportional", _("in proportion to the target")


class Period(models.TextChoices):
    MIDYEAR = "midyear", _("mid-year")
    YEAR_END = "year_end", _("year-end")


class AdjustmentKind(models.TextChoices):
    DEDUCTION = "deduction", _("deduction")
    BONUS = "bonus", _("bonus")


class Grade(models.TextChoices):
    # Capitalised msgids: the lower-case words mean other things elsewhere in the catalogue.
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


# (from status, action) → to status, and who may take it. Read by services.transition().
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (BookStatus.DRAFT, "issue"): (BookStatus.ISSUED, "province"),
    (BookStatus.ISSUED, "acknowledge"): (BookStatus.ACKNOWLEDGED, "recipient"),
    (BookStatus.ISSUED, "publish"): (BookStatus.PUBLISHED, "province"),
    (BookStatus.ACKNOWLEDGED, "publish"): (BookStatus.PUBLISHED, "province"),
}

EVENT_LABELS = {
    "create": _("drafted"),
    "copy": _("copied from last year"),
    "edit": _("tasks edited"),
    "import": _("tasks imported"),
    "issue": _("issued"),
    "acknowledge": _("receipt acknowledged"),
    "amend": _("amended"),
    "progress": _("progress reported"),
    "score": _("task scored"),
    "adjust": _("deduction or bonus"),
    "publish": _("result published"),
    "correct": _("result corrected"),
}
