"""Each scheme setting of the scoring engine (SPEC §7.1), one hand-computed case apiece: parsing
the stored scheme, Part A's classes and weights, completion with partial credit, stability,
Part B, Part C, the total, its rounding and its star class."""

import dataclasses
from decimal import Decimal

import pytest
from django.utils.translation import gettext

from ecozone.indicators.rules import Compare, RegionFacts, Reported, parse_rule
from ecozone.ratings.default_scheme import DEFAULT_SCHEME
from ecozone.ratings.engine import (
    SEED_INCENTIVES,
    IndicatorDef,
    SchemeError,
    SchemeSettings,
    WorkItem,
    partial_credit,
    years_read,
)
from ecozone.ratings.tests.test_engine import PERIOD, SCHEME, by_code, ind, rate

D = Decimal
FULL_WORK = {"推进力度": [10], "试点创新": [8], "建设成效": [7]}


def scheme(**changes):
    return SchemeSettings.from_dict({**DEFAULT_SCHEME, **changes})


def met(code, attribute="binding", **kwargs):
    return ind(code, ">=1", dict.fromkeys(PERIOD, 1), attribute, **kwargs)


# ---------------------------------------------------------------------------- parsing a scheme


def test_the_default_scheme_parses_to_the_settings_of_spec_7_1():
    assert SchemeSettings.from_dict(DEFAULT_SCHEME) == SchemeSettings(
        period_years=3,
        part_a_max=D(75),
        binding_share=D("0.70"),
        reference_share=D("0.30"),
        tolerance=D("0.20"),
        partial_credit_cap=D("0.99"),
        work_items=(
            WorkItem("推进力度", "工作推进力度", D(10)),
            WorkItem("试点创新", "试点创新", D(8)),
            WorkItem("建设成效", "建设成效", D(7)),
        ),
        score_step=D("0.5"),
        trim_from=5,
        feature_min=D("0.5"),
        feature_max=D(2),
        feature_cap=D(5),
        thresholds=((5, D(90)), (4, D(80)), (3, D(70))),
        cap_stars=3,
        veto_items=(
            ("major_incident", "期内发生重大或特别重大突发环境事件、生态破坏事件"),
            ("inspection_unrectified", "生态环境保护督察重大问题未按期完成整改"),
            ("data_fraud", "经查实存在数据造假"),
            ("quality_decline", "生态环境质量明显下降"),
        ),
        bar_items=(("inspection_notified", "期内督察问题被公开通报"),),
        revoke_after_failures=3,
        bar_after_failures=2,
        bar_on_latest_year=True,
        weights={},
        due_after_years=3,
        incentive_min_stars=4,
        interview_due_days=60,
        reapply_bar_years=3,
        provisional_part_b_share=D("0.8"),
        experts_required=3,
        withdraw_days=30,
        incentives=((5, SEED_INCENTIVES), (4, SEED_INCENTIVES)),
    )
    assert SCHEME.part_b_max == 25


