from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.accounts.todo import TodoItem
from ecozone.ratings import integrity
from ecozone.ratings.models import ConsequenceCase, ExpertAssignment, FeatureItem
from ecozone.ratings.states import CampaignStatus, CaseStatus, ItemStatus


def ratings_todo(user) -> list[TodoItem]:
    items = []
    if permissions.is_expert(user):
        for a in ExpertAssignment.objects.filter(
            expert=user,
            submitted_at__isnull=True,
            zone__campaign__status__in=[CampaignStatus.PREPARING, CampaignStatus.COMPUTED],
        ).select_related("zone__designation__region", "zone__campaign"):
            items.append(
                TodoItem(
                    title=_("Score the work of %(region)s (%(campaign)s)")
                    % {"region": a.zone.designation.region.name, "campaign": a.zone.campaign.title},
                    url=reverse("ratings:assessment", args=[a.pk]),
                )
            )
    if permissions.is_province_admin(user):
        pending = FeatureItem.objects.filter(
            status=ItemStatus.PENDING, zone__campaign__status=CampaignStatus.PREPARING
        ).count()
        if pending:
            items.append(
                TodoItem(
                    title=_("Feature items awaiting a decision"),
                    url=reverse("ratings:campaigns"),
                    count=pending,
                )
            )
        for case in ConsequenceCase.objects.filter(status=CaseStatus.OPEN).select_related(
            "designation__region"
        ):
            items.append(
                TodoItem(
                    title=_("%(kind)s case: %(region)s")
                    % {"kind": case.get_kind_display(), "region": case.designation.region.name},
                    url=reverse("ratings:case", args=[case.pk]),
                    detail=_("due %(date)s") % {"date": case.due_on.isoformat()}
                    if case.due_on
                    else "",
                )
            )
    return items


def integrity_todo(user) -> list[TodoItem]:
    """For the province: the last platform verification found problems."""
    if not permissions.is_province_admin(user):
        return []
    run = integrity.last_finished()
    if run is None or run.ok is not False:
        return []
    when = f"{timezone.localtime(run.started_at):%Y-%m-%d %H:%M}"
    return [
        TodoItem(
            title=_("The platform verification found problems"),
            url=reverse("audit_integrity"),
            detail=_("run of %(when)s") % {"when": when},
            count=run.total_problems,
        )
    ]
