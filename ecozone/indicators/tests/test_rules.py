from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecozone.indicators.rules import (
    AllOf,
    AnyOf,
    Compare,
    RegionFacts,
    Reported,
    RuleSyntaxError,
    StateIs,
    TaskRequired,
    Trend,
    Variants,
    Verdict,
    applies_to,
    describe_target,
    evaluate,
    numeric_threshold,
    parse_rule,
    rule_fits_value_type,
)

COUNTY = RegionFacts(level="county", terrain="丘陵", coastal=False)
CITY = RegionFacts(level="city", terrain="平原", coastal=True)
MOUNTAIN = RegionFacts(level="county", terrain="山区")
PLAIN = RegionFacts(level="county", terrain="平原")
NO_TERRAIN = RegionFacts(level="county", terrain="")

D = Decimal
MET, NOT_MET, NA, MISSING = Verdict.MET, Verdict.NOT_MET, Verdict.NOT_APPLICABLE, Verdict.MISSING


def number(value: str) -> Reported:
    return Reported(number=D(value))


# (rule, value, previous, region, verdict, reason) — one block per rule form of the N19 catalogue.
CASES = [
    # numeric thresholds
    (">=20", number("20"), None, COUNTY, MET, "20 达到 ≥ 20"),
    (">=20", number("19.9"), None, COUNTY, NOT_MET, "19.9 未达到 ≥ 20"),
    (">=20", None, None, COUNTY, MISSING, "未填报数值"),
    ("<=0.70", number("0.7"), None, COUNTY, MET, "0.7 达到 ≤ 0.7"),
    ("<=0.70", number("0.71"), None, COUNTY, NOT_MET, "0.71 未达到 ≤ 0.7"),
    ("=100", number("100.00"), None, COUNTY, MET, "100 达到 = 100"),
    ("=100", number("99.5"), None, COUNTY, NOT_MET, "99.5 未达到 = 100"),
    (">5", number("5"), None, COUNTY, NOT_MET, "5 未达到 > 5"),
    ("<3", number("2"), None, COUNTY, MET, "2 达到 < 3"),
    # qualitative states
    ("state:制定实施", Reported(state="制定实施"), None, COUNTY, MET, "状态为“制定实施”，符合要求"),
    (
        "state:制定实施",
        Reported(state="编制中"),
        None,
        COUNTY,
        NOT_MET,
        "填报状态为“编制中”，要求“制定实施”",
    ),
    ("state:建立", Reported(), None, COUNTY, MISSING, "未填报状态"),
    # yes/no
    ("yes", Reported(yes=True), None, COUNTY, MET, "填报为“是”"),
    ("yes", Reported(yes=False), None, COUNTY, NOT_MET, "填报为“否”"),
    ("yes", Reported(), None, COUNTY, MISSING, "未填报是/否"),
    # upper-level task
    ("task", Reported(task=True), None, COUNTY, MET, "已完成上级规定的目标任务"),
    ("task", Reported(task=False), None, COUNTY, NOT_MET, "未完成上级规定的目标任务"),
    ("task", Reported(number=D("5")), None, COUNTY, MISSING, "未填报是否完成上级规定的目标任务"),
    # trends with direction
    (
        "trend:higher",
        number("93.2"),
        number("92"),
        COUNTY,
        MET,
        "上年 92 → 本年 93.2，保持稳定或改善",
    ),
    ("trend:higher", number("92"), number("92"), COUNTY, MET, "上年 92 → 本年 92，保持稳定或改善"),
    ("trend:higher", number("91"), number("92"), COUNTY, NOT_MET, "上年 92 → 本年 91，较上年变差"),
    ("trend:lower", number("30"), number("32"), COUNTY, MET, "上年 32 → 本年 30，保持稳定或改善"),
    ("trend:lower", number("33"), number("32"), COUNTY, NOT_MET, "上年 32 → 本年 33，较上年变差"),
    ("trend:lower", number("33"), None, COUNTY, MET, "无上年数值可比，视为达标"),
    ("trend:lower", number("33"), Reported(), COUNTY, MET, "无上年数值可比，视为达标"),
    ("trend:higher", None, number("1"), COUNTY, MISSING, "未填报数值"),
    # region variants
    ("[city] >=95 ; [county] >=85", number("90"), None, COUNTY, MET, "[county] 90 达到 ≥ 85"),
    ("[city] >=95 ; [county] >=85", number("90"), None, CITY, NOT_MET, "[city] 90 未达到 ≥ 95"),
    (
        "[山区] >=60 ; [丘陵] >=40 ; [平原] >=18",
        number("45"),
        None,
        MOUNTAIN,
        NOT_MET,
        "[山区] 45 未达到 ≥ 60",
    ),
    (
        "[山区] >=60 ; [丘陵] >=40 ; [平原] >=18",
        number("45"),
        None,
        COUNTY,
        MET,
        "[丘陵] 45 达到 ≥ 40",
    ),
    (
        "[山区] >=60 ; [丘陵] >=40 ; [平原] >=18",
        number("18"),
        None,
        PLAIN,
        MET,
        "[平原] 18 达到 ≥ 18",
    ),
    (
        "[山区] >=60 ; [丘陵] >=40 ; [平原] >=18",
        number("18"),
        None,
        NO_TERRAIN,
        NA,
        "该类地区无目标值",
    ),
    (
        "[沿海] task ; [非沿海] >=1",
        Reported(task=True),
        None,
        CITY,
        MET,
        "[沿海] 已完成上级规定的目标任务",
    ),
    # and / or
    (
        "task & trend:higher",
        Reported(number=D("93"), task=True),
        number("92"),
        COUNTY,
        MET,
        "已完成上级规定的目标任务；上年 92 → 本年 93，保持稳定或改善",
    ),
    (
        "task & trend:higher",
        Reported(number=D("91"), task=True),
        number("92"),
        COUNTY,
        NOT_MET,
        "上年 92 → 本年 91，较上年变差",
    ),
    (
        "task & trend:higher",
        Reported(number=D("91")),
        number("92"),
        COUNTY,
        NOT_MET,
        "上年 92 → 本年 91，较上年变差",
    ),
    (
        "task & trend:higher",
        Reported(number=D("93")),
        number("92"),
        COUNTY,
        MISSING,
        "未填报是否完成上级规定的目标任务",
    ),
    (
        ">=60 & trend:higher",
        number("61"),
        number("62"),
        COUNTY,
        NOT_MET,
        "上年 62 → 本年 61，较上年变差",
    ),
    (
        "task & (>=90 | trend:higher)",
        Reported(number=D("85"), task=True),
        number("80"),
        COUNTY,
        MET,
        "已完成上级规定的目标任务；上年 80 → 本年 85，保持稳定或改善",
    ),
    (
        "task & (>=90 | trend:higher)",
        Reported(number=D("85"), task=True),
        number("86"),
        COUNTY,
        NOT_MET,
        "85 未达到 ≥ 90；上年 86 → 本年 85，较上年变差",
    ),
    (
        "task & (>=90 | trend:higher)",
        Reported(number=D("95"), task=True),
        number("96"),
        COUNTY,
        MET,
        "已完成上级规定的目标任务；95 达到 ≥ 90",
    ),
    (">=90 | state:建立", Reported(state="建立"), None, COUNTY, MET, "状态为“建立”，符合要求"),
    (">=90 | state:建立", Reported(state="未建立"), None, COUNTY, MISSING, "未填报数值"),
]