def test_every_setting_is_read_from_the_scheme():
    settings = scheme(
        period_years=1,
        part_a_max="100",
        binding_share="1",
        reference_share="0",
        tolerance="1",
        partial_credit_cap="0.5",
        score_step="10",
        trim_from=3,
        feature_min="0",
        feature_max="0",
        feature_cap="0",
        thresholds={"3": "0", "4": "100"},
        cap_stars=1,
        veto_items=[{"code": "v", "name": "V"}],
        bar_items=[],
        revoke_after_failures=1,
        bar_after_failures=1,
        bar_on_latest_year=False,
        weights={"B1": "0"},
        due_after_years=1,
        incentive_min_stars=1,
        interview_due_days=1,
        reapply_bar_years=0,
        provisional_part_b_share="1",
        experts_required=1,
        withdraw_days=0,
        incentives={"3": [" 资金 ", "试点"], "5": ["荣誉"], "4": []},
    )
    assert dataclasses.astuple(settings)[:4] == (1, D(100), D(1), D(0))
    assert (settings.tolerance, settings.partial_credit_cap, settings.score_step) == (
        D(1),
        D("0.5"),
        D(10),
    )
    assert (settings.trim_from, settings.feature_min, settings.feature_max) == (3, 0, 0)
    assert (settings.feature_cap, settings.thresholds, settings.cap_stars) == (
        0,
        ((4, D(100)), (3, D(0))),  # best class first, whatever the stored order
        1,
    )
    assert (settings.veto_items, settings.bar_items) == ((("v", "V"),), ())
    assert (
        settings.revoke_after_failures,
        settings.bar_after_failures,
        settings.bar_on_latest_year,
        settings.weights,
    ) == (1, 1, False, {"B1": D(0)})
    assert (
        settings.due_after_years,
        settings.incentive_min_stars,
        settings.interview_due_days,
        settings.reapply_bar_years,
        settings.provisional_part_b_share,
        settings.experts_required,
        settings.withdraw_days,
    ) == (1, 1, 1, 0, D(1), 1, 0)
    assert settings.incentives == ((5, ("荣誉",)), (3, ("资金", "试点")))
    assert settings.part_b_max == 25


def test_settings_added_later_have_their_defaults_when_absent():
    stored = {
        key: value
        for key, value in DEFAULT_SCHEME.items()
        if key not in ("provisional_part_b_share", "weights", "partial_credit_cap")
    }
    settings = SchemeSettings.from_dict({**stored, "incentive_min_stars": 3})
    assert settings.provisional_part_b_share == D("0.8")
    assert settings.partial_credit_cap == D("0.99")
    assert (settings.weights, settings.experts_required, settings.withdraw_days) == ({}, 3, 30)
    # before incentives were listed, every class from incentive_min_stars up had both measures
    assert settings.incentives == ((5, SEED_INCENTIVES), (4, SEED_INCENTIVES), (3, SEED_INCENTIVES))
    assert SEED_INCENTIVES == ("重点项目资金支持", "试点名额分配优先")


