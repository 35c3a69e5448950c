"""Target rules: a small notation, its parser and the one pure evaluator.

Notation (see docs/target-rules.md):

    >=20   <=0.70   =100   >5   <3        compare the reported figure (≥ and ≤ accepted)
    state:建立                             the reported state must be this one
    yes                                    the yes/no answer must be yes
    task                                   "完成上级规定的目标任务" must be yes
    trend:higher   trend:lower             no worse than the previous year
    A & B    A | B    ( … )                combinations (& binds tighter than |)
    [city] >=95 ; [county] >=85            variants by region attribute, first match wins
    [山区] >=60 ; [丘陵] >=40 ; [平原] >=18

This module imports no Django model: it is plain functions over frozen dataclasses, so the
reporting forms, the self-assessment and the scoring engine all call the same code.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from django.utils.translation import get_language

from ecozone.core.i18n import gettext as _


class Verdict(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"
    MISSING = "missing"


class Reported(NamedTuple):
    """What a zone reported for one indicator in one year; None means not reported.
    (A named tuple: a campaign reads hundreds of thousands of them.)"""

    number: Decimal | None = None
    task: bool | None = None
    yes: bool | None = None
    state: str | None = None


@dataclass(frozen=True)
class RegionFacts:
    level: str  # "city" or "county" (or "province")
    terrain: str = ""  # 山区 / 丘陵 / 平原
    coastal: bool = False
    mountain_county: bool = False


class Evaluation(NamedTuple):
    verdict: Verdict
    reason: str


# ---------------------------------------------------------------------------- the rule tree


@dataclass(frozen=True)
class Compare:
    op: str  # one of >=, <=, =, >, <
    target: Decimal

    def __str__(self) -> str:
        return f"{self.op}{fmt(self.target)}"


@dataclass(frozen=True)
class StateIs:
    state: str

    def __str__(self) -> str:
        return f"state:{self.state}"


@dataclass(frozen=True)
class YesRequired:
    def __str__(self) -> str:
        return "yes"


@dataclass(frozen=True)
class TaskRequired:
    def __str__(self) -> str:
        return "task"


@dataclass(frozen=True)
class Trend:
    direction: str  # "higher" or "lower": which way is better

    def __str__(self) -> str:
        return f"trend:{self.direction}"


@dataclass(frozen=True)
class AllOf:
    terms: tuple[Rule, ...]

    def __str__(self) -> str:
        return " & ".join(_wrap(t) for t in self.terms)


@dataclass(frozen=True)
class AnyOf:
    terms: tuple[Rule, ...]

    def __str__(self) -> str:
        return " | ".join(_wrap(t) for t in self.terms)


@dataclass(frozen=True)
class Variants:
    branches: tuple[tuple[str, Rule], ...]

    def __str__(self) -> str:
        return " ; ".join(f"[{selector}] {rule}" for selector, rule in self.branches)


Rule = Compare | StateIs | YesRequired | TaskRequired | Trend | AllOf | AnyOf | Variants


def _wrap(term: Rule) -> str:
    # Parenthesise every nested combination, so that printing and parsing round-trip exactly.
    return f"({term})" if isinstance(term, AllOf | AnyOf) else str(term)


@lru_cache(maxsize=65536)
def fmt(number: Decimal) -> str:
    """A decimal as people write it: 20, 0.7, 93.25 (never 2E+1). Equal decimals are written
    alike (20 and 20.0 both as 20), so remembering the text of each value is safe."""
    return format(number.normalize(), "f")


# ---------------------------------------------------------------------------- selectors

SELECTORS: dict[str, str] = {
    "city": "level",
    "市": "level",
    "county": "level",
    "县": "level",
    "山区": "terrain",
    "丘陵": "terrain",
    "平原": "terrain",
    "coastal": "coastal",
    "沿海": "coastal",
    "inland": "coastal",
    "非沿海": "coastal",
    "山区县": "mountain_county",
}


def selector_matches(selector: str, region: RegionFacts) -> bool:
    if selector in ("city", "市"):
        return region.level == "city"
    if selector in ("county", "县"):
        return region.level == "county"
    if selector in ("山区", "丘陵", "平原"):
        return region.terrain == selector
    if selector in ("coastal", "沿海"):
        return region.coastal
    if selector in ("inland", "非沿海"):
        return not region.coastal
    if selector == "山区县":
        return region.mountain_county
    raise ValueError(selector)


# ---------------------------------------------------------------------------- parser


class RuleSyntaxError(ValueError):
    """A rule that cannot be parsed; `position` is the 1-based character where it goes wrong."""

    def __init__(self, text: str, position: int, problem: str):
        self.text = text
        self.position = position
        self.problem = problem
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _("Rule “%(rule)s”, at character %(position)d: %(problem)s") % {
            "rule": self.text,
            "position": self.position,
            "problem": self.problem,
        }


_TOKEN = re.compile(
    r"\s*(?:(?P<op>>=|<=|≥|≤|>|<|=)|(?P<punct>[()&|;\[\]])|(?P<word>[^\s()&|;\[\]<>=≥≤]+))"
)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_OPS = {">=": ">=", "≥": ">=", "<=": "<=", "≤": "<=", "=": "=", ">": ">", "<": "<"}


@dataclass
class _Token:
    kind: str  # op, punct, word, end
    text: str
    position: int  # 1-based


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    index = 0
    while index < len(text):
        if text[index].isspace():
            index += 1
            continue
        match = _TOKEN.match(text, index)
        if match is None or match.end() == index:  # pragma: no cover - the pattern covers all
            raise RuleSyntaxError(text, index + 1, _("unexpected character"))
        kind = match.lastgroup or "word"
        start = match.start(kind)
        tokens.append(_Token(kind, match.group(kind), start + 1))
        index = match.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


# Limits on what a rule may be: the length of the database column; parentheses nested deeper
# than any target needs (the parser and the evaluator recurse once per level); numbers no
# target needs, whose printing would run to hundreds of digits.
MAX_RULE_LENGTH = 300
MAX_RULE_DEPTH = 10
MAX_NUMBER_DIGITS = 20


class _Parser:
    def __init__(self, text: str):
        self.text = text
        if len(text) > MAX_RULE_LENGTH:
            raise RuleSyntaxError(
                f"{text[:40]}…",
                MAX_RULE_LENGTH + 1,
                _("a rule has at most %(limit)d characters") % {"limit": MAX_RULE_LENGTH},
            )
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def error(self, problem: str, token: _Token | None = None) -> RuleSyntaxError:
        return RuleSyntaxError(self.text, (token or self.current).position, problem)

    def take(self) -> _Token:
        token = self.current
        self.index += 1
        return token

    def expect(self, text: str, problem: str) -> None:
        if self.current.text != text or self.current.kind not in ("punct",):
            raise self.error(problem)
        self.take()

    def parse(self) -> Rule:
        if self.current.kind == "end":
            raise self.error(_("the rule is empty"))
        rule = self.parse_variants() if self.current.text == "[" else self.parse_any()
        if self.current.kind != "end":
            raise self.error(_("unexpected “%(text)s”") % {"text": self.current.text})
        return rule

    def parse_variants(self) -> Rule:
        branches: list[tuple[str, Rule]] = []
        seen: set[str] = set()
        while True:
            self.expect("[", _("expected “[” to start a region variant"))
            token = self.take()
            if token.kind != "word" or token.text not in SELECTORS:
                raise self.error(
                    _(
                        "unknown region selector “%(text)s” "
                        "(use city, county, 山区, 丘陵, 平原, 沿海, 非沿海 or 山区县)"
                    )
                    % {"text": token.text},
                    token,
                )
            if token.text in seen:
                raise self.error(
                    _("the selector “%(text)s” appears twice") % {"text": token.text}, token
                )
            seen.add(token.text)
            self.expect("]", _("expected “]” after the region selector"))
            if self.current.kind == "end" or self.current.text == ";":
                raise self.error(_("a region variant needs a rule after its selector"))
            branches.append((token.text, self.parse_any()))
            if self.current.text != ";":
                break
            self.take()
        return Variants(tuple(branches))

    def parse_any(self) -> Rule:
        terms = [self.parse_all()]
        while self.current.text == "|" and self.current.kind == "punct":
            self.take()
            terms.append(self.parse_all())
        return terms[0] if len(terms) == 1 else AnyOf(tuple(terms))

    def parse_all(self) -> Rule:
        terms = [self.parse_atom()]
        while self.current.text == "&" and self.current.kind == "punct":
            self.take()
            terms.append(self.parse_atom())
        return terms[0] if len(terms) == 1 else AllOf(tuple(terms))

    def parse_atom(self) -> Rule:
        token = self.current
        if token.kind == "punct" and token.text == "(":
            self.depth += 1
            if self.depth > MAX_RULE_DEPTH:
                raise self.error(
                    _("parentheses are nested more than %(limit)d deep") % {"limit": MAX_RULE_DEPTH}
                )
            self.take()
            if self.current.text == ")":
                raise self.error(_("empty parentheses"))
            inner = self.parse_any()
            self.expect(")", _("expected “)” to close the parenthesis"))
            self.depth -= 1
            return inner
        if token.kind == "op":
            self.take()
            number = self.take()
            if number.kind != "word" or not _NUMBER.match(number.text):
                raise self.error(_("expected a number after “%(op)s”") % {"op": token.text}, number)
            if sum(c.isdigit() for c in number.text) > MAX_NUMBER_DIGITS:
                raise self.error(
                    _("a number has at most %(limit)d digits") % {"limit": MAX_NUMBER_DIGITS},
                    number,
                )
            try:
                target = Decimal(number.text)
            except InvalidOperation:  # pragma: no cover - guarded by _NUMBER
                raise self.error(_("expected a number"), number) from None
            return Compare(_OPS[token.text], target)
        if token.kind == "word":
            self.take()
            word = token.text
            if word == "yes":
                return YesRequired()
            if word == "task":
                return TaskRequired()
            if word.startswith("state:"):
                state = word.removeprefix("state:")
                if not state:
                    raise self.error(_("“state:” needs the required state, e.g. state:建立"), token)
                return StateIs(state)
            if word.startswith("trend:"):
                direction = word.removeprefix("trend:")
                if direction not in ("higher", "lower"):
                    raise self.error(_("a trend is trend:higher or trend:lower"), token)
                return Trend(direction)
            if _NUMBER.match(word):
                raise self.error(
                    _("a number needs a comparison in front, e.g. >=%(n)s") % {"n": word}, token
                )
            raise self.error(_("unknown term “%(text)s”") % {"text": word}, token)
        if token.kind == "end":
            raise self.error(_("the rule ends too early"))
        raise self.error(_("unexpected “%(text)s”") % {"text": token.text})


@lru_cache(maxsize=4096)
def parse_rule(text: str) -> Rule:
    """Parse a rule; raises RuleSyntaxError naming the character where it goes wrong.

    Cached: a catalogue has few distinct rules and their trees are immutable (errors are not
    cached).
    """
    return _Parser(text.strip()).parse()


# ---------------------------------------------------------------------------- inputs a rule needs


def required_inputs(rule: Rule) -> frozenset[str]:
    """Which parts of a Reported value the rule reads: number, task, yes, state."""
    match rule:
        case Compare() | Trend():
            return frozenset({"number"})
        case StateIs():
            return frozenset({"state"})
        case YesRequired():
            return frozenset({"yes"})
        case TaskRequired():
            return frozenset({"task"})
        case AllOf(terms) | AnyOf(terms):
            return frozenset().union(*(required_inputs(t) for t in terms))
        case Variants(branches):
            return frozenset().union(*(required_inputs(r) for _s, r in branches))
    raise TypeError(rule)  # pragma: no cover


def required_states(rule: Rule) -> list[str]:
    match rule:
        case StateIs(state):
            return [state]
        case AllOf(terms) | AnyOf(terms):
            return [s for t in terms for s in required_states(t)]
        case Variants(branches):
            return [s for _sel, r in branches for s in required_states(r)]
    return []


def describe_target(rule: Rule, region: RegionFacts) -> str:
    """What the rule asks of this kind of region, in words (for advice to a zone)."""
    match rule:
        case Compare(op, target):
            return f"{_OP_TEXT[op]} {fmt(target)}"
        case StateIs(state):
            return _("state “%(state)s”") % {"state": state}
        case YesRequired():
            return _("answer “yes”")
        case TaskRequired():
            return _("complete the higher-level task")
        case Trend(direction):
            if direction == "higher":
                return _("not lower than the previous year")
            return _("not higher than the previous year")
        case AllOf(terms) | AnyOf(terms):
            joiner = _(" and ") if isinstance(rule, AllOf) else _(" or ")
            return joiner.join(
                f"({describe_target(t, region)})"
                if isinstance(t, AllOf | AnyOf)
                else describe_target(t, region)
                for t in terms
            )
        case Variants():
            branch = _branch_for(rule, region)
            if branch is None:
                return _("no target for this kind of region")
            return describe_target(branch[1], region)
    raise TypeError(rule)  # pragma: no cover


def numeric_threshold(rule: Rule, region: RegionFacts) -> Compare | None:
    """The single numeric comparison this rule is for this region, if it is one (else None)."""
    if isinstance(rule, Variants):
        branch = _branch_for(rule, region)
        return numeric_threshold(branch[1], region) if branch else None
    return rule if isinstance(rule, Compare) else None


# ---------------------------------------------------------------------------- evaluation

_OP_TEXT = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}
_TESTS = {
    ">=": operator.ge,
    "<=": operator.le,
    "=": operator.eq,
    ">": operator.gt,
    "<": operator.lt,
}
_NOTHING = Reported()

# Judge(value, previous_value) -> Evaluation: a rule compiled for one kind of region.
Judge = Callable[[Reported | None, Reported | None], Evaluation]


def _branch_for(rule: Variants, region: RegionFacts) -> tuple[str, Rule] | None:
    for selector, branch in rule.branches:
        if selector_matches(selector, region):
            return selector, branch
    return None


def evaluate(
    rule: Rule,
    value: Reported | None,
    previous_value: Reported | None,
    region: RegionFacts,
) -> Evaluation:
    """Judge one reported value against a rule: met / not met / not applicable / missing."""
    return compile_rule(rule, region)(value, previous_value)


def compile_rule(rule: Rule, region: RegionFacts) -> Judge:
    """The rule as one function of (value, previous value) for this kind of region.

    Region variants are chosen here, once; the function only reads the reported value. Regions
    that differ only in what the rule does not look at share one function (a rule without
    variants has one for every region). Messages are translated here, in the language active
    now: a compiled rule is kept for each language.
    """
    fields = _selector_fields(rule)
    seen = RegionFacts(
        level=region.level if "level" in fields else "",
        terrain=region.terrain if "terrain" in fields else "",
        coastal=region.coastal if "coastal" in fields else False,
        mountain_county=region.mountain_county if "mountain_county" in fields else False,
    )
    return _compile(rule, seen, get_language())


@lru_cache(maxsize=1024)
def _selector_fields(rule: Rule) -> frozenset[str]:
    """Which facts of a region the rule's variants read."""
    match rule:
        case AllOf(terms) | AnyOf(terms):
            return frozenset().union(*(_selector_fields(t) for t in terms))
        case Variants(branches):
            return frozenset(SELECTORS[s] for s, _r in branches).union(
                *(_selector_fields(r) for _s, r in branches)
            )
    return frozenset()


