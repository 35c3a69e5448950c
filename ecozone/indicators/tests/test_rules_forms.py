"""Rule forms beyond the catalogue's own: every region selector, combinations of three terms with
a trend, and combinations whose terms have no target for the region."""

from decimal import Decimal

import pytest

from ecozone.indicators.rules import (
    AllOf,
    AnyOf,
    Compare,
    RegionFacts,
    Reported,
    StateIs,
    TaskRequired,
    Trend,
    Variants,
    Verdict,
    YesRequired,
    compile_rule,
    describe_target,
    evaluate,
    numeric_threshold,
    parse_rule,
    required_inputs,
    required_states,
    rule_fits_value_type,
    selector_matches,
    uses_previous_year,
)

D = Decimal
MET, NOT_MET, NA, MISSING = Verdict.MET, Verdict.NOT_MET, Verdict.NOT_APPLICABLE, Verdict.MISSING
COASTAL_CITY = RegionFacts(level="city", terrain="平原", coastal=True)
INLAND_COUNTY = RegionFacts(level="county", terrain="山区", coastal=False, mountain_county=True)
COASTAL_COUNTY = RegionFacts(level="county", terrain="丘陵", coastal=True)


def judged(text, value, region, previous=None):
    result = evaluate(parse_rule(text), value, previous, region)
    return result.verdict, result.reason


def number(text):
    return Reported(number=D(text))


# ---------------------------------------------------------------------------- selectors


@pytest.mark.parametrize(
    ("selector", "matching", "other"),
    [
        ("city", COASTAL_CITY, INLAND_COUNTY),
        ("市", COASTAL_CITY, COASTAL_COUNTY),
        ("county", INLAND_COUNTY, COASTAL_CITY),
        ("县", COASTAL_COUNTY, COASTAL_CITY),
        ("山区", INLAND_COUNTY, COASTAL_COUNTY),
        ("丘陵", COASTAL_COUNTY, INLAND_COUNTY),
        ("平原", COASTAL_CITY, COASTAL_COUNTY),
        ("coastal", COASTAL_COUNTY, INLAND_COUNTY),
        ("沿海", COASTAL_CITY, INLAND_COUNTY),
        ("inland", INLAND_COUNTY, COASTAL_COUNTY),
        ("非沿海", INLAND_COUNTY, COASTAL_CITY),
        ("山区县", INLAND_COUNTY, COASTAL_COUNTY),
    ],
)
def test_each_selector_picks_its_kind_of_region(selector, matching, other):
    assert selector_matches(selector, matching) is True
    assert selector_matches(selector, other) is False
    text = f"[{selector}] >=10"
    assert judged(text, number("12"), matching) == (MET, f"[{selector}] 12 达到 ≥ 10")
    assert judged(text, number("12"), other) == (NA, "该类地区无目标值")


def test_an_unknown_selector_is_a_programming_error():
    with pytest.raises(ValueError, match="town"):
        selector_matches("town", COASTAL_CITY)


def test_coastal_and_inland_variants():
    text = "[coastal] >=80 ; [非沿海] >=60"
    assert judged(text, number("70"), COASTAL_COUNTY) == (NOT_MET, "[coastal] 70 未达到 ≥ 80")
    assert judged(text, number("70"), INLAND_COUNTY) == (MET, "[非沿海] 70 达到 ≥ 60")
    assert judged(text, None, INLAND_COUNTY) == (MISSING, "[非沿海] 未填报数值")
    rule = parse_rule(text)
    assert numeric_threshold(rule, COASTAL_CITY) == Compare(">=", D(80))
    assert numeric_threshold(rule, INLAND_COUNTY) == Compare(">=", D(60))
    assert describe_target(rule, COASTAL_CITY) == "≥ 80"
    assert describe_target(rule, INLAND_COUNTY) == "≥ 60"
    assert str(rule) == "[coastal] >=80 ; [非沿海] >=60"