WHOLE_1 = "须为不小于 1 的整数"
WHOLE_0 = "须为不小于 0 的整数"
WHOLE_3 = "须为不小于 3 的整数"
RANGE = "超出范围"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"period_years": 0}, "period_years", WHOLE_1),
        ({"period_years": True}, "period_years", WHOLE_1),
        ({"period_years": "3"}, "period_years", WHOLE_1),
        ({"part_a_max": "-0.01"}, "part_a_max", RANGE),
        ({"part_a_max": "100.01"}, "part_a_max", RANGE),
        ({"part_a_max": "many"}, "part_a_max", "不是数字"),
        ({"part_a_max": "NaN"}, "part_a_max", RANGE),
        ({"part_a_max": "Infinity"}, "part_a_max", RANGE),
        ({"binding_share": "1.01", "reference_share": "-0.01"}, "binding_share", RANGE),
        ({"binding_share": "-0.01", "reference_share": "1.01"}, "binding_share", RANGE),
        ({"reference_share": "1.01"}, "reference_share", RANGE),
        ({"reference_share": "-0.01"}, "reference_share", RANGE),
        ({"binding_share": "0.6"}, "binding_share", "约束性与参考性指标权重之和须为 1"),
        ({"tolerance": "0.00009"}, "tolerance", RANGE),
        ({"tolerance": "1.0001"}, "tolerance", RANGE),
        ({"partial_credit_cap": "0"}, "partial_credit_cap", None),
        ({"partial_credit_cap": "1"}, "partial_credit_cap", None),
        ({"partial_credit_cap": "-0.5"}, "partial_credit_cap", None),
        ({"partial_credit_cap": "1.5"}, "partial_credit_cap", None),
        ({"partial_credit_cap": "high"}, "partial_credit_cap", "不是数字"),
        ({"score_step": "0.009"}, "score_step", RANGE),
        ({"score_step": "10.01"}, "score_step", RANGE),
        ({"trim_from": 2}, "trim_from", WHOLE_3),
        ({"feature_min": "-0.1"}, "feature_min", RANGE),
        ({"feature_max": "-0.1", "feature_min": "-0.2"}, "feature_min", RANGE),
        ({"feature_max": "-0.1", "feature_min": "0"}, "feature_max", RANGE),
        ({"feature_cap": "-0.1"}, "feature_cap", RANGE),
        ({"feature_min": "2.5"}, "feature_min", "特色分单项下限超过上限"),
        ({"thresholds": {"5": "100.1"}}, "thresholds.5", RANGE),
        ({"thresholds": {"5": "-1"}}, "thresholds.5", RANGE),
        ({"thresholds": {"0": "50"}}, "thresholds.stars", WHOLE_1),
        ({"cap_stars": 0}, "cap_stars", WHOLE_1),
        ({"revoke_after_failures": 0}, "revoke_after_failures", WHOLE_1),
        ({"bar_after_failures": 0}, "bar_after_failures", WHOLE_1),
        ({"weights": {"B1": "-1"}}, "weights.B1", RANGE),
        ({"due_after_years": 0}, "due_after_years", WHOLE_1),
        ({"incentive_min_stars": 0}, "incentive_min_stars", WHOLE_1),
        ({"interview_due_days": 0}, "interview_due_days", WHOLE_1),
        ({"reapply_bar_years": -1}, "reapply_bar_years", WHOLE_0),
        ({"provisional_part_b_share": "1.1"}, "provisional_part_b_share", RANGE),
        ({"provisional_part_b_share": "-0.1"}, "provisional_part_b_share", RANGE),
        ({"experts_required": 0}, "experts_required", WHOLE_1),
        ({"withdraw_days": -1}, "withdraw_days", WHOLE_0),
        ({"work_items": [{"code": "A", "name": "A", "max": "-1"}]}, "work_items.A.max", RANGE),
        (
            {"work_items": [{"code": "A", "name": "A", "max": "1"}] * 2},
            "work_items",
            "子项代码重复",
        ),
    ],
)
def test_a_bad_setting_is_refused_naming_it(changes, field, message):
    with pytest.raises(SchemeError) as caught:
        scheme(**changes)
    if message is None:  # a new message, translated when the catalogue is next merged
        message = gettext("a fraction strictly between 0 and 1 is required")
    assert (caught.value.field, str(caught.value)) == (field, f"{field}: {message}")


@pytest.mark.parametrize(
    ("incentives", "field", "msgid"),
    [
        (["资金"], "incentives", "a list of measures for each star class is required"),
        ({"2": ["资金"]}, "incentives.2", "star classes are 5, 4 and 3"),
        ({"5": "资金"}, "incentives.5", "each measure is a non-empty text"),
        ({"4": ["资金", " "]}, "incentives.4", "each measure is a non-empty text"),
        ({"3": [1]}, "incentives.3", "each measure is a non-empty text"),
    ],
)
def test_bad_incentives_are_refused_naming_the_class(incentives, field, msgid):
    with pytest.raises(SchemeError) as caught:
        scheme(incentives=incentives)
    assert (caught.value.field, str(caught.value)) == (field, f"{field}: {gettext(msgid)}")


@pytest.mark.parametrize("key", ["period_years", "tolerance", "thresholds", "work_items"])
def test_a_missing_setting_is_refused_naming_it(key):
    stored = {k: v for k, v in DEFAULT_SCHEME.items() if k != key}
    with pytest.raises(SchemeError) as caught:
        SchemeSettings.from_dict(stored)
    assert (caught.value.field, str(caught.value)) == (key, f"{key}: 缺少该设置")


# ---------------------------------------------------------------------------- Part A: classes