@pytest.mark.parametrize(("text", "value", "previous", "region", "verdict", "reason"), CASES)
def test_evaluate_each_rule_form(text, value, previous, region, verdict, reason):
    result = evaluate(parse_rule(text), value, previous, region)
    assert (result.verdict, result.reason) == (verdict, reason)


def test_judgements_are_in_the_language_active_when_judging():
    """Compiled rules translate their messages once: each language gets its own compiled rule."""
    from django.utils import translation

    rule, value = parse_rule("task & trend:higher"), Reported(number=D("5"), task=True)
    with translation.override("en"):
        english = evaluate(rule, value, Reported(number=D("4")), COUNTY)
    chinese = evaluate(rule, value, Reported(number=D("4")), COUNTY)
    with translation.override("en"):
        again = evaluate(rule, value, Reported(number=D("4")), COUNTY)
    assert (
        english.reason
        == again.reason
        == ("higher-level task completed; 4 → 5: stable or improving")
    )
    assert chinese.reason == "已完成上级规定的目标任务；上年 4 → 本年 5，保持稳定或改善"


def test_parse_builds_the_tree():
    assert parse_rule("task & (>=90 | trend:higher)") == AllOf(
        (TaskRequired(), AnyOf((Compare(">=", D("90")), Trend("higher"))))
    )
    assert parse_rule("[city] ≥95 ; [county] ≥ 85") == Variants(
        (("city", Compare(">=", D("95"))), ("county", Compare(">=", D("85"))))
    )
    assert parse_rule("state:全面实施") == StateIs("全面实施")


