from django.urls import reverse
from django.utils.translation import gettext as _

from ecozone.accounts.todo import TodoItem
from ecozone.reporting import queries


def reporting_todo(user) -> list[TodoItem]:
    items = []
    for report in queries.reports_to_fill(user):
        items.append(
            TodoItem(
                title=_("Fill the %(year)d annual report of %(region)s")
                % {"year": report.year, "region": report.region.name},
                url=reverse("reporting:report", args=[report.pk]),
                detail=_("deadline %(date)s · %(status)s")
                % {
                    "date": report.window.deadline.isoformat(),
                    "status": report.get_status_display(),
                },
            )
        )
    for report in queries.reports_to_check(user):
        items.append(
            TodoItem(
                title=_("Check the %(year)d annual report of %(region)s")
                % {"year": report.year, "region": report.region.name},
                url=reverse("reporting:report", args=[report.pk]),
            )
        )
    for report in queries.reports_to_accept(user):
        items.append(
            TodoItem(
                title=_("Accept the %(year)d annual report of %(region)s")
                % {"year": report.year, "region": report.region.name},
                url=reverse("reporting:report", args=[report.pk]),
            )
        )
    for request in queries.pending_unlocks(user):
        items.append(
            TodoItem(
                title=_("Unlock request: %(region)s %(year)d (%(codes)s)")
                % {
                    "region": request.report.region.name,
                    "year": request.report.year,
                    "codes": "、".join(request.indicator_codes),
                },
                url=reverse("reporting:report", args=[request.report_id]),
                detail=request.reason,
            )
        )
    return items