def test_a_zone_with_no_binding_indicator_gives_the_reference_class_everything():
    card = rate(
        [
            ind("B", ">=1", dict.fromkeys(PERIOD, 0), scope="city"),  # not for a county
            ind("R1", ">=90", dict.fromkeys(PERIOD, 90), "reference"),
            ind("R2", ">=50", {2021: 50, 2022: 45, 2023: "47.5"}, "reference"),
        ]
    )
    scores = by_code(card)
    assert (scores["B"].applicable, scores["B"].weight, scores["B"].points) == (False, 0, 0)
    assert scores["B"].years == {}
    assert [scores["R2"].years[y].score for y in PERIOD] == [1, D("0.5"), D("0.75")]
    assert (scores["R1"].weight, scores["R2"].weight) == (D("0.5"), D("0.5"))
    assert (scores["R1"].score, scores["R2"].score) == (1, D("0.75"))
    assert (scores["R1"].points, scores["R2"].points) == (D("37.5"), D("28.125"))
    assert card.part_a == D("65.625")  # 75 × (0.5 × 1 + 0.5 × 0.75)
    assert card.rules == ()  # a missed reference indicator bars nothing


def test_both_classes_share_part_a_seventy_thirty():
    card = rate(
        [
            ind("B", ">=20", {2021: 20, 2022: 20, 2023: 19}),
            met("R", "reference"),
        ]
    )
    scores = by_code(card)
    assert (scores["B"].weight, scores["R"].weight) == (D("0.7"), D("0.3"))
    assert scores["B"].score == D("2.75") / 3  # (1 + 1 + 0.75) / 3
    assert card.part_a == 75 * (D("0.7") * (D("2.75") / 3) + D("0.3"))


def test_a_zone_with_no_applicable_indicator_has_no_part_a():
    card = rate(
        [ind("C", ">=1", dict.fromkeys(PERIOD, 1), scope="city")],
        work={"推进力度": [6]},
    )
    assert (card.part_a, card.part_b, str(card.total)) == (0, 6, "6.0")
    assert card.indicators[0].applicable is False


def test_an_indicator_without_a_target_for_the_region_does_not_count_and_says_why():
    card = rate([ind("V", "[city] >=95", dict.fromkeys(PERIOD, 99)), met("B")])
    row = by_code(card)["V"]
    assert (row.applicable, row.weight, row.score) == (False, 0, 0)
    assert [(y.verdict, y.score, y.reason) for y in row.years.values()] == [
        ("not_applicable", 0, "该类地区无目标值")
    ] * 3
    assert by_code(card)["B"].weight == 1
    assert card.part_a == 75


def test_own_weights_split_each_class():
    settings = scheme(weights={"B1": "3", "R1": "1.5"})
    card = rate(
        [
            met("B1"),
            ind("B2", ">=20", {2021: 25, 2022: 25, 2023: 20}),
            met("R1", "reference"),
            ind("R2", ">=20", dict.fromkeys(PERIOD, 18), "reference"),
        ],
        scheme=settings,
    )
    scores = by_code(card)
    assert [scores[c].weight for c in ("B1", "B2", "R1", "R2")] == [
        D("0.525"),  # 0.7 × 3 / 4
        D("0.175"),  # 0.7 × 1 / 4
        D("0.18"),  # 0.3 × 1.5 / 2.5
        D("0.12"),  # 0.3 × 1 / 2.5
    ]
    assert [scores[c].points for c in ("B1", "B2", "R1", "R2")] == [
        D("39.375"),
        D("13.125"),
        D("13.5"),
        D("4.5"),  # 75 × 0.12 × 0.5
    ]
    assert card.part_a == D("70.5")  # 75 × (0.525 + 0.175 + 0.18 + 0.12 × 0.5)


def test_a_class_whose_own_weights_are_all_zero_weighs_nothing():
    settings = scheme(weights={"R1": "0", "R2": "0"})
    card = rate(
        [
            ind("B", ">=20", {2021: 20, 2022: 20, 2023: 18}),
            met("R1", "reference"),
            met("R2", "reference"),
        ],
        scheme=settings,
    )
    scores = by_code(card)
    assert (scores["B"].weight, scores["R1"].weight, scores["R2"].weight) == (D("0.7"), 0, 0)
    # Part A is the weighted mean over what weighs: B alone, (1 + 1 + 0.5) / 3
    assert card.part_a == 75 * (D("0.7") * (D("2.5") / 3)) / D("0.7")


