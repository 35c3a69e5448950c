from django.urls import reverse
from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.accounts.todo import TodoItem
from ecozone.indicators.models import IndicatorSystem
from ecozone.indicators.states import EditionStatus


def draft_editions(user) -> list[TodoItem]:
    if not permissions.can_manage_catalogues(user):
        return []
    return [
        TodoItem(
            title=_("Draft catalogue edition awaiting publication: %(title)s (%(code)s)")
            % {"title": system.title, "code": system.code},
            url=reverse("indicators:detail", args=[system.code]),
        )
        for system in IndicatorSystem.objects.filter(status=EditionStatus.DRAFT).order_by("code")
    ]
