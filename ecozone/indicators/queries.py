"""Reads of catalogue editions, reused by views, the API and exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from ecozone.indicators import mapping as rules_of_mapping
from ecozone.indicators.forms import EDITABLE_FIELDS
from ecozone.indicators.models import EditionMapping, Indicator, IndicatorSystem, MappingKind
from ecozone.indicators.rules import RuleSyntaxError, parse_rule
from ecozone.indicators.states import EditionStatus


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
    """Indicators added, removed and changed (field by field) from `old` to `new`.

    Rows are paired by the mapping between the two editions when there is one (a renumbered row
    is a change of code, a split or merge a change of both), otherwise by code."""
    before = {i.code: i for i in old.indicators.all()}
    after = {i.code: i for i in new.indicators.all()}
    lines = mapping_lines(old, new)
    if lines is None:
        lines = [
            rules_of_mapping.MappingLine(c, c, rules_of_mapping.SAME) for c in after if c in before
        ]
        lines += [
            rules_of_mapping.MappingLine("", c, rules_of_mapping.NEW)
            for c in after
            if c not in before
        ]
        lines += [
            rules_of_mapping.MappingLine(c, "", rules_of_mapping.DROPPED)
            for c in before
            if c not in after
        ]
    diff = EditionDiff(
        added=[after[line.new] for line in lines if line.kind == rules_of_mapping.NEW],
        removed=[before[line.old] for line in lines if line.kind == rules_of_mapping.DROPPED],
    )
    for line in lines:
        if line.kind in (rules_of_mapping.NEW, rules_of_mapping.DROPPED):
            continue
        previous, indicator = before[line.old], after[line.new]
        changes = []
        if line.kind != rules_of_mapping.SAME:
            label = str(MappingKind(line.kind).label)
            changes.append(FieldChange("code", label, line.old, line.new))
        changes += _field_changes(previous, indicator)
        if changes:
            diff.changed.append(Changed(line.new, indicator.name, changes))
    return diff


def _field_changes(previous: Indicator, indicator: Indicator) -> list[FieldChange]:
    changes = []
    for name in EDITABLE_FIELDS:
        if name == "code":
            continue
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
    return changes


def mapping_lines(old: IndicatorSystem, new: IndicatorSystem, *, published_only: bool = False):
    """The rows of the mapping `old` → `new` as MappingLines, or None when there is none."""
    mappings = EditionMapping.objects.filter(source=old, target=new)
    if published_only:
        mappings = mappings.filter(status=EditionStatus.PUBLISHED)
    mapping = mappings.first()
    if mapping is None:
        return None
    return [
        rules_of_mapping.MappingLine(r.old_code, r.new_code, r.kind) for r in mapping.rows.all()
    ]


def carried_codes(source_id: int, target_id: int) -> dict[str, str] | None:
    """New code → old code for the values that carry from edition `source_id` to `target_id`
    (a published mapping's same and renumbered rows); None when no published mapping exists,
    in which case values carry by equal code."""
    if source_id == target_id:
        return None
    lines = mapping_lines(source_id, target_id, published_only=True)
    return None if lines is None else rules_of_mapping.carried(lines)


def _display(indicator: Indicator, name: str) -> object:
    getter = getattr(indicator, f"get_{name}_display", None)
    return getter() if getter else getattr(indicator, name)