@lru_cache(maxsize=4096)
def _compile(rule: Rule, region: RegionFacts, language: str | None) -> Judge:
    # `language` is the active language: it keys the cache, and the judges' messages are
    # translated in it here, once.
    match rule:
        case Compare(op, target):
            return _compare_judge(_TESTS[op], {"op": _OP_TEXT[op], "target": fmt(target)}, target)
        case StateIs(state):
            return _state_judge(state)
        case YesRequired():
            return _answer_judge(
                operator.attrgetter("yes"),
                missing=_("yes/no not answered"),
                held=_("answered yes"),
                not_held=_("answered no"),
            )
        case TaskRequired():
            return _answer_judge(
                operator.attrgetter("task"),
                missing=_("completion of the higher-level task not answered"),
                held=_("higher-level task completed"),
                not_held=_("higher-level task not completed"),
            )
        case Trend(direction):
            return _trend_judge(operator.ge if direction == "higher" else operator.le)
        case AllOf(terms):
            return _all_judge(tuple(_compile(t, region, language) for t in terms))
        case AnyOf(terms):
            return _any_judge(tuple(_compile(t, region, language) for t in terms))
        case Variants():
            branch = _branch_for(rule, region)
            if branch is None:
                return _constant_judge(
                    Evaluation(Verdict.NOT_APPLICABLE, _("no target for this kind of region"))
                )
            selector, inner = branch
            return _variant_judge(f"[{selector}] ", _compile(inner, region, language))
    raise TypeError(rule)  # pragma: no cover


