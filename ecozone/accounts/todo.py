"""The "my to-do" (待办) list. Each app registers a provider in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from ecozone.accounts import permissions
from ecozone.accounts.models import ExpertProposal, ProposalStatus


@dataclass(frozen=True)
class TodoItem:
    title: str
    url: str
    detail: str = ""
    count: int | None = None


Provider = Callable[[object], list[TodoItem]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def todo_for(user) -> list[TodoItem]:
    return [item for provider in _providers for item in provider(user)]


def expert_proposals(user) -> list[TodoItem]:
    """For the province: departments' expert proposals awaiting a decision."""
    if not permissions.can_decide_expert_proposals(user):
        return []
    count = ExpertProposal.objects.filter(status=ProposalStatus.PENDING).count()
    if not count:
        return []
    return [
        TodoItem(
            title=_("Expert proposals awaiting your decision"),
            url=reverse("applications:expert_proposals"),
            count=count,
        )
    ]
