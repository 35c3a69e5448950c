"""The only code that writes catalogue editions and their indicators."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecozone.indicators import mapping as rules_of_mapping
from ecozone.indicators.forms import EDITABLE_FIELDS, IndicatorForm
from ecozone.indicators.models import (
    EditionChange,
    EditionMapping,
    Indicator,
    IndicatorSystem,
    MappingRow,
)
from ecozone.indicators.rules import RuleSyntaxError, parse_rule, rule_fits_value_type
from ecozone.indicators.states import EDITION_TRANSITIONS, EditionStatus

ACTION_LABELS = {"publish": gettext_lazy("publish"), "retire": gettext_lazy("retire")}


def _require_draft(system: IndicatorSystem) -> None:
    if system.status != EditionStatus.DRAFT:
        raise ValidationError(
            _("Edition %(code)s is %(status)s and cannot be changed; copy it into a new draft.")
            % {"code": system.code, "status": system.get_status_display()}
        )


def _record(system: IndicatorSystem, *, by, action: str, comment: str = "") -> None:
    EditionChange.objects.create(system=system, by=by, action=action, comment=comment)


def transition_edition(
    system: IndicatorSystem, *, action: str, by, comment: str = ""
) -> IndicatorSystem:
    """Publish a draft or retire a published edition, following EDITION_TRANSITIONS."""
    with transaction.atomic():
        system = IndicatorSystem.objects.select_for_update().get(pk=system.pk)
        target = EDITION_TRANSITIONS.get((system.status, action))
        if target is None:
            raise ValidationError(
                _("An edition that is %(status)s cannot take the action “%(action)s”.")
                % {
                    "status": system.get_status_display(),
                    "action": ACTION_LABELS.get(action, action),
                }
            )
        if action == "publish":
            _check_publishable(system)
            system.published_at = timezone.now()
        if action == "retire":
            if system.is_default:
                raise ValidationError(
                    _(
                        "The default edition cannot be retired; "
                        "make another edition the default first."
                    )
                )
            system.retired_at = timezone.now()
        system.status = target
        system.save()
        _record(system, by=by, action=action, comment=comment)
    return system


def _check_publishable(system: IndicatorSystem) -> None:
    problems = []
    indicators = list(system.indicators.all())
    if not indicators:
        problems.append(_("The edition has no indicators."))
    for indicator in indicators:
        try:
            problem = rule_fits_value_type(parse_rule(indicator.rule), indicator.value_type)
        except RuleSyntaxError as exc:
            problem = exc.message
        if problem:
            problems.append(f"{indicator.code}: {problem}")
    if problems:
        raise ValidationError(problems)


def make_default_edition(system: IndicatorSystem, *, by) -> None:
    with transaction.atomic():
        system = IndicatorSystem.objects.select_for_update().get(pk=system.pk)
        if system.status != EditionStatus.PUBLISHED:
            raise ValidationError(_("Only a published edition can be the default."))
        IndicatorSystem.objects.filter(is_default=True).exclude(pk=system.pk).update(
            is_default=False
        )
        system.is_default = True
        system.save(update_fields=["is_default"])
        _record(system, by=by, action="default")


def copy_edition(source: IndicatorSystem, *, code: str, title: str, by) -> IndicatorSystem:
    """A new draft holding a copy of every indicator of `source`."""
    with transaction.atomic():
        draft = IndicatorSystem.objects.create(
            code=code,
            title=title,
            issuer=source.issuer,
            document_number=source.document_number,
            effective_date=source.effective_date,
            status=EditionStatus.DRAFT,
            copied_from=source,
            source=_("copied from %(code)s") % {"code": source.code},
        )
        Indicator.objects.bulk_create(
            Indicator(
                system=draft, position=i.position, **{f: getattr(i, f) for f in EDITABLE_FIELDS}
            )
            for i in source.indicators.all()
        )
        _record(draft, by=by, action="copy", comment=source.code)
    return draft


def save_indicator(form: IndicatorForm, *, system: IndicatorSystem, by) -> Indicator:
    """Save a validated indicator form into a draft edition."""
    _require_draft(system)
    with transaction.atomic():
        indicator = form.save(commit=False)
        if indicator.pk is None:
            indicator.system = system
            last = (
                system.indicators.order_by("-position").values_list("position", flat=True).first()
            )
            indicator.position = (last or 0) + 1
        if system.indicators.filter(code=indicator.code).exclude(pk=indicator.pk).exists():
            raise ValidationError(
                _("Code %(code)s is already used in this edition.") % {"code": indicator.code}
            )
        indicator.save()
        _record(system, by=by, action="edit", comment=indicator.code)
    return indicator


def delete_indicator(indicator: Indicator, *, by) -> None:
    system = indicator.system
    _require_draft(system)
    with transaction.atomic():
        indicator.delete()
        _record(system, by=by, action="delete", comment=indicator.code)


# ---------------------------------------------------------------------------- mappings


class MappingRejected(ValidationError):
    """The rows do not account for both editions; nothing was saved. `problems` holds
    (row number from 1, or 0 for the whole mapping, message)."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__(
            [
                (_("row %(row)d: %(message)s") % {"row": row, "message": m}) if row else m
                for row, m in problems
            ]
        )