def _compare_judge(
    test: Callable[[Decimal, Decimal], bool], shown: dict[str, str], target: Decimal
) -> Judge:
    missing = Evaluation(Verdict.MISSING, _("no figure reported"))
    meets = _("%(value)s meets %(op)s %(target)s")
    fails = _("%(value)s does not meet %(op)s %(target)s")

    def judge(value: Reported | None, previous: Reported | None) -> Evaluation:
        number = (value or _NOTHING).number
        if number is None:
            return missing
        if test(number, target):
            return Evaluation(Verdict.MET, meets % {**shown, "value": fmt(number)})
        return Evaluation(Verdict.NOT_MET, fails % {**shown, "value": fmt(number)})

    return judge


def _state_judge(state: str) -> Judge:
    missing = Evaluation(Verdict.MISSING, _("no state reported"))
    held = Evaluation(Verdict.MET, _("state “%(state)s” as required") % {"state": state})
    other = _("state “%(given)s”, required “%(state)s”")

    def judge(value: Reported | None, previous: Reported | None) -> Evaluation:
        given = (value or _NOTHING).state
        if not given:
            return missing
        if given == state:
            return held
        return Evaluation(Verdict.NOT_MET, other % {"given": given, "state": state})

    return judge


def _answer_judge(
    read: Callable[[Reported], bool | None], *, missing: str, held: str, not_held: str
) -> Judge:
    """A yes/no answer of the value (`read`): three possible judgements, made once."""
    unanswered = Evaluation(Verdict.MISSING, missing)
    yes, no = Evaluation(Verdict.MET, held), Evaluation(Verdict.NOT_MET, not_held)

    def judge(value: Reported | None, previous: Reported | None) -> Evaluation:
        answer = read(value or _NOTHING)
        if answer is None:
            return unanswered
        return yes if answer else no

    return judge