def test_an_indicator_of_neither_class_weighs_nothing():
    card = rate([met("B"), met("X", attribute="other")])
    scores = by_code(card)
    assert (scores["B"].weight, scores["X"].weight, scores["X"].points) == (1, 0, 0)
    assert scores["X"].score == 1
    assert card.part_a == 75


# ---------------------------------------------------------------------------- completion


@pytest.mark.parametrize(
    ("rule", "figure", "credit"),
    [
        (">=20", "19", D("0.75")),  # 1 − 1 / (0.2 × 20)
        (">=20", "16", 0),  # 1 − 4 / 4
        (">=20", "10", 0),  # below 0: 0
        ("<=0.70", "0.77", D("0.5")),
        ("=100", "98", D("0.9")),
        ("=100", "102", D("0.9")),
        (">=1", "0.9", D("0.5")),  # target 1
        ("<=1", "1.1", D("0.5")),
        ("=1", "0.95", D("0.75")),
        (">=1", "0.75", 0),
        (">=0", "-1", 0),  # target 0: no partial credit
        ("<=0", "0.5", 0),
        ("=0", "0.01", 0),
        (">=-10", "-11", D("0.5")),  # 1 − 1 / (0.2 × |−10|)
        ("<-10", "-9", D("0.5")),
        (">5", "5", D("0.99")),  # a strict bound missed by nothing still misses
        ("<3", "3", D("0.99")),
        (">5", "4.995", D("0.99")),  # 0.995 capped
        (">5", "4.99", D("0.99")),  # exactly the cap
        (">5", "4.98", D("0.98")),
        (">5", "4.9", D("0.9")),
        (">5", "4.5", D("0.5")),
    ],
)
def test_partial_credit_of_a_missed_year(rule, figure, credit):
    card = rate([ind("B", rule, {2023: figure})], period=(2023,))
    year = card.indicators[0].years[2023]
    assert (year.verdict, year.score) == ("not_met", credit)
    assert card.indicators[0].score == credit


def test_partial_credit_cap_is_a_scheme_setting():
    settings = scheme(partial_credit_cap="0.9")
    card = rate([ind("B", ">5", {2023: 5}), ind("C", ">=20", {2023: 19})], period=(2023,))
    capped = rate(
        [ind("B", ">5", {2023: 5}), ind("C", ">=20", {2023: 19})], period=(2023,), scheme=settings
    )
    assert [i.score for i in card.indicators] == [D("0.99"), D("0.75")]
    assert [i.score for i in capped.indicators] == [D("0.9"), D("0.75")]


def test_partial_credit_reads_the_tolerance_of_the_scheme():
    settings = scheme(tolerance="0.5")
    card = rate([ind("B", ">=20", {2023: 16})], period=(2023,), scheme=settings)
    assert card.indicators[0].score == D("0.6")  # 1 − 4 / (0.5 × 20)


def test_partial_credit_function_on_each_comparison():
    assert partial_credit(Compare(">=", D(20)), D(19), SCHEME) == D("0.75")
    assert partial_credit(Compare(">", D(20)), D(19), SCHEME) == D("0.75")
    assert partial_credit(Compare("<=", D(20)), D(21), SCHEME) == D("0.75")
    assert partial_credit(Compare("<", D(20)), D(21), SCHEME) == D("0.75")
    assert partial_credit(Compare("=", D(20)), D(19), SCHEME) == D("0.75")
    assert partial_credit(Compare("=", D(20)), D(21), SCHEME) == D("0.75")
    assert partial_credit(Compare(">=", D(0)), D(-1), SCHEME) == 0


