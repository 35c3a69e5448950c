"""The "my to-do" (待办) list. Each app registers a provider in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


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