@pytest.mark.parametrize(
    ("text", "position", "problem"),
    [
        ("", 1, "规则为空"),
        (">=", 3, "“>=”后应为数字"),
        (">=abc", 3, "“>=”后应为数字"),
        ("20", 1, "数字前需要比较符号，例如 >=20"),
        ("task &", 7, "规则提前结束"),
        ("task & & yes", 8, "意外的“&”"),
        ("(task", 6, "缺少“)”"),
        ("()", 2, "括号内为空"),
        ("trend:up", 1, "趋势应写作 trend:higher 或 trend:lower"),
        ("state:", 1, "“state:”后需写明要求的状态，例如 state:建立"),
        ("maybe", 1, "未知的条件“maybe”"),
        (
            "[town] >=1",
            2,
            "未知的地区类别“town”（可用 city、county、山区、丘陵、平原、沿海、非沿海、山区县）",
        ),
        ("[city] >=1 ; [city] >=2", 15, "地区类别“city”重复出现"),
        ("[city] ; [county] >=1", 8, "地区类别后需要规则"),
        ("[city >=1", 7, "地区类别后缺少“]”"),
        (">=1 ]", 5, "意外的“]”"),
    ],
)
def test_parse_refuses_bad_rules_naming_where(text, position, problem):
    with pytest.raises(RuleSyntaxError) as caught:
        parse_rule(text)
    assert (caught.value.position, caught.value.problem) == (position, problem)
    assert caught.value.message == f"规则“{text}”第 {position} 个字符处：{problem}"


def test_rule_must_fit_the_value_type():
    assert rule_fits_value_type(parse_rule("task & trend:higher"), "percent+task") is None
    assert rule_fits_value_type(parse_rule("yes"), "yesno") is None
    assert rule_fits_value_type(parse_rule("task"), "percent") == (
        "规则需要上级任务完成情况，但取值类型“percent”不采集这些内容"
    )
    assert rule_fits_value_type(parse_rule(">=1"), "unknown") == "未知的取值类型“unknown”"


def test_applicability_by_scope_and_coastal_condition():
    assert applies_to("both", "", COUNTY)
    assert not applies_to("city", "", COUNTY)
    assert applies_to("county", "", COUNTY)
    assert not applies_to("both", "coastal", COUNTY)
    assert applies_to("both", "coastal", CITY)


def test_numeric_threshold_of_plain_and_variant_rules():
    assert numeric_threshold(parse_rule(">=20"), COUNTY) == Compare(">=", D("20"))
    assert numeric_threshold(parse_rule("[city] >=95 ; [county] >=85"), COUNTY) == Compare(
        ">=", D("85")
    )
    assert numeric_threshold(parse_rule("task & trend:higher"), COUNTY) is None
    assert numeric_threshold(parse_rule("[山区] >=60"), PLAIN) is None


# ---------------------------------------------------------------------------- properties

decimals = st.decimals(
    min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False
)
regions = st.builds(
    RegionFacts,
    level=st.sampled_from(["city", "county"]),
    terrain=st.sampled_from(["山区", "丘陵", "平原", ""]),
    coastal=st.booleans(),
)