def test_the_first_matching_variant_wins():
    text = "[沿海] >=90 ; [county] >=50"
    assert judged(text, number("60"), COASTAL_COUNTY) == (NOT_MET, "[沿海] 60 未达到 ≥ 90")
    assert judged(text, number("60"), INLAND_COUNTY) == (MET, "[county] 60 达到 ≥ 50")


def test_regions_told_apart_only_by_what_the_rule_reads():
    rule = parse_rule("[山区县] yes ; [市] task")
    mountain = RegionFacts(level="county", terrain="丘陵", mountain_county=True)
    assert evaluate(rule, Reported(yes=True), None, mountain) == (MET, "[山区县] 填报为“是”")
    city = RegionFacts(level="city", coastal=True)
    assert evaluate(rule, Reported(task=False), None, city) == (
        NOT_MET,
        "[市] 未完成上级规定的目标任务",
    )
    plain = RegionFacts(level="county", terrain="山区", coastal=True)
    assert evaluate(rule, Reported(yes=True), None, plain) == (NA, "该类地区无目标值")
    # a compiled rule judges like the evaluator
    assert compile_rule(rule, mountain)(Reported(yes=False), None) == (
        NOT_MET,
        "[山区县] 填报为“否”",
    )


# ---------------------------------------------------------------------------- three terms


THREE = "task & >=20 & trend:higher"


@pytest.mark.parametrize(
    ("value", "previous", "verdict", "reason"),
    [
        (
            Reported(number=D(20), task=True),
            number("19"),
            MET,
            "已完成上级规定的目标任务；20 达到 ≥ 20；上年 19 → 本年 20，保持稳定或改善",
        ),
        (
            Reported(number=D(20), task=True),
            None,
            MET,
            "已完成上级规定的目标任务；20 达到 ≥ 20；无上年数值可比，视为达标",
        ),
        (
            Reported(number=D(19), task=True),
            number("18"),
            NOT_MET,
            "19 未达到 ≥ 20",
        ),
        (
            Reported(number=D(19), task=False),
            number("19.5"),
            NOT_MET,
            "未完成上级规定的目标任务；19 未达到 ≥ 20；上年 19.5 → 本年 19，较上年变差",
        ),
        (
            Reported(number=D(25), task=True),
            number("26"),
            NOT_MET,
            "上年 26 → 本年 25，较上年变差",
        ),
        (
            Reported(number=D(19)),
            number("18"),
            NOT_MET,  # a failure outweighs a missing answer
            "19 未达到 ≥ 20",
        ),
        (
            Reported(number=D(21)),
            number("18"),
            MISSING,
            "未填报是否完成上级规定的目标任务",
        ),
        (
            Reported(task=True),
            number("18"),
            MISSING,
            "未填报数值；未填报数值",
        ),
    ],
)
def test_three_terms_with_a_trend(value, previous, verdict, reason):
    assert judged(THREE, value, COASTAL_COUNTY, previous) == (verdict, reason)


def test_three_terms_parse_print_and_describe():
    rule = parse_rule(THREE)
    assert rule == AllOf((TaskRequired(), Compare(">=", D(20)), Trend("higher")))
    assert str(rule) == THREE
    assert required_inputs(rule) == {"task", "number"}
    assert uses_previous_year(rule) is True
    assert numeric_threshold(rule, COASTAL_COUNTY) is None
    assert describe_target(rule, COASTAL_COUNTY) == "完成上级规定的目标任务且≥ 20且不低于上年"
    assert rule_fits_value_type(rule, "percent+task") is None
    assert rule_fits_value_type(rule, "number") == (
        "规则需要上级任务完成情况，但取值类型“number”不采集这些内容"
    )


