"""Reads of catalogue editions, reused by views, the API and exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from ecozone.indicators.forms import EDITABLE_FIELDS
from ecozone.indicators.models import Indicator, IndicatorSystem
from ecozone.indicators.rules import RuleSyntaxError, parse_rule


def editions():
    return IndicatorSystem.objects.select_related("copied_from").order_by(
        "-is_default", "status", "code"
    )


def default_edition() -> IndicatorSystem | None:
    return IndicatorSystem.objects.filter(is_default=True).first()


@dataclass
class DomainGroup:
    domain: str
    indicators: list[Indicator]


def grouped_by_domain(system: IndicatorSystem) -> list[DomainGroup]:
    indicators = list(system.indicators.all())
    return [
        DomainGroup(domain, list(items))
        for domain, items in groupby(indicators, key=lambda i: i.domain)
    ]


@dataclass
class FieldChange:
    field: str
    label: str
    old: object
    new: object


@dataclass
class Changed:
    code: str
    name: str
    changes: list[FieldChange]


@dataclass
class EditionDiff:
    added: list[Indicator] = field(default_factory=list)
    removed: list[Indicator] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _canonical_rule(text: str) -> str:
    try:
        return str(parse_rule(text))
    except RuleSyntaxError:
        return text


def diff_editions(old: IndicatorSystem, new: IndicatorSystem) -> EditionDiff:
    """Indicators added, removed and changed (field by field) from `old` to `new`, by code."""
    before = {i.code: i for i in old.indicators.all()}
    after = {i.code: i for i in new.indicators.all()}
    diff = EditionDiff(
        added=[after[c] for c in after if c not in before],
        removed=[before[c] for c in before if c not in after],
    )
    for code, indicator in after.items():
        if code not in before:
            continue
        previous = before[code]
        changes = []
        for name in EDITABLE_FIELDS:
            a, b = getattr(previous, name), getattr(indicator, name)
            if name == "rule":
                if _canonical_rule(a) == _canonical_rule(b):
                    continue
            elif a == b:
                continue
            label = str(Indicator._meta.get_field(name).verbose_name)
            changes.append(
                FieldChange(name, label, _display(previous, name), _display(indicator, name))
            )
        if changes:
            diff.changed.append(Changed(code, indicator.name, changes))
    return diff


def _display(indicator: Indicator, name: str) -> object:
    getter = getattr(indicator, f"get_{name}_display", None)
    return getter() if getter else getattr(indicator, name)
