"""The only code that writes annual reports: values, explanations, evidence and the workflow.

Pages, the API, Excel imports, department feeds and commands all call these functions. Each runs
in one transaction; value changes append to the hash chain (audit.py) in that transaction and
workflow changes write a ReportEvent.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecozone.core.text import text_problem
from ecozone.indicators.queries import carried_codes
from ecozone.indicators.rules import Reported
from ecozone.indicators.states import EditionStatus
from ecozone.reporting import audit, checkpoints, permissions, receipts
from ecozone.reporting.checks import compute_flags, flag_label, is_complete, parse_input, plain
from ecozone.reporting.models import (
    AnnualReport,
    Checkpoint,
    ReportEvent,
    ReportingYear,
    ReportingYearChange,
    ReportValue,
    UnlockRequest,
    ValueChange,
)
from ecozone.reporting.queries import (
    EditionChoice,
    PlannedReport,
    applicable_indicators,
    dept_reported,
    missing_years,
    plan_year,
    previous_values,
    region_facts,
    reported,
    spec_of,
)
from ecozone.reporting.states import (
    EDITABLE,
    TRANSITIONS,
    Action,
    Actor,
    Channel,
    ReportStatus,
    UnlockStatus,
    YearAction,
)

DATE_LABELS = {
    "opens_on": gettext_lazy("opening date"),
    "deadline": gettext_lazy("deadline"),
    "locks_on": gettext_lazy("lock date"),
}

VALUE_COLUMNS = [
    "number",
    "task",
    "yes",
    "state",
    "text",
    "explanation",
    "raw_input",
    "flags",
    "updated_at",
]


class StaleReport(Exception):
    """The report changed since the user loaded it; nothing was saved."""

    def __init__(self, report: AnnualReport, changes: list[ValueChange]):
        self.report = report
        self.changes = changes
        super().__init__(_("The report was changed by someone else meanwhile; nothing was saved."))


class InvalidValues(ValidationError):
    """Some rows of an all-or-nothing save are invalid; nothing was saved."""

    def __init__(self, errors: dict[str, dict[str, str]]):
        self.errors = errors
        super().__init__(_("Some values are invalid; nothing was saved."))


@dataclass
class RowInput:
    indicator_code: str
    raw: dict[str, str]
    explanation: str | None = None  # None: leave the explanation as it is
    # Partial rows change only the fields present in `raw`; the others keep their stored value.
    partial: bool = False
    reason: str = ""  # recorded in the value's history row (falls back to the call's reason)


@dataclass
class SaveResult:
    changed: int = 0
    errors: dict[str, dict[str, str]] = field(
        default_factory=dict
    )  # indicator code → field → message


# ---------------------------------------------------------------------------- opening a year


class YearGap(ValidationError):
    """Years between the last opened year and the new one were never opened."""

    def __init__(self, missing: list[int]):
        self.missing = missing
        super().__init__(
            _(
                "The years %(years)s were never opened. Confirm that %(year)d opens after a gap, "
                "or open the missing years first."
            )
            % {"years": "、".join(map(str, missing)), "year": missing[-1] + 1}
        )


def _check_dates(opens_on: date, deadline: date, locks_on: date, *, changed, today: date) -> None:
    if not opens_on <= deadline <= locks_on:
        raise ValidationError(_("The dates must run: opening date ≤ deadline ≤ lock date."))
    past = [
        str(label)
        for name, label in DATE_LABELS.items()
        if name in changed
        and {"opens_on": opens_on, "deadline": deadline, "locks_on": locks_on}[name] < today
    ]
    if past:
        raise ValidationError(
            _("Dates in the past are refused: %(fields)s (today is %(today)s).")
            % {"fields": "、".join(past), "today": today.isoformat()}
        )


def plan_problems(plan: list[PlannedReport]) -> list[str]:
    """Why the editions of a planned year cannot be used (empty when they can)."""
    problems = []
    for edition in {p.edition.pk: p.edition for p in plan if not p.exists}.values():
        if edition.status != EditionStatus.PUBLISHED:
            problems.append(_("Edition %(code)s is not published.") % {"code": edition.code})
    moves: dict[tuple, list[str]] = defaultdict(list)
    for p in plan:
        if not p.exists and p.moves:
            moves[(p.previous, p.edition)].append(p.region.name)
    for (old, new), names in moves.items():
        if carried_codes(old.pk, new.pk) is None:
            problems.append(
                _(
                    "%(regions)s would move from %(old)s to %(new)s, but no published mapping "
                    "between the two editions exists."
                )
                % {"regions": "、".join(names), "old": old.code, "new": new.code}
            )
    return problems


def open_reporting_year(
    *,
    by,
    year: int,
    opens_on: date,
    deadline: date,
    locks_on: date,
    regions: Iterable,
    editions: EditionChoice | None = None,
    confirm_gap: bool = False,
    today: date | None = None,
) -> tuple[ReportingYear, int]:
    """Open a reporting year (or add regions to an open one): a draft report for each region
    without one, on the edition `editions` chooses for it. A year after a gap needs
    `confirm_gap`; dates in the past are refused; a region moving to another edition needs a
    published mapping from its previous edition."""
    today = today or timezone.localdate()
    window = ReportingYear.objects.filter(year=year).first()
    if window is not None and (window.opens_on, window.deadline, window.locks_on) != (
        opens_on,
        deadline,
        locks_on,
    ):
        raise ValidationError(
            _("Reporting year %(year)d is open already; change its dates on its page.")
            % {"year": year}
        )
    if window is None:
        _check_dates(opens_on, deadline, locks_on, changed=DATE_LABELS, today=today)
        missing = missing_years(year)
        if missing and not confirm_gap:
            raise YearGap(missing)
    plan = [p for p in plan_year(year=year, regions=regions, choice=editions) if not p.exists]
    if any(p.edition is None for p in plan):
        raise ValidationError(_("There is no default catalogue edition."))
    problems = plan_problems(plan)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        if window is None:
            window = ReportingYear.objects.create(
                year=year, opens_on=opens_on, deadline=deadline, locks_on=locks_on, opened_by=by
            )
            action = YearAction.OPEN
        else:
            action = YearAction.EXTEND
        now = timezone.now()
        new = AnnualReport.objects.bulk_create(
            AnnualReport(
                window=window,
                year=year,
                region=p.region,
                system=p.edition,
                status_changed_at=now,
            )
            for p in plan
        )
        ReportEvent.objects.bulk_create(
            ReportEvent(report=r, by=by, action=Action.OPEN, to_status=ReportStatus.DRAFT)
            for r in AnnualReport.objects.filter(year=year, region__in=[p.region for p in plan])
        )
        counts = Counter(p.edition.code for p in plan)
        ReportingYearChange.objects.create(
            window=window,
            by=by,
            action=action,
            changes={"reports": len(new), "editions": dict(sorted(counts.items()))},
        )
    return window, len(new)


def change_year_dates(
    window: ReportingYear,
    *,
    by,
    opens_on: date,
    deadline: date,
    locks_on: date,
    reason: str,
    today: date | None = None,
) -> ReportingYear:
    """Move a year's dates, with a reason; a date that changes may not move into the past."""
    if not permissions.can_open_years(by):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("A reason is required."))
    today = today or timezone.localdate()
    with transaction.atomic():
        window = ReportingYear.objects.select_for_update().get(pk=window.pk)
        new = {"opens_on": opens_on, "deadline": deadline, "locks_on": locks_on}
        changed = {name for name, value in new.items() if getattr(window, name) != value}
        if not changed:
            raise ValidationError(_("The dates are unchanged."))
        _check_dates(opens_on, deadline, locks_on, changed=changed, today=today)
        changes = {
            name: [getattr(window, name).isoformat(), new[name].isoformat()]
            for name in sorted(changed)
        }
        for name in changed:
            setattr(window, name, new[name])
        window.save(update_fields=sorted(changed))
        ReportingYearChange.objects.create(
            window=window, by=by, action=YearAction.DATES, changes=changes, reason=reason.strip()
        )
    return window