def _trend_judge(holds: Callable[[Decimal, Decimal], bool]) -> Judge:
    missing = Evaluation(Verdict.MISSING, _("no figure reported"))
    first = Evaluation(Verdict.MET, _("no previous-year figure to compare with; counted as met"))
    better = _("%(previous)s → %(value)s: stable or improving")
    worse = _("%(previous)s → %(value)s: worse than the previous year")

    def judge(value: Reported | None, previous: Reported | None) -> Evaluation:
        number = (value or _NOTHING).number
        if number is None:
            return missing
        before = (previous or _NOTHING).number
        if before is None:
            return first
        shown = {"previous": fmt(before), "value": fmt(number)}
        if holds(number, before):
            return Evaluation(Verdict.MET, better % shown)
        return Evaluation(Verdict.NOT_MET, worse % shown)

    return judge


def _constant_judge(result: Evaluation) -> Judge:
    def judge(value: Reported | None, previous: Reported | None) -> Evaluation:
        return result

    return judge


def _variant_judge(prefix: str, inner: Judge) -> Judge:
    def judge(value: Reported | None, previous: Reported | None) -> Evaluation:
        result = inner(value, previous)
        return Evaluation(result.verdict, prefix + result.reason)

    return judge


def _all_judge(terms: tuple[Judge, ...]) -> Judge:
    met, separator = Verdict.MET, _("; ")
    if len(terms) == 2:  # the usual "task & trend:higher": no list to build when both hold
        first, second = terms

        def judge_two(value: Reported | None, previous: Reported | None) -> Evaluation:
            a, b = first(value, previous), second(value, previous)
            if a.verdict is met and b.verdict is met:
                return Evaluation(met, a.reason + separator + b.reason)
            return _combine_all([a, b], separator)

        return judge_two

    def judge(value: Reported | None, previous: Reported | None) -> Evaluation:
        results = [term(value, previous) for term in terms]
        for result in results:
            if result.verdict is not met:
                return _combine_all(results, separator)
        return Evaluation(met, separator.join([r.reason for r in results]))  # the common case

    return judge


