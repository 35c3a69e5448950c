import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.accounts.models import Role
from ecozone.accounts.todo import TodoItem
from ecozone.applications.models import Application, Notification, ReviewAssignment
from ecozone.applications.states import Status


def applications_todo(user) -> list[TodoItem]:
    items = []
    unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    if unread:
        items.append(
            TodoItem(
                title=_("Unread notifications"),
                url=reverse("applications:notifications"),
                count=unread,
            )
        )
    home = permissions.home_region(user)
    if home is not None:
        for app in Application.objects.filter(
            region=home, status__in=[Status.DRAFT, Status.RETURNED, Status.RECTIFICATION]
        ).select_related("programme"):
            items.append(
                TodoItem(
                    title=_("Application for %(programme)s: %(status)s")
                    % {"programme": app.programme.short_name, "status": app.get_status_display()},
                    url=reverse("applications:detail", args=[app.pk]),
                )
            )
    if permissions.role_of(user) == Role.CITY and home is not None:
        for app in Application.objects.filter(
            region__parent=home, status=Status.SUBMITTED
        ).select_related("region"):
            items.append(
                TodoItem(
                    title=_("Pre-review the application of %(region)s")
                    % {"region": app.region.name},
                    url=reverse("applications:detail", args=[app.pk]),
                )
            )
    if permissions.is_expert(user):
        for a in ReviewAssignment.objects.filter(
            expert=user, submitted_at__isnull=True, round__closed_at__isnull=True
        ).select_related("round__application__region"):
            items.append(
                TodoItem(
                    title=_("Review the application of %(region)s (round %(n)d)")
                    % {"region": a.round.application.region.name, "n": a.round.number},
                    url=reverse("applications:review", args=[a.round.application_id]),
                )
            )
    if permissions.is_province_admin(user):
        today = timezone.localdate()
        waiting = {
            Status.CITY_REVIEWED: _("Accept applications for review"),
            Status.PROVINCE_ACCEPTED: _("Assign expert panels"),
            Status.PASSED: _("Start public notices"),
        }
        for status, title in waiting.items():
            count = Application.objects.filter(status=status).count()
            if count:
                items.append(
                    TodoItem(
                        title=title,
                        url=reverse("applications:list") + f"?status={status}",
                        count=count,
                    )
                )
        open_rounds = Application.objects.filter(
            status__in=[Status.EXPERT_REVIEW, Status.RE_REVIEW]
        ).count()
        if open_rounds:
            items.append(
                TodoItem(
                    title=_("Review rounds to close"),
                    url=reverse("applications:list") + "?status=expert_review",
                    count=open_rounds,
                )
            )
        ending = Application.objects.filter(
            status=Status.PUBLIC_NOTICE, notice_ends__lte=today + datetime.timedelta(days=3)
        ).count()
        if ending:
            items.append(
                TodoItem(
                    title=_("Public notices ending (name the batch)"),
                    url=reverse("applications:naming"),
                    count=ending,
                )
            )
    return items
