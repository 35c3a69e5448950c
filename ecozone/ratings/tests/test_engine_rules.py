"""The rules that override the total (SPEC §7.1): veto items, consecutive failures, bar-excellence
items and the binding-indicator bars; validation of the inputs; and compute_all as one compute
per zone."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecozone.indicators.rules import RegionFacts, Reported, parse_rule
from ecozone.ratings.default_scheme import DEFAULT_SCHEME
from ecozone.ratings.engine import (
    CAP,
    RATING_LABELS,
    REVOKE,
    InputError,
    RatingInput,
    SchemeSettings,
    compute,
    compute_all,
)
from ecozone.ratings.tests.test_engine import COUNTY, PERIOD, SCHEME, ind, rate

D = Decimal
FULL_WORK = {"推进力度": [10], "试点创新": [8], "建设成效": [7]}
FOUR_YEARS = (2020, 2021, 2022, 2023)


def scheme(**changes):
    return SchemeSettings.from_dict({**DEFAULT_SCHEME, **changes})


def strong(*indicators, **kwargs):
    """A zone worth five stars before the rules: full Part B and C, three reference indicators
    met, and the binding indicators given."""
    references = [ind(f"R{i}", ">=1", dict.fromkeys(PERIOD, 1), "reference") for i in range(3)]
    return rate([*indicators, *references], work=FULL_WORK, features=[2, 2, 1], **kwargs)


def hits(card):
    return [(r.code, r.effect, r.reason) for r in card.rules]


def test_labels_and_effects():
    assert RATING_LABELS == {5: "五星", 4: "四星", 3: "三星", 0: "取消评星"}
    assert (REVOKE, CAP) == ("revoke", "cap")


# ---------------------------------------------------------------------------- veto and bar items


def test_veto_items_revoke_in_the_order_recorded():
    card = strong(vetoes=["quality_decline", "major_incident"])
    assert (card.stars_before_rules, card.stars, card.rating) == (5, 0, "取消评星")
    assert hits(card) == [
        ("quality_decline", "revoke", "否决项：生态环境质量明显下降"),
        ("major_incident", "revoke", "否决项：期内发生重大或特别重大突发环境事件、生态破坏事件"),
    ]


def test_a_bar_item_caps_at_the_scheme_star_class():
    card = strong(bars=["inspection_notified"])
    assert (card.stars_before_rules, card.stars, card.rating) == (5, 3, "三星")
    assert hits(card) == [("inspection_notified", "cap", "否优项：期内督察问题被公开通报")]
    four = strong(bars=["inspection_notified"], scheme=scheme(cap_stars=4))
    assert (four.stars, four.rating) == (4, "四星")


def test_a_veto_wins_over_a_bar_item():
    card = strong(vetoes=["data_fraud"], bars=["inspection_notified"])
    assert card.stars == 0
    assert [(code, effect) for code, effect, _reason in hits(card)] == [
        ("data_fraud", "revoke"),
        ("inspection_notified", "cap"),
    ]


def test_without_rules_the_star_class_stands():
    card = strong()
    assert (str(card.total), card.stars_before_rules, card.stars, card.rules) == (
        "100.0",
        5,
        5,
        (),
    )


# ---------------------------------------------------------------------------- binding indicators


def test_three_consecutive_misses_revoke_and_bar_nothing_more():
    card = strong(ind("B", ">=20", {2021: 19, 2022: 19, 2023: 19}))
    assert card.stars == 0
    assert hits(card) == [
        ("consecutive_failure:B", "revoke", "约束性指标 B B 连续 3 年未达标"),
    ]


def test_unreported_years_count_as_not_met_in_consecutive_failures():
    card = strong(ind("B", ">=20", {2021: 19, 2022: None, 2023: 19}))
    assert [code for code, _e, _r in hits(card)] == ["consecutive_failure:B"]
    nothing = strong(ind("B", ">=20", {}))
    assert [code for code, _e, _r in hits(nothing)] == ["consecutive_failure:B"]


def test_two_unreported_years_then_met_cap_for_consecutive_misses():
    card = strong(ind("B", ">=20", {2023: 25}))
    assert card.stars == 3
    assert hits(card) == [("not_met_consecutive:B", "cap", "约束性指标 B B 连续 2 年未达标")]


def test_a_miss_in_the_latest_year_caps():
    card = strong(ind("B", ">=20", {2021: 25, 2022: 25, 2023: None}))
    assert card.stars == 3
    assert hits(card) == [
        ("not_met_latest:B", "cap", "约束性指标 B B 在最近一年（2023 年）未达标"),
    ]


def test_a_miss_in_the_latest_year_caps_before_consecutive_misses_are_counted():
    card = strong(ind("B", ">=20", {2021: 25, 2022: 19, 2023: 19}))
    assert [code for code, _e, _r in hits(card)] == ["not_met_latest:B"]


def test_the_latest_year_bar_is_a_scheme_setting():
    off = scheme(bar_on_latest_year=False)
    once = strong(ind("B", ">=20", {2021: 25, 2022: 25, 2023: 19}), scheme=off)
    assert (once.stars, once.rules) == (5, ())
    twice = strong(ind("B", ">=20", {2021: 25, 2022: 19, 2023: 19}), scheme=off)
    assert [code for code, _e, _r in hits(twice)] == ["not_met_consecutive:B"]


def test_the_failure_counts_are_scheme_settings():
    values = {2021: 25, 2022: 19, 2023: 19}
    revoke_two = strong(ind("B", ">=20", values), scheme=scheme(revoke_after_failures=2))
    assert [code for code, _e, _r in hits(revoke_two)] == ["consecutive_failure:B"]
    assert hits(revoke_two)[0][2] == "约束性指标 B B 连续 2 年未达标"
    lenient = scheme(bar_on_latest_year=False, bar_after_failures=3)
    assert strong(ind("B", ">=20", values), scheme=lenient).rules == ()


def test_a_year_without_a_target_breaks_no_run_of_misses():
    definition, values = ind("B", ">=20", {2020: 19, 2021: 19, 2023: 19})
    new = definition._replace(by_year=((2022, None),))  # its edition had no such indicator
    card = strong((new, values), period=FOUR_YEARS)
    assert [y.verdict for y in card.indicators[0].years.values()] == [
        "not_met",
        "not_met",
        "not_applicable",
        "not_met",
    ]
    assert [code for code, _e, _r in hits(card)] == ["consecutive_failure:B"]
    assert hits(card)[0][2] == "约束性指标 B B 连续 3 年未达标"


def test_a_met_year_ends_a_run_of_misses():
    card = strong(ind("B", ">=20", {2020: 19, 2021: 19, 2022: 20, 2023: 19}), period=FOUR_YEARS)
    assert [code for code, _e, _r in hits(card)] == ["not_met_latest:B"]
    run = strong(
        ind("B", ">=20", {2020: 19, 2021: 20, 2022: 19, 2023: 19}),
        period=FOUR_YEARS,
        scheme=scheme(bar_on_latest_year=False),
    )
    assert hits(run) == [("not_met_consecutive:B", "cap", "约束性指标 B B 连续 2 年未达标")]


def test_the_latest_year_without_a_target_does_not_bar():
    definition, values = ind("B", ">=20", {2021: 19, 2022: 25})
    new = definition._replace(by_year=((2023, None),))
    card = strong((new, values))
    assert card.rules == ()


def test_reference_and_inapplicable_indicators_trigger_no_rule():
    card = strong(
        ind("R", ">=20", dict.fromkeys(PERIOD, 1), "reference"),
        ind("C", ">=20", dict.fromkeys(PERIOD, 1), scope="city"),
        ind("V", "[city] >=20", dict.fromkeys(PERIOD, 1)),
    )
    assert card.rules == ()
    assert card.stars == card.stars_before_rules == 4  # R misses: Part A 75 × 3/4


def test_each_failing_binding_indicator_has_its_own_rule():
    card = strong(
        ind("B1", ">=20", dict.fromkeys(PERIOD, 19)),
        ind("B2", ">=20", {2021: 25, 2022: 25, 2023: 19}),
        vetoes=["data_fraud"],
        bars=["inspection_notified"],
    )
    assert [(code, effect) for code, effect, _r in hits(card)] == [
        ("data_fraud", "revoke"),
        ("consecutive_failure:B1", "revoke"),
        ("not_met_latest:B2", "cap"),
        ("inspection_notified", "cap"),
    ]


def test_a_cap_never_raises_the_star_class():
    card = rate([ind("B", ">=20", {2021: 25, 2022: 25, 2023: 19})])
    assert (str(card.total), card.stars_before_rules, card.stars) == ("68.8", 0, 0)
    capped = rate([ind("B", ">=100", {2023: 99})], work=FULL_WORK, period=(2023,))
    assert (str(capped.total), capped.stars_before_rules, capped.stars) == ("96.3", 5, 3)


# ---------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"work": {"推进力度": ["-0.5"]}},
            "work.推进力度[0]",
            "分数应在 0 到 10 之间，以 0.5 为单位",
        ),
        (
            {"work": {"推进力度": ["10", "10.5"]}},
            "work.推进力度[1]",
            "分数应在 0 到 10 之间，以 0.5 为单位",
        ),
        (
            {"work": {"试点创新": ["7.7"]}},
            "work.试点创新[0]",
            "分数应在 0 到 8 之间，以 0.5 为单位",
        ),
        (
            {"work": {"宣传": ["1"]}},
            "work.宣传",
            "未知的子项；本方法的子项为 推进力度、试点创新、建设成效",
        ),
        ({"features": ["0.49"]}, "features[0]", "特色分单项应为 0.5 到 2 分"),
        ({"features": ["2", "2.01"]}, "features[1]", "特色分单项应为 0.5 到 2 分"),
        ({"vetoes": ["data_fraud", "x"]}, "vetoes[1]", "未知的否决项“x”"),
        ({"bars": ["major_incident"]}, "bars[0]", "未知的否优项“major_incident”"),
        ({"period": ()}, "period", "复核期没有年份"),
    ],
)
def test_bad_inputs_are_refused_naming_the_field(kwargs, field, message):
    with pytest.raises(InputError) as caught:
        rate([ind("B", ">=1", {2023: 1})], **kwargs)
    assert (caught.value.field, caught.value.message) == (field, message)
    assert str(caught.value) == f"{field}: {message}"


def test_inputs_at_their_bounds_are_accepted():
    card = rate(
        [ind("B", ">=1", {2023: 1})],
        period=(2023,),
        work={"推进力度": ["0", "10"], "建设成效": ["7"]},
        features=["0.5", "2"],
        vetoes=["inspection_unrectified"],
        bars=["inspection_notified"],
    )
    assert (card.work["推进力度"], card.part_b, card.part_c) == (5, 12, D("2.5"))


def test_a_scheme_step_other_than_a_half_is_checked():
    fine = scheme(score_step="0.25")
    assert rate([ind("B", ">=1", {2023: 1})], work={"推进力度": ["9.75"]}, scheme=fine).part_b == D(
        "9.75"
    )
    with pytest.raises(InputError) as caught:
        rate([ind("B", ">=1", {2023: 1})], work={"推进力度": ["9.7"]}, scheme=fine)
    assert caught.value.message == "分数应在 0 到 10 之间，以 0.25 为单位"


# ---------------------------------------------------------------------------- many zones at once

figures = st.sampled_from(["0", "5", "17", "18.0", "19.99", "20", "20.00", "21.5", "95"]).map(D)
answers = st.one_of(
    st.none(),
    st.builds(lambda n, t: Reported(number=n, task=t), figures, st.booleans()),
    st.sampled_from([Reported(state="建立"), Reported(state="未开展")]),
)
CATALOGUE = (
    ind("B", ">=20", {})[0],
    ind("S", ">5", {})[0],
    ind("T", "task & trend:higher", {})[0],
    ind("V", "[city] >=95 ; [非沿海] >=18", {})[0],
    ind("P", "state:建立", {}, kind="process")[0],
    ind("R", "=20", {}, attribute="reference")[0],
    ind("C", ">=1", {}, attribute="reference", condition="coastal")[0],
)
SCHEMES = [
    SCHEME,
    scheme(weights={"B": "2", "R": "0"}, partial_credit_cap="0.5", tolerance="1", trim_from=3),
    scheme(bar_on_latest_year=False, revoke_after_failures=2, cap_stars=4),
]


@settings(max_examples=60, deadline=None)
@given(
    zones=st.lists(
        st.tuples(
            st.sampled_from(SCHEMES),
            st.sampled_from(
                [
                    COUNTY,
                    RegionFacts(level="county", terrain="山区", coastal=True),
                    RegionFacts(level="city", terrain="平原"),
                ]
            ),
            st.sampled_from([PERIOD, (2022, 2023), (2023,)]),
            st.dictionaries(
                st.sampled_from([d.code for d in CATALOGUE]),
                st.dictionaries(st.sampled_from(FOUR_YEARS), answers),
            ),
            st.lists(st.sampled_from([D(x) / 2 for x in range(15)]), max_size=5),
        ),
        max_size=8,
    )
)
def test_compute_all_is_compute_of_each_zone(zones):
    inputs = [
        RatingInput(scheme, region, period, CATALOGUE, values, {"推进力度": tuple(scores)})
        for scheme, region, period, values, scores in zones
    ]
    assert compute_all(inputs) == [compute(data) for data in inputs]
    assert compute_all(iter(inputs)) == [compute(data) for data in inputs]


@settings(max_examples=60, deadline=None)
@given(
    rule=st.sampled_from([">5", ">=5", "<3", "<=3", "=4", ">=0", ">=-2"]),
    low=st.decimals(min_value=-10, max_value=10, places=2),
    raise_by=st.decimals(min_value=0, max_value=5, places=2),
)
def test_a_year_scores_monotonely_in_its_figure_and_only_a_met_year_scores_one(rule, low, raise_by):
    parsed = parse_rule(rule)
    lower_is_better = rule.startswith("<")
    high = low + raise_by
    worse, better = (high, low) if lower_is_better else (low, high)

    def year(figure):
        card = rate([ind("B", rule, {2023: figure})], period=(2023,))
        return card.indicators[0].years[2023]

    assert year(worse).score <= year(better).score or parsed.op == "="
    for figure in (low, high):
        judged = year(figure)
        assert (judged.score == 1) == (judged.verdict == "met")
        assert 0 <= judged.score <= 1