def _any_judge(terms: tuple[Judge, ...]) -> Judge:
    separator = _("; ")

    def judge(value: Reported | None, previous: Reported | None) -> Evaluation:
        return _combine_any([term(value, previous) for term in terms], separator)

    return judge


def _combine_all(results: list[Evaluation], separator: str) -> Evaluation:
    """All terms must hold: the failures if any (not met before missing), else every reason.
    Terms without a target for the region do not count; with none left, neither does the rule."""
    verdicts = {r.verdict for r in results}
    for verdict in (Verdict.NOT_MET, Verdict.MISSING):
        if verdict in verdicts:
            return Evaluation(
                verdict, separator.join([r.reason for r in results if r.verdict is verdict])
            )
    if Verdict.MET in verdicts:
        held = [r.reason for r in results if r.verdict is not Verdict.NOT_APPLICABLE]
        return Evaluation(Verdict.MET, separator.join(held))
    return Evaluation(Verdict.NOT_APPLICABLE, separator.join([r.reason for r in results]))


def _combine_any(results: list[Evaluation], separator: str) -> Evaluation:
    """One term must hold: the first that does; else the missing ones, else every failure."""
    verdicts = {r.verdict for r in results}
    if Verdict.MET in verdicts:
        return next(r for r in results if r.verdict is Verdict.MET)
    if Verdict.MISSING in verdicts:
        missing = [r.reason for r in results if r.verdict is Verdict.MISSING]
        return Evaluation(Verdict.MISSING, separator.join(missing))
    if Verdict.NOT_MET in verdicts:
        failed = [r.reason for r in results if r.verdict is not Verdict.NOT_APPLICABLE]
        return Evaluation(Verdict.NOT_MET, separator.join(failed))
    return Evaluation(Verdict.NOT_APPLICABLE, separator.join([r.reason for r in results]))


