"""Pure checks of reported values: parsing what a user typed, and the flags that need an
explanation before submission. No Django model is imported here."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ecozone.indicators.rules import (
    VALUE_TYPE_INPUTS,
    RegionFacts,
    Reported,
    Rule,
    Verdict,
    evaluate,
    fmt,
)

YES_WORDS = {"是", "yes", "y", "true", "1", "已完成", "完成"}
NO_WORDS = {"否", "no", "n", "false", "0", "未完成"}
MAX_ABS = Decimal("1e13")

# Flag codes; each needs a written explanation before the report can be submitted.
YOY = "yoy"
BINDING_NOT_MET = "binding_not_met"
DEPT_MISMATCH = "dept_mismatch"


def flag_label(code: str) -> str:
    return {
        YOY: _("year-on-year change beyond the band"),
        BINDING_NOT_MET: _("binding indicator not met"),
        DEPT_MISMATCH: _("differs from the department's value"),
    }.get(code, code)


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    value_type: str
    attribute: str
    rule: Rule
    yoy_band: Decimal
    states: tuple[str, ...] = ()


@dataclass
class Parsed:
    """The fields of a ReportValue parsed from user input, and the problems found."""

    number: Decimal | None = None
    task: bool | None = None
    yes: bool | None = None
    state: str = ""
    text: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def reported(self) -> Reported:
        return Reported(number=self.number, task=self.task, yes=self.yes, state=self.state or None)


def parse_bool(text: str) -> bool | None:
    """是/否 (or yes/no, 1/0); None when blank; ValueError for anything else."""
    word = (text or "").strip().lower()
    if not word:
        return None
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ValueError(text)


def parse_input(spec: IndicatorSpec, raw: dict[str, str]) -> Parsed:
    """Parse the raw strings a form row, a spreadsheet row or an API call supplies."""
    parsed = Parsed()
    inputs = VALUE_TYPE_INPUTS.get(spec.value_type, frozenset())
    if "number" in inputs:
        text = (raw.get("number") or "").strip().replace(",", "")
        if text:
            try:
                number = Decimal(text)
                if not number.is_finite() or abs(number) >= MAX_ABS:
                    raise InvalidOperation
            except InvalidOperation:
                parsed.errors["number"] = _("“%(text)s” is not a number") % {"text": text}
            else:
                if -number.as_tuple().exponent > 4:
                    parsed.errors["number"] = _("at most 4 decimal places")
                elif spec.value_type.startswith("percent") and not (0 <= number <= 100):
                    parsed.errors["number"] = _("a percentage is between 0 and 100")
                else:
                    parsed.number = number
    for name in ("task", "yes"):
        if name in inputs:
            try:
                setattr(parsed, name, parse_bool(raw.get(name, "")))
            except ValueError:
                parsed.errors[name] = _("answer 是 or 否")
    if "state" in inputs:
        state = (raw.get("state") or "").strip()
        if state and spec.states and state not in spec.states:
            parsed.errors["state"] = _("choose one of: %(states)s") % {
                "states": "、".join(spec.states)
            }
        else:
            parsed.state = state
    if spec.value_type == "text":
        parsed.text = (raw.get("text") or "").strip()
    return parsed


def is_complete(spec: IndicatorSpec, value: Reported) -> bool:
    """Every input the value type collects has been answered."""
    inputs = VALUE_TYPE_INPUTS.get(spec.value_type, frozenset())
    return all(
        {
            "number": value.number is not None,
            "task": value.task is not None,
            "yes": value.yes is not None,
            "state": bool(value.state),
        }[name]
        for name in inputs
    )


def yoy_exceeds(band: Decimal, value: Decimal | None, previous: Decimal | None) -> bool:
    """A change from last year beyond ±band % (any change from a zero last year counts)."""
    if value is None or previous is None:
        return False
    if previous == 0:
        return value != 0
    return abs(value - previous) / abs(previous) * 100 > band


def differs(own: Reported, dept: Reported) -> bool:
    """The department supplied something the zone reported differently."""
    pairs = [
        (own.number, dept.number),
        (own.task, dept.task),
        (own.yes, dept.yes),
        (own.state, dept.state),
    ]
    return any(d is not None and o is not None and o != d for o, d in pairs)


def compute_flags(
    spec: IndicatorSpec,
    value: Reported,
    previous: Reported | None,
    dept: Reported | None,
    region: RegionFacts,
) -> list[str]:
    flags = []
    if yoy_exceeds(spec.yoy_band, value.number, previous.number if previous else None):
        flags.append(YOY)
    if (
        spec.attribute == "binding"
        and is_complete(spec, value)
        and evaluate(spec.rule, value, previous, region).verdict == Verdict.NOT_MET
    ):
        flags.append(BINDING_NOT_MET)
    if dept is not None and differs(value, dept):
        flags.append(DEPT_MISMATCH)
    return flags


def plain(value):
    """A stored field as JSON for the audit trail: decimals as plain text (93.2, never 9.32E+1)."""
    if value is None or isinstance(value, bool | str):
        return value
    return fmt(value)


def describe(value: Reported) -> str:
    """A value as one short text for history and exports: 93.2 · 完成上级任务 · 建立."""
    parts = []
    if value.number is not None:
        parts.append(fmt(value.number))
    if value.task is not None:
        parts.append(_("task completed") if value.task else _("task not completed"))
    if value.yes is not None:
        parts.append(_("yes") if value.yes else _("no"))
    if value.state:
        parts.append(value.state)
    return " · ".join(parts) or "—"