def save_mapping(
    *,
    source: IndicatorSystem,
    target: IndicatorSystem,
    lines: list[rules_of_mapping.MappingLine],
    by,
    notes: list[str] | None = None,
) -> EditionMapping:
    """Replace the rows of the draft mapping `source` → `target` (creating it), after checking
    that they account for every indicator of both editions."""
    if source.pk == target.pk:
        raise ValidationError(_("Choose two different editions."))
    found = rules_of_mapping.problems(
        lines,
        old_codes=set(source.indicators.values_list("code", flat=True)),
        new_codes=set(target.indicators.values_list("code", flat=True)),
    )
    if found:
        raise MappingRejected(found)
    notes = notes or [""] * len(lines)
    with transaction.atomic():
        mapping, _created = EditionMapping.objects.select_for_update().get_or_create(
            source=source, target=target
        )
        if mapping.is_published:
            raise ValidationError(
                _("The mapping %(mapping)s is published and cannot be changed.")
                % {"mapping": mapping}
            )
        mapping.rows.all().delete()
        MappingRow.objects.bulk_create(
            MappingRow(mapping=mapping, old_code=old, new_code=new, kind=kind, note=note)
            for (old, new, kind), note in zip(lines, notes, strict=True)
        )
        counts = ", ".join(f"{kind} {n}" for kind, n in sorted(_kind_counts(lines).items()) if n)
        _record(target, by=by, action="mapping", comment=f"{source.code} → {target.code}: {counts}")
    return mapping


def _kind_counts(lines) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.kind] = counts.get(line.kind, 0) + 1
    return counts


def publish_mapping(mapping: EditionMapping, *, by) -> EditionMapping:
    """Publish a draft mapping once it is valid and its target edition is published."""
    with transaction.atomic():
        mapping = (
            EditionMapping.objects.select_for_update()
            .select_related("source", "target")
            .get(pk=mapping.pk)
        )
        if mapping.is_published:
            raise ValidationError(_("The mapping is published already."))
        if mapping.target.status != EditionStatus.PUBLISHED:
            raise ValidationError(
                _("Publish the edition %(code)s before its mapping.")
                % {"code": mapping.target.code}
            )
        lines = [
            rules_of_mapping.MappingLine(r.old_code, r.new_code, r.kind) for r in mapping.rows.all()
        ]
        found = rules_of_mapping.problems(
            lines,
            old_codes=set(mapping.source.indicators.values_list("code", flat=True)),
            new_codes=set(mapping.target.indicators.values_list("code", flat=True)),
        )
        if found or not lines:
            raise MappingRejected(found or [(0, _("The mapping has no rows."))])
        mapping.status = EditionStatus.PUBLISHED
        mapping.published_at = timezone.now()
        mapping.save(update_fields=["status", "published_at"])
        _record(
            mapping.target,
            by=by,
            action="mapping_publish",
            comment=f"{mapping.source.code} → {mapping.target.code}",
        )
    return mapping