def test_only_a_single_numeric_threshold_of_an_annual_task_earns_partial_credit():
    card = rate(
        [
            ind("P", ">=20", dict.fromkeys(PERIOD, 19), kind="process"),
            ind("AND", ">=20 & yes", {y: Reported(number=D(19), yes=True) for y in PERIOD}),
            ind("TASK", "task", {y: Reported(task=False) for y in PERIOD}),
            ind("NUM", "task", {y: Reported(number=D(19)) for y in PERIOD}),
        ]
    )
    assert [i.score for i in card.indicators] == [0, 0, 0, 0]
    assert [y.score for y in by_code(card)["P"].years.values()] == [0, 0, 0]


def test_a_value_not_reported_scores_zero_and_says_so():
    card = rate(
        [
            ind("B", ">=20", {2021: 20, 2022: None, 2023: 20}),
            ind("S", "state:建立", {2021: Reported(state="建立")}),
        ]
    )
    b, s = by_code(card)["B"], by_code(card)["S"]
    assert (b.years[2022].verdict, b.years[2022].score) == ("not_met", 0)
    assert b.years[2022].reason == "未填报：未填报数值"
    assert b.score == D(2) / 3
    assert [y.reason for y in s.years.values()] == [
        "状态为“建立”，符合要求",
        "未填报：未填报状态",
        "未填报：未填报状态",
    ]


def test_a_trend_compares_with_the_year_before_the_period():
    card = rate([ind("T", "trend:higher", {2020: 50, 2021: 49, 2022: 60, 2023: 61})])
    years = by_code(card)["T"].years
    assert [years[y].verdict for y in PERIOD] == ["not_met", "met", "met"]
    assert years[2021].reason == "上年 50 → 本年 49，较上年变差"


def test_a_year_on_an_older_edition_earns_partial_credit_on_that_edition_target():
    definition, values = ind("B", ">=55", {2021: 45, 2022: 56, 2023: 56})
    own = definition._replace(by_year=((2021, parse_rule(">=50")), (2020, parse_rule(">=1"))))
    row = rate([(own, values)]).indicators[0]
    assert [y.score for y in row.years.values()] == [D("0.5"), 1, 1]  # 1 − 5 / (0.2 × 50)
    assert row.years[2021].reason == "45 未达到 ≥ 50"


# ---------------------------------------------------------------------------- stability


def test_stability_is_one_when_held_every_year():
    card = rate(
        [ind("P", "state:建立", {y: Reported(state="建立") for y in PERIOD}, kind="process")]
    )
    row = card.indicators[0]
    assert (row.score, row.weight, row.points) == (1, 1, 75)


def test_stability_is_zero_when_not_held_in_the_latest_year():
    values = {2021: 20, 2022: 20, 2023: 19}
    card = rate([ind("P", ">=20", values, kind="process"), met("R", "reference")])
    row = by_code(card)["P"]
    assert [y.verdict for y in row.years.values()] == ["met", "met", "not_met"]
    assert (row.score, row.points) == (0, 0)


def test_stability_is_the_share_of_years_held_over_a_longer_period():
    period = (2020, 2021, 2022, 2023)
    values = {2020: 19, 2021: 20, 2022: 19, 2023: 20}
    card = rate([ind("P", ">=20", values, kind="process")], period=period)
    assert card.indicators[0].score == D("0.5")


# ---------------------------------------------------------------------------- Part B and C


def test_expert_scores_are_trimmed_from_the_scheme_count_on():
    three = scheme(trim_from=3)
    card = rate(
        [met("B")],
        work={"推进力度": [4, 6, 9], "试点创新": [2, 5], "建设成效": []},
        scheme=three,
    )
    assert card.work == {"推进力度": 6, "试点创新": D("3.5"), "建设成效": 0}
    five = rate([met("B")], work={"推进力度": [4, 6, 9]})
    assert five.work["推进力度"] == D("19") / 3  # three scores, five needed to trim
    assert five.part_b == D("19") / 3