# ---------------------------------------------------------------------------- values


def _lock(report: AnnualReport) -> AnnualReport:
    return (
        AnnualReport.objects.select_for_update()
        .select_related("region", "system", "window")
        .get(pk=report.pk)
    )


def _check_version(report: AnnualReport, version: int | None) -> None:
    if version is not None and report.version != version:
        changes = list(
            ValueChange.objects.filter(report=report, report_version__gt=version).order_by("pk")
        )
        raise StaleReport(report, changes)


def _window_open(report: AnnualReport, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return report.window.opens_on <= today <= report.window.locks_on


def save_values(
    report: AnnualReport,
    *,
    by,
    rows: list[RowInput],
    version: int | None,
    channel: str = Channel.FORM,
    reason: str = "",
    all_or_nothing: bool = False,
) -> SaveResult:
    """Save what the filer typed. Valid inputs are stored (with history when they change);
    invalid ones are kept as unsaved input with their errors, so nothing typed is lost.

    With `all_or_nothing` (the API), one invalid row saves nothing: InvalidValues names every
    error and the report's version is unchanged.
    """
    with transaction.atomic():
        report = _lock(report)
        _check_version(report, version)
        if not permissions.can_write_values(by, report, channel):
            raise PermissionDenied
        if not _window_open(report):
            raise ValidationError(
                _("The reporting window of %(year)d is closed.") % {"year": report.window.year}
            )
        indicators = {i.code: i for i in applicable_indicators(report)}
        values = {v.indicator.code: v for v in report.values.select_related("indicator")}
        previous = previous_values(report)
        facts = region_facts(report.region)
        result = SaveResult()
        created: list[ReportValue] = []
        updated: list[ReportValue] = []
        diffs: list[tuple[ReportValue, dict, str]] = []
        seen: set[str] = set()
        for row in rows:
            indicator = indicators.get(row.indicator_code)
            if indicator is None:
                result.errors[row.indicator_code] = {
                    "indicator": _("not an indicator of this report")
                }
                continue
            if indicator.code in seen:
                result.errors[indicator.code] = {"indicator": _("sent more than once")}
                continue
            seen.add(indicator.code)
            hostile = _text_problems(row)
            if hostile:
                result.errors[indicator.code] = hostile
                continue
            spec = spec_of(indicator)
            value = values.get(indicator.code)
            if row.partial:
                row = _completed(row, value)
            if report.status == ReportStatus.RETURNED and not (value and value.returned):
                if would_change(value, spec, row.raw):
                    result.errors[indicator.code] = {
                        "indicator": _("this indicator was not returned and stays locked")
                    }
                continue
            is_new = value is None
            if is_new:
                value = ReportValue(report=report, indicator=indicator)
            parsed = parse_input(spec, row.raw)
            if parsed.errors:
                result.errors[indicator.code] = parsed.errors
                value.raw_input = {k: v for k, v in row.raw.items() if v}
                if row.explanation is not None:
                    value.raw_input["explanation"] = row.explanation
                (created if is_new else updated).append(value)
                continue
            new = {
                "number": parsed.number,
                "task": parsed.task,
                "yes": parsed.yes,
                "state": parsed.state,
                "text": parsed.text,
            }
            if row.explanation is not None:
                new["explanation"] = row.explanation.strip()
            diff = _apply(value, new)
            flags = compute_flags(
                spec,
                reported(value),
                reported(previous.get(indicator.code)),
                dept_reported(value),
                facts,
            )
            if not (diff or value.raw_input or flags != value.flags):
                continue  # nothing changed (an empty row stays absent)
            value.raw_input, value.flags = {}, flags
            (created if is_new else updated).append(value)
            if diff:
                diffs.append((value, diff, row.reason or reason))
        if all_or_nothing and result.errors:
            raise InvalidValues(result.errors)
        now = timezone.now()
        ReportValue.objects.bulk_create(created, batch_size=1000)
        for value in updated:
            value.updated_at = now
        ReportValue.objects.bulk_update(updated, VALUE_COLUMNS, batch_size=1000)
        if diffs:
            report.version += 1
            report.save(update_fields=["version"])
        changes = [
            _change(value, report, by=by, channel=channel, diff=diff, reason=why, at=now)
            for value, diff, why in diffs
        ]
        audit.append(changes)
        result.changed = len(changes)
    return result


def _text_problems(row: RowInput) -> dict[str, str]:
    """Text that cannot be stored (control characters, lone surrogates), by field."""
    texts = {**row.raw, "explanation": row.explanation or "", "reason": row.reason}
    return {name: problem for name, text in texts.items() if (problem := text_problem(text or ""))}


def _completed(row: RowInput, value: ReportValue | None) -> RowInput:
    """A partial row with every field it does not name filled from the stored value."""
    raw = {
        name: _as_input(getattr(value, name) if value else None)
        for name in ("number", "task", "yes", "state", "text")
    }
    raw.update(row.raw)
    return RowInput(row.indicator_code, raw, row.explanation, partial=False, reason=row.reason)


def _as_input(stored) -> str:
    if isinstance(stored, bool):
        return "是" if stored else "否"
    return "" if stored is None else str(plain(stored))


def would_change(value: ReportValue | None, spec, raw: dict[str, str]) -> bool:
    """Whether input for a locked indicator tries to change it (resending it unchanged is fine)."""
    parsed = parse_input(spec, raw)
    return bool(parsed.errors) or (reported(value) or Reported()) != parsed.reported()


def _apply(value: ReportValue, new: dict) -> dict:
    diff = {}
    for name, target in new.items():
        current = getattr(value, name)
        if name == "number" and current is not None and target is not None and current == target:
            continue
        if current != target:
            diff[name] = [plain(current), plain(target)]
            setattr(value, name, target)
    return diff


def _change(value, report, *, by, channel, diff, reason, at) -> ValueChange:
    return ValueChange(
        value=value,
        report=report,
        indicator_code=value.indicator.code,
        report_version=report.version,
        at=at,
        by=by if getattr(by, "pk", None) else None,
        by_name=str(by) if by else _("system"),
        channel=channel,
        changes=diff,
        reason=reason,
    )


# ---------------------------------------------------------------------------- workflow


def submission_problems(report: AnnualReport) -> list[str]:
    """Why the report cannot be submitted yet (empty when it can)."""
    problems = []
    values = {v.indicator_id: v for v in report.values.all()}
    for indicator in applicable_indicators(report):
        value = values.get(indicator.pk)
        spec = spec_of(indicator)
        label = f"{indicator.code} {indicator.name}"
        if value is not None and value.raw_input:
            problems.append(_("%(indicator)s: the input has errors") % {"indicator": label})
        elif value is None or not is_complete(spec, reported(value)):
            problems.append(_("%(indicator)s: no value") % {"indicator": label})
        elif value.flags and not value.explanation.strip():
            problems.append(
                _("%(indicator)s: %(flags)s — an explanation is required")
                % {"indicator": label, "flags": "、".join(flag_label(f) for f in value.flags)}
            )
    return problems


def _transition(
    report: AnnualReport, *, action: str, by, comment: str = "", codes: list[str] | None = None
) -> AnnualReport:
    """Move a report along TRANSITIONS; the one function every workflow change goes through."""
    with transaction.atomic():
        report = _lock(report)
        if action not in permissions.allowed_actions(by, report) and action != Action.UNLOCK:
            raise PermissionDenied
        target = next(t[3] for t in TRANSITIONS if t[0] == report.status and t[1] == action)
        old = report.status
        report.status = target
        report.status_changed_at = timezone.now()
        if target == ReportStatus.SUBMITTED:
            report.submitted_at = report.status_changed_at
        if target == ReportStatus.ACCEPTED:
            report.accepted_at = report.status_changed_at
        report.version += 1
        report.save()
        ReportEvent.objects.create(
            report=report,
            by=by,
            action=action,
            from_status=old,
            to_status=target,
            comment=comment,
            indicators=codes or [],
        )
        # Signed in the same transaction: a missing signing key refuses the step (decision 0012).
        if target in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
            receipts.issue_receipt(report, moment=target)
        if target == ReportStatus.ACCEPTED:
            checkpoints.make_checkpoint(Checkpoint.Reason.ACCEPTED, subject=str(report))
    return report


def submit_report(report: AnnualReport, *, by, version: int | None = None) -> AnnualReport:
    with transaction.atomic():
        locked = _lock(report)
        _check_version(locked, version)
        problems = submission_problems(locked)
        if problems:
            raise ValidationError(problems)
        locked.values.filter(returned=True).update(returned=False)
        return _transition(locked, action=Action.SUBMIT, by=by)


def city_accept_report(report: AnnualReport, *, by, comment: str = "") -> AnnualReport:
    return _transition(report, action=Action.CITY_ACCEPT, by=by, comment=comment)


def province_accept_report(report: AnnualReport, *, by, comment: str = "") -> AnnualReport:
    return _transition(report, action=Action.PROVINCE_ACCEPT, by=by, comment=comment)


def city_return_report(report: AnnualReport, *, by, reasons: dict[str, str]) -> AnnualReport:
    return _return(report, action=Action.CITY_RETURN, by=by, reasons=reasons)


def province_return_report(report: AnnualReport, *, by, reasons: dict[str, str]) -> AnnualReport:
    return _return(report, action=Action.PROVINCE_RETURN, by=by, reasons=reasons)


def _return(report: AnnualReport, *, action: str, by, reasons: dict[str, str]) -> AnnualReport:
    reasons = {code: text.strip() for code, text in reasons.items()}
    if not reasons:
        raise ValidationError(_("Choose at least one indicator to return."))
    missing = [code for code, text in reasons.items() if not text]
    if missing:
        raise ValidationError(
            _("Give a reason for each returned indicator: %(codes)s")
            % {"codes": "、".join(missing)}
        )
    with transaction.atomic():
        locked = _lock(report)
        values = {v.indicator.code: v for v in locked.values.select_related("indicator")}
        unknown = [code for code in reasons if code not in values]
        if unknown:
            raise ValidationError(
                _("Not indicators of this report: %(codes)s") % {"codes": "、".join(unknown)}
            )
        for code, text in reasons.items():
            values[code].returned = True
            values[code].return_reason = text
            values[code].save(update_fields=["returned", "return_reason", "updated_at"])
        comment = "；".join(f"{code}：{text}" for code, text in reasons.items())
        return _transition(locked, action=action, by=by, comment=comment, codes=list(reasons))


def request_unlock(report: AnnualReport, *, by, codes: list[str], reason: str) -> UnlockRequest:
    if not permissions.can_request_unlock(by, report):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("A reason is required."))
    known = {i.code for i in applicable_indicators(report)}
    if not codes or any(c not in known for c in codes):
        raise ValidationError(_("Name the indicators to reopen."))
    with transaction.atomic():
        if report.unlock_requests.filter(status=UnlockStatus.PENDING).exists():
            raise ValidationError(_("An unlock request is already pending for this report."))
        request = UnlockRequest.objects.create(
            report=report, indicator_codes=codes, reason=reason.strip(), requested_by=by
        )
        ReportEvent.objects.create(
            report=report,
            by=by,
            action="unlock_request",
            from_status=report.status,
            to_status=report.status,
            comment=reason.strip(),
            indicators=codes,
        )
    return request


