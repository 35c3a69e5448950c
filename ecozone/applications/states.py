"""Application states and the transitions table (SPEC §5), read by services.transition()."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted, in city pre-review")
    CITY_REVIEWED = "city_reviewed", _("pre-reviewed, awaiting the province")
    RETURNED = "returned", _("returned for correction")
    PROVINCE_ACCEPTED = "province_accepted", _("accepted by the province")
    EXPERT_REVIEW = "expert_review", _("expert review")
    RECTIFICATION = "rectification", _("rectification")
    RE_REVIEW = "re_review", _("expert re-review")
    PASSED = "passed", _("passed")
    PUBLIC_NOTICE = "public_notice", _("public notice")
    NAMED = "named", _("named")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Actor(models.TextChoices):
    COUNTY_APPLICANT = "county_applicant", _("a county applying")
    CITY_APPLICANT = "city_applicant", _("a city applying for itself")
    CITY = "city", _("the city pre-reviewing a county")
    PROVINCE = "province", _("the province")


S, A = Status, Actor
APPLICANTS = (A.COUNTY_APPLICANT, A.CITY_APPLICANT)
BEFORE_PASSING = (
    S.DRAFT,
    S.SUBMITTED,
    S.CITY_REVIEWED,
    S.RETURNED,
    S.PROVINCE_ACCEPTED,
    S.EXPERT_REVIEW,
    S.RECTIFICATION,
    S.RE_REVIEW,
)

# (from state, action, who may, next state). One function reads it: services.transition().
TRANSITIONS: list[tuple[str, str, str, str]] = [
    (S.DRAFT, "submit", A.COUNTY_APPLICANT, S.SUBMITTED),
    (S.DRAFT, "submit", A.CITY_APPLICANT, S.CITY_REVIEWED),  # a city skips city pre-review
    (S.RETURNED, "submit", A.COUNTY_APPLICANT, S.SUBMITTED),
    (S.RETURNED, "submit", A.CITY_APPLICANT, S.CITY_REVIEWED),
    (S.SUBMITTED, "city_pass", A.CITY, S.CITY_REVIEWED),
    (S.SUBMITTED, "city_return", A.CITY, S.RETURNED),
    (S.CITY_REVIEWED, "accept", A.PROVINCE, S.PROVINCE_ACCEPTED),
    (S.CITY_REVIEWED, "province_return", A.PROVINCE, S.RETURNED),
    (S.PROVINCE_ACCEPTED, "open_review", A.PROVINCE, S.EXPERT_REVIEW),
    (S.EXPERT_REVIEW, "conclude_rectification", A.PROVINCE, S.RECTIFICATION),
    (S.EXPERT_REVIEW, "conclude_pass", A.PROVINCE, S.PASSED),
    (S.EXPERT_REVIEW, "conclude_reject", A.PROVINCE, S.REJECTED),
    (S.RECTIFICATION, "submit_rectification", A.COUNTY_APPLICANT, S.RE_REVIEW),
    (S.RECTIFICATION, "submit_rectification", A.CITY_APPLICANT, S.RE_REVIEW),
    (S.RE_REVIEW, "conclude_rectification", A.PROVINCE, S.RECTIFICATION),
    (S.RE_REVIEW, "conclude_pass", A.PROVINCE, S.PASSED),
    (S.RE_REVIEW, "conclude_reject", A.PROVINCE, S.REJECTED),
    (S.PASSED, "start_notice", A.PROVINCE, S.PUBLIC_NOTICE),
    (S.PUBLIC_NOTICE, "back_to_review", A.PROVINCE, S.EXPERT_REVIEW),  # an objection upheld
    (S.PUBLIC_NOTICE, "name", A.PROVINCE, S.NAMED),
    *[(state, "withdraw", actor, S.WITHDRAWN) for state in BEFORE_PASSING for actor in APPLICANTS],
]


ACTION_LABELS = {
    "create": _("created"),
    "submit": _("submitted"),
    "city_pass": _("passed the city pre-review"),
    "city_return": _("returned by the city"),
    "accept": _("accepted by the province"),
    "province_return": _("returned by the province"),
    "open_review": _("expert review opened"),
    "conclude_rectification": _("rectification required"),
    "conclude_pass": _("review passed"),
    "conclude_reject": _("rejected"),
    "submit_rectification": _("rectification submitted"),
    "start_notice": _("public notice started"),
    "back_to_review": _("objection upheld: back to review"),
    "name": _("named"),
    "withdraw": _("withdrawn"),
}


class Conclusion(models.TextChoices):
    PASS = "pass", _("pass")
    RECTIFY = "rectify", _("pass after rectification")
    FAIL = "fail", _("fail")


class Opinion(models.TextChoices):
    AGREE = "agree", _("agree")
    DOUBT = "doubt", _("doubt")
    DISAGREE = "disagree", _("disagree")


class RoundResult(models.TextChoices):
    PASS = "pass", _("passed")
    RECTIFICATION = "rectification", _("rectification required")
    REJECT = "reject", _("rejected")


class Handling(models.TextChoices):
    UPHELD = "upheld", _("upheld: sent back to review")


class NationalOutcome(models.TextChoices):
    NAMED = "named", _("named nationally")
    NOT_NAMED = "not_named", _("not named")


# The self-assessment's verdicts (indicators.rules.Verdict values) as users read them.
VERDICT_LABELS = {
    "met": _("met"),
    "not_met": _("not met"),
    "missing": _("no value reported"),
    "not_applicable": _("not applicable"),
}

# While the applicant holds the application before (re)submitting it, its page shows the live
# values of annual reporting; from submission on, the snapshot (decision 0009).
LIVE_ASSESSMENT = (Status.DRAFT, Status.RETURNED)