def test_five_experts_drop_the_highest_and_the_lowest():
    card = rate([met("B")], work={"推进力度": [9, 3, 10, 7, 8], "建设成效": [7, 7, 7, 7, 0]})
    assert card.work == {"推进力度": 8, "试点创新": 0, "建设成效": 7}  # (7 + 8 + 9) / 3
    assert card.part_b == 15


@pytest.mark.parametrize(
    ("features", "part_c"),
    [([2, 2, "1.5"], 5), ([2, 2, 1], 5), ([2, 2, "0.5"], D("4.5")), ([], 0)],
)
def test_feature_points_are_capped(features, part_c):
    assert rate([met("B")], features=features).part_c == part_c


def test_the_feature_cap_is_a_scheme_setting():
    assert rate([met("B")], features=[2, 2], scheme=scheme(feature_cap="3")).part_c == 3


def test_the_total_is_capped_at_100():
    card = rate([met("B")], work=FULL_WORK, features=[2, 2, 1])
    assert (card.part_a, card.part_b, card.part_c) == (75, 25, 5)
    assert (str(card.total), card.stars) == ("100.0", 5)


# ---------------------------------------------------------------------------- total and stars


def reference_zone(figure):
    """Part A = 75 × the credit of one reference indicator (no rule can apply)."""
    return [ind("R", ">=100", {2023: figure}, "reference")]


@pytest.mark.parametrize(
    ("figure", "work", "features", "total", "stars"),
    [
        (100, [10, 5], [], "90.0", 5),
        (100, [10, 4], ["0.9"], "89.9", 4),
        (100, [5], [], "80.0", 4),
        (100, [4], ["0.9"], "79.9", 3),
        (96, [10], [], "70.0", 3),  # Part A 75 × 0.8
        (96, [9], ["0.9"], "69.9", 0),
        (96, [9], ["0.95"], "70.0", 3),  # 69.95 rounds half-up
        (96, [9], ["0.94"], "69.9", 0),
        (100, [10, 4], ["0.95"], "90.0", 5),  # 89.95
        (96, [10], ["0.65"], "70.7", 3),  # 70.65: half-even would give 70.6
    ],
)
def test_total_thresholds_and_half_up_rounding(figure, work, features, total, stars):
    card = rate(
        reference_zone(figure),
        work=dict(zip(["推进力度", "试点创新"], [[w] for w in work], strict=False)),
        features=features,
        period=(2023,),
    )
    assert (str(card.total), card.stars_before_rules, card.stars, card.rules) == (
        total,
        stars,
        stars,
        (),
    )


def test_thresholds_come_from_the_scheme():
    settings = scheme(thresholds={"5": "95", "4": "85", "3": "75"})
    card = rate(reference_zone(100), work={"推进力度": [10], "试点创新": [8]}, period=(2023,))
    strict = rate(
        reference_zone(100),
        work={"推进力度": [10], "试点创新": [8]},
        period=(2023,),
        scheme=settings,
    )
    assert (str(card.total), card.stars, strict.stars) == ("93.0", 5, 4)


# ---------------------------------------------------------------------------- years read


def test_years_read_for_each_kind_of_indicator():
    county = RegionFacts(level="county")
    plain = IndicatorDef("A", "A", "binding", "annual", "both", "", parse_rule(">=1"))
    trend = plain._replace(rule=parse_rule("task & trend:higher"))
    city = plain._replace(scope="city")
    assert years_read(plain, county, [2021, 2022, 2023]) == {2021, 2022, 2023}
    assert years_read(trend, county, [2022, 2023, 2021]) == {2020, 2021, 2022, 2023}
    assert years_read(city, county, [2021, 2022, 2023]) == frozenset()
    coastal = plain._replace(condition="coastal")
    assert years_read(coastal, county, [2023]) == frozenset()
    assert years_read(coastal, RegionFacts(level="county", coastal=True), [2023]) == {2023}