def uses_previous_year(rule: Rule) -> bool:
    """Whether judging the rule reads the previous year's figure (a trend term)."""
    match rule:
        case Trend():
            return True
        case AllOf(terms) | AnyOf(terms):
            return any(uses_previous_year(t) for t in terms)
        case Variants(branches):
            return any(uses_previous_year(r) for _s, r in branches)
    return False


# ---------------------------------------------------------------------------- applicability

# What each value type lets a zone report.
VALUE_TYPE_INPUTS: dict[str, frozenset[str]] = {
    "number": frozenset({"number"}),
    "percent": frozenset({"number"}),
    "yesno": frozenset({"yes"}),
    "state": frozenset({"state"}),
    "text": frozenset(),
    "number+task": frozenset({"number", "task"}),
    "percent+task": frozenset({"number", "task"}),
}


def rule_fits_value_type(rule: Rule, value_type: str) -> str | None:
    """None when every input the rule reads can be reported under the value type, else why not."""
    available = VALUE_TYPE_INPUTS.get(value_type)
    if available is None:
        return _("unknown value type “%(type)s”") % {"type": value_type}
    missing = required_inputs(rule) - available
    if not missing:
        return None
    names = {
        "number": _("a figure"),
        "task": _("the higher-level task answer"),
        "yes": _("a yes/no answer"),
        "state": _("a state"),
    }
    return _("the rule reads %(inputs)s, which the value type “%(type)s” does not collect") % {
        "inputs": _("、").join(names[i] for i in sorted(missing)),
        "type": value_type,
    }


def applies_to(scope: str, condition: str, region: RegionFacts) -> bool:
    """Whether an indicator with this scope (city/county/both) and condition applies."""
    if scope in ("city", "county") and region.level != scope:
        return False
    return not (condition == "coastal" and not region.coastal)
