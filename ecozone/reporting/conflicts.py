"""Conflicts of interest of experts (SPEC §2), shared by creation review and re-examination."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ecozone.reporting.models import ReportValue


def conflict_of_interest(expert, region, years) -> str | None:
    """Why `expert` may not assess `region` for `years`, or None.

    Refused: an expert affiliated to the region itself, to its parent city, or to a department
    that supplied values of the region under review.
    """
    organisation = expert.organisation
    profile = getattr(expert, "expert_profile", None)
    affiliations = {
        organisation.region_id if organisation is not None else None,
        profile.affiliated_region_id if profile is not None else None,
    } - {None}
    if region.pk in affiliations:
        return _("the expert is affiliated to %(region)s itself") % {"region": region.name}
    if region.parent_id in affiliations:
        return _("the expert is affiliated to %(city)s, the city of %(region)s") % {
            "city": region.parent.name,
            "region": region.name,
        }
    if (
        organisation is not None
        and ReportValue.objects.filter(
            report__region=region, report__year__in=list(years), dept_organisation=organisation
        ).exists()
    ):
        return _("the expert's department %(department)s supplied values under review") % {
            "department": organisation.name
        }
    return None