def decide_unlock(request: UnlockRequest, *, by, approve: bool, comment: str = "") -> UnlockRequest:
    """Approve (reopening only the named indicators) or reject an unlock request."""
    if not permissions.can_decide_unlock(by):
        raise PermissionDenied
    with transaction.atomic():
        request = UnlockRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != UnlockStatus.PENDING:
            raise ValidationError(_("This request has been decided already."))
        request.status = UnlockStatus.APPROVED if approve else UnlockStatus.REJECTED
        request.decided_by, request.decided_at, request.decision_comment = (
            by,
            timezone.now(),
            comment,
        )
        request.save()
        report = request.report
        if approve:
            if report.status != ReportStatus.ACCEPTED:
                raise ValidationError(_("Only an accepted report can be unlocked."))
            reason = _("unlocked: %(reason)s") % {"reason": request.reason}
            for value in report.values.filter(indicator__code__in=request.indicator_codes):
                value.returned, value.return_reason = True, reason
                value.save(update_fields=["returned", "return_reason", "updated_at"])
            _transition(
                report,
                action=Action.UNLOCK,
                by=by,
                comment=comment or request.reason,
                codes=request.indicator_codes,
            )
        else:
            ReportEvent.objects.create(
                report=report,
                by=by,
                action="unlock_rejected",
                from_status=report.status,
                to_status=report.status,
                comment=comment,
                indicators=request.indicator_codes,
            )
    return request


def is_filer(user, report) -> bool:
    return Actor.FILER in permissions.actors(user, report)


def editable_codes(report: AnnualReport) -> set[str] | None:
    """None when every row is editable (draft); otherwise the returned rows' codes."""
    if report.status == ReportStatus.DRAFT:
        return None
    if report.status in EDITABLE:
        return set(report.values.filter(returned=True).values_list("indicator__code", flat=True))
    return set()


def _shown(value) -> str:
    return "—" if value in (None, "") else str(value)


def describe_change(change: ValueChange) -> str:
    parts = []
    for name, (old, new) in change.changes.items():
        parts.append(f"{name}: {_shown(old)} → {_shown(new)}")
    return "；".join(parts)