@pytest.mark.parametrize(
    ("value", "previous", "verdict", "reason"),
    [
        (Reported(number=D(10), yes=True), None, MET, "填报为“是”"),
        (
            Reported(number=D(10), yes=False),
            number("11"),
            NOT_MET,
            "10 未达到 ≥ 20；填报为“否”；上年 11 → 本年 10，较上年变差",
        ),
        (Reported(number=D(10)), number("11"), MISSING, "未填报是/否"),
        (Reported(number=D(10)), number("9"), MET, "上年 9 → 本年 10，保持稳定或改善"),
    ],
)
def test_three_alternatives_with_a_trend(value, previous, verdict, reason):
    text = ">=20 | yes | trend:higher"
    assert judged(text, value, COASTAL_COUNTY, previous) == (verdict, reason)


# ---------------------------------------------------------------------------- terms without target


CITY_ONLY = Variants((("city", Compare(">=", D(10))),))
COUNTY_ONLY = Variants((("county", YesRequired()),))


def test_terms_without_a_target_do_not_count_in_an_and():
    rule = AllOf((CITY_ONLY, COUNTY_ONLY, StateIs("建立")))
    value = Reported(number=D(5), yes=True, state="建立")
    assert evaluate(rule, value, None, COASTAL_COUNTY) == (
        MET,
        "[county] 填报为“是”；状态为“建立”，符合要求",
    )
    assert evaluate(rule, value, None, COASTAL_CITY) == (NOT_MET, "[city] 5 未达到 ≥ 10")
    nothing = AllOf((CITY_ONLY, CITY_ONLY))
    assert evaluate(nothing, value, None, COASTAL_COUNTY) == (
        NA,
        "该类地区无目标值；该类地区无目标值",
    )


def test_terms_without_a_target_do_not_count_in_an_or():
    rule = AnyOf((CITY_ONLY, COUNTY_ONLY, StateIs("建立")))
    value = Reported(number=D(5), yes=False, state="未开展")
    assert evaluate(rule, value, None, COASTAL_COUNTY) == (
        NOT_MET,
        "[county] 填报为“否”；填报状态为“未开展”，要求“建立”",
    )
    nothing = AnyOf((CITY_ONLY, CITY_ONLY))
    assert evaluate(nothing, value, None, COASTAL_COUNTY) == (
        NA,
        "该类地区无目标值；该类地区无目标值",
    )
    first_met = AnyOf((StateIs("未开展"), COUNTY_ONLY))
    assert evaluate(first_met, value, None, COASTAL_COUNTY) == (
        MET,
        "状态为“未开展”，符合要求",
    )


def test_required_states_of_combinations_and_variants():
    rule = parse_rule("[city] state:建立 | yes ; [county] state:全面实施 & task")
    assert required_states(rule) == ["建立", "全面实施"]
    assert required_states(parse_rule("yes")) == []
    assert required_inputs(rule) == {"state", "yes", "task"}
    assert uses_previous_year(rule) is False
    assert uses_previous_year(parse_rule("[city] yes ; [county] trend:lower")) is True


def test_combinations_describe_their_variant_terms_for_the_region():
    county = RegionFacts(level="county", terrain="丘陵")
    assert (
        describe_target(AllOf((CITY_ONLY, YesRequired())), county) == "该类地区无目标值且填报“是”"
    )
    assert describe_target(AnyOf((AllOf((COUNTY_ONLY, TaskRequired())), CITY_ONLY)), county) == (
        "(填报“是”且完成上级规定的目标任务)或该类地区无目标值"
    )


@pytest.mark.parametrize(
    ("text", "value_type", "inputs"),
    [
        (">=1", "yesno", "数值"),
        ("yes", "state", "是/否"),
        ("state:建立", "number", "状态"),
        ("task", "yesno", "上级任务完成情况"),
        ("state:建立 & yes & >=1 & task", "text", "数值、状态、上级任务完成情况、是/否"),
    ],
)
def test_a_rule_reading_what_the_value_type_does_not_collect_says_what(text, value_type, inputs):
    assert rule_fits_value_type(parse_rule(text), value_type) == (
        f"规则需要{inputs}，但取值类型“{value_type}”不采集这些内容"
    )