@given(target=decimals, value=decimals, raise_by=st.decimals(min_value=0, max_value=500, places=2))
def test_raising_a_value_never_unmeets_a_ge_rule(target, value, raise_by):
    rule = Compare(">=", target)
    before = evaluate(rule, Reported(number=value), None, COUNTY).verdict
    after = evaluate(rule, Reported(number=value + raise_by), None, COUNTY).verdict
    assert not (before == MET and after == NOT_MET)


@given(target=decimals, value=decimals, lower_by=st.decimals(min_value=0, max_value=500, places=2))
def test_lowering_a_value_never_unmeets_a_le_rule(target, value, lower_by):
    rule = Compare("<=", target)
    before = evaluate(rule, Reported(number=value), None, COUNTY).verdict
    after = evaluate(rule, Reported(number=value - lower_by), None, COUNTY).verdict
    assert not (before == MET and after == NOT_MET)


@given(previous=decimals, value=decimals, direction=st.sampled_from(["higher", "lower"]))
def test_trend_is_met_exactly_when_no_worse(previous, value, direction):
    verdict = evaluate(
        Trend(direction), Reported(number=value), Reported(number=previous), COUNTY
    ).verdict
    no_worse = value >= previous if direction == "higher" else value <= previous
    assert verdict == (MET if no_worse else NOT_MET)


atoms = st.one_of(
    st.builds(Compare, st.sampled_from([">=", "<=", "=", ">", "<"]), decimals),
    st.builds(StateIs, st.sampled_from(["建立", "全面实施"])),
    st.just(TaskRequired()),
    st.builds(Trend, st.sampled_from(["higher", "lower"])),
)
rules = st.recursive(
    atoms,
    lambda inner: st.one_of(
        st.builds(AllOf, st.lists(inner, min_size=2, max_size=3).map(tuple)),
        st.builds(AnyOf, st.lists(inner, min_size=2, max_size=3).map(tuple)),
    ),
    max_leaves=6,
)
values = st.builds(
    Reported,
    number=st.one_of(st.none(), decimals),
    task=st.one_of(st.none(), st.booleans()),
    state=st.one_of(st.none(), st.sampled_from(["建立", "全面实施", "未开展"])),
)


@given(rule=rules)
def test_printing_and_parsing_a_rule_round_trips(rule):
    assert parse_rule(str(rule)) == rule


@given(rule=rules, value=values, previous=values, region=regions)
def test_evaluation_is_deterministic_and_explained(rule, value, previous, region):
    first = evaluate(rule, value, previous, region)
    assert first == evaluate(rule, value, previous, region)
    assert first.reason


@given(left=rules, right=rules, value=values, previous=values)
def test_and_is_met_only_when_both_are_met(left, right, value, previous):
    both = evaluate(AllOf((left, right)), value, previous, COUNTY).verdict
    parts = [evaluate(r, value, previous, COUNTY).verdict for r in (left, right)]
    assert (both == MET) == all(p == MET for p in parts)


@given(left=rules, right=rules, value=values, previous=values)
def test_or_is_met_when_either_is_met(left, right, value, previous):
    either = evaluate(AnyOf((left, right)), value, previous, COUNTY).verdict
    parts = [evaluate(r, value, previous, COUNTY).verdict for r in (left, right)]
    assert (either == MET) == any(p == MET for p in parts)


@pytest.mark.parametrize(
    ("text", "region", "words"),
    [
        (">=60 & trend:higher", "county", "≥ 60且不低于上年"),
        ("task & trend:lower", "county", "完成上级规定的目标任务且不高于上年"),
        ("[city] >=95 ; [county] >=85", "county", "≥ 85"),
        ("[city] >=95 ; [county] >=85", "city", "≥ 95"),
        ("[山区] >=60 ; [丘陵] >=40", "平原", "该类地区无目标值"),
        ("state:建立 | yes", "county", "状态为“建立”或填报“是”"),
        ("(>=1 | <=0.5) & yes", "county", "(≥ 1或≤ 0.5)且填报“是”"),
    ],
)
def test_targets_are_described_in_words_for_the_region(text, region, words):
    facts = (
        RegionFacts(level="county", terrain="平原")
        if region == "平原"
        else RegionFacts(level=region, terrain="丘陵")
    )
    assert describe_target(parse_rule(text), facts) == words
