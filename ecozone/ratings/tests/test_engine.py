"""The scoring engine, with hand-computed cases for every rule of SPEC §7.1 and properties."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecozone.indicators.rules import RegionFacts, Reported, parse_rule
from ecozone.ratings.default_scheme import DEFAULT_SCHEME
from ecozone.ratings.engine import (
    IndicatorDef,
    InputError,
    RatingInput,
    SchemeSettings,
    compute,
    compute_all,
)
from ecozone.ratings.serialization import card_to_json

D = Decimal
SCHEME = SchemeSettings.from_dict(DEFAULT_SCHEME)
COUNTY = RegionFacts(level="county", terrain="丘陵")
PERIOD = (2021, 2022, 2023)


def ind(code, rule, values, attribute="binding", kind="annual", scope="both", condition=""):
    parsed = {}
    for year, value in values.items():
        if value is None:
            continue
        parsed[year] = value if isinstance(value, Reported) else Reported(number=D(str(value)))
    return IndicatorDef(code, code, attribute, kind, scope, condition, parse_rule(rule)), parsed


def rate(
    indicators,
    work=None,
    features=(),
    vetoes=(),
    bars=(),
    period=PERIOD,
    region=COUNTY,
    scheme=SCHEME,
):
    work = {k: tuple(D(str(s)) for s in v) for k, v in (work or {}).items()}
    return compute(
        RatingInput(
            scheme,
            region,
            period,
            tuple(d for d, _values in indicators),
            {d.code: values for d, values in indicators},
            work,
            tuple(D(str(f)) for f in features),
            tuple(vetoes),
            tuple(bars),
        )
    )


def by_code(card):
    return {i.code: i for i in card.indicators}


def test_a_hand_computed_score_card():
    card = rate(
        [
            ind("B1", ">=20", {2021: 22, 2022: 22, 2023: 23}),
            ind("B2", ">=20", {2021: 20, 2022: 18, 2023: 20}),
            ind("R1", ">=90", {2021: 81, 2022: None, 2023: 90}, attribute="reference"),
        ],
        work={"推进力度": ["8", "9.5"], "试点创新": ["6"]},
        features=["1.5", "2", "2"],
    )
    scores = by_code(card)
    assert scores["B1"].score == 1
    assert [scores["B2"].years[y].score for y in PERIOD] == [1, D("0.5"), 1]  # 1 − 2 / (0.2 × 20)
    assert [scores["R1"].years[y].score for y in PERIOD] == [
        D("0.5"),
        0,
        1,
    ]  # 1 − 9 / 18; missing is 0
    assert scores["R1"].years[2022].reason == "未填报：未填报数值"
    assert (scores["B1"].weight, scores["R1"].weight) == (D("0.35"), D("0.3"))
    assert card.part_a.quantize(D("0.0001")) == D("59.3750")  # 75 × (0.35 + 0.35 × 5/6 + 0.3 × 0.5)
    assert card.work == {"推进力度": D("8.75"), "试点创新": 6, "建设成效": 0}
    assert (card.part_b, card.part_c) == (D("14.75"), 5)  # features 5.5 capped at 5
    assert (str(card.total), card.stars, card.rating, card.rules) == ("79.1", 3, "三星", ())


def test_partial_credit_for_equal_and_at_most_rules_and_region_variants():
    card = rate(
        [
            ind("EQ", "=100", dict.fromkeys(PERIOD, 98)),
            ind("LE", "<=0.70", dict.fromkeys(PERIOD, "0.77")),
            ind("VAR", "[city] >=95 ; [county] >=85", dict.fromkeys(PERIOD, 80)),
            ind("TASK", "task", {y: Reported(task=False) for y in PERIOD}),
        ]
    )
    scores = by_code(card)
    assert scores["EQ"].score == D("0.9")  # distance 2 / 20
    assert scores["LE"].score == D("0.5")  # 0.07 / 0.14
    assert scores["VAR"].score.quantize(D("0.0001")) == D("0.7059")  # 1 − 5 / 17
    assert scores["TASK"].score == 0  # not a numeric threshold: a miss scores 0


def test_stability_of_process_indicators():
    held = {
        2021: Reported(state="建立"),
        2022: Reported(state="未开展"),
        2023: Reported(state="建立"),
    }
    lost = {
        2021: Reported(state="建立"),
        2022: Reported(state="建立"),
        2023: Reported(state="未开展"),
    }
    card = rate(
        [
            ind("P1", "state:建立", held, kind="process"),
            ind("P2", "state:建立", lost, kind="process"),
        ]
    )
    assert by_code(card)["P1"].score == D(2) / D(3)
    assert by_code(card)["P2"].score == 0  # not held in the latest year


def test_a_trend_without_last_year_counts_as_met_and_says_so():
    card = rate([ind("T", "trend:higher", {2021: 50, 2022: 49, 2023: 52})])
    years = by_code(card)["T"].years
    assert (years[2021].verdict, years[2021].reason) == ("met", "无上年数值可比，视为达标")
    assert years[2022].verdict == "not_met"


def test_applicability_and_class_shares():
    card = rate(
        [
            ind("B", ">=1", dict.fromkeys(PERIOD, 1)),
            ind("CITY", ">=1", dict.fromkeys(PERIOD, 0), attribute="reference", scope="city"),
            ind("COAST", ">=1", dict.fromkeys(PERIOD, 0), "reference", condition="coastal"),
        ]
    )
    scores = by_code(card)
    assert (scores["CITY"].applicable, scores["COAST"].applicable) == (False, False)
    assert scores["B"].weight == 1  # the reference class is empty: binding takes everything
    assert card.part_a == 75


def test_expert_scores_are_trimmed_from_five_on():
    card = rate(
        [ind("B", ">=1", dict.fromkeys(PERIOD, 1))],
        work={"推进力度": [5, 6, 7, 8, 10], "试点创新": [2, 8, 4, 6]},
    )
    assert card.work["推进力度"] == 7  # 5 and 10 dropped
    assert card.work["试点创新"] == 5  # four scores: plain mean


def test_total_rounds_half_up_from_unrounded_parts():
    card = rate([ind("B", ">=100", {2023: "99.8"})], period=(2023,), work={"推进力度": [10]})
    assert card.part_a == D("74.25")  # 75 × (1 − 0.2 / 20)
    assert str(card.total) == "84.3"  # 84.25 → 84.3 (half-up, not half-even)
    assert (card.stars_before_rules, card.stars) == (4, 3)  # missed in the latest year: capped


def test_a_veto_revokes_whatever_the_total():
    card = rate(
        [ind("B", ">=1", dict.fromkeys(PERIOD, 1))],
        work={"推进力度": [10], "试点创新": [8], "建设成效": [7]},
        vetoes=["data_fraud"],
    )
    assert (str(card.total), card.stars_before_rules, card.stars, card.rating) == (
        "100.0",
        5,
        0,
        "取消评星",
    )
    assert [(r.code, r.effect, r.reason) for r in card.rules] == [
        ("data_fraud", "revoke", "否决项：经查实存在数据造假")
    ]


def test_three_consecutive_misses_of_a_binding_indicator_revoke():
    card = rate(
        [ind("B", ">=20", dict.fromkeys(PERIOD, 10)), ind("OK", ">=1", dict.fromkeys(PERIOD, 1))],
        work={"推进力度": [10]},
    )
    assert card.stars == 0
    assert [(r.code, r.effect) for r in card.rules] == [("consecutive_failure:B", "revoke")]
    assert card.rules[0].reason == "约束性指标 B B 连续 3 年未达标"


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({2021: 25, 2022: 25, 2023: 19}, "not_met_latest:B"),
        ({2021: 19, 2022: 19, 2023: 25}, "not_met_consecutive:B"),
    ],
)
def test_bar_excellence_caps_at_three_stars(values, code):
    full = {"推进力度": [10], "试点创新": [8], "建设成效": [7]}
    card = rate(
        [
            ind("B", ">=20", values),
            *[ind(f"R{i}", ">=1", dict.fromkeys(PERIOD, 1), "reference") for i in range(3)],
        ],
        work=full,
        features=[2, 2, 1],
    )
    assert (card.stars_before_rules, card.stars) == (5, 3)
    assert [(r.code, r.effect) for r in card.rules] == [(code, "cap")]


def test_a_recorded_bar_item_caps_but_never_raises():
    weak = rate(
        [ind("B", ">=1", dict.fromkeys((2023,), 0))], period=(2023,), bars=["inspection_notified"]
    )
    assert (weak.stars_before_rules, weak.stars) == (0, 0)
    assert weak.rules[-1].reason == "否优项：期内督察问题被公开通报"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"work": {"推进力度": ["8", "10.5"]}}, "work.推进力度[1]"),
        ({"work": {"推进力度": ["8.3"]}}, "work.推进力度[0]"),
        ({"work": {"宣传": ["1"]}}, "work.宣传"),
        ({"features": ["2.5"]}, "features[0]"),
        ({"vetoes": ["unknown"]}, "vetoes[0]"),
        ({"bars": ["major_incident"]}, "bars[0]"),
    ],
)
def test_out_of_range_inputs_are_refused_naming_the_field(kwargs, field):
    with pytest.raises(InputError) as caught:
        rate([ind("B", ">=1", {2023: 1})], **kwargs)
    assert caught.value.field == field


# ---------------------------------------------------------------------------- properties

values = st.decimals(min_value=0, max_value=150, places=1)


def _zone(v2021, v2022, v2023, extra=()):
    return [
        ind("B", ">=60", {2021: v2021, 2022: v2022, 2023: v2023}),
        ind("R", ">=90", {2021: 95, 2022: 80, 2023: 91}, attribute="reference"),
        *extra,
    ]


@settings(max_examples=80)
@given(
    a=values,
    b=values,
    c=values,
    raise_by=st.decimals(min_value=0, max_value=50, places=1),
    year=st.sampled_from(PERIOD),
)
def test_raising_a_value_never_lowers_the_total(a, b, c, raise_by, year):
    before = rate(_zone(a, b, c))
    raised = {2021: a, 2022: b, 2023: c}
    raised[year] += raise_by
    after = rate(_zone(raised[2021], raised[2022], raised[2023]))
    assert after.total >= before.total


@given(a=values, b=values, c=values, veto=st.sampled_from([code for code, _ in SCHEME.veto_items]))
def test_a_veto_always_revokes(a, b, c, veto):
    assert rate(_zone(a, b, c), work={"推进力度": [10]}, vetoes=[veto]).stars == 0


@given(
    a=values,
    b=values,
    c=values,
    scores=st.lists(st.sampled_from([D(x) / 2 for x in range(0, 15)]), max_size=6),
)
def test_a_cap_never_raises_and_results_are_deterministic(a, b, c, scores):
    work = {"推进力度": scores, "试点创新": [D(8)], "建设成效": [D(7)]}
    free = rate(_zone(a, b, c), work=work)
    capped = rate(_zone(a, b, c), work=work, bars=["inspection_notified"])
    assert capped.stars <= free.stars
    assert capped.stars <= 3
    assert rate(_zone(a, b, c), work=work) == free


# ---------------------------------------------------------------------------- many zones at once

zone_regions = st.sampled_from(
    [
        COUNTY,
        RegionFacts(level="county", terrain="山区", coastal=True),
        RegionFacts(level="city", terrain="平原"),
    ]
)
# Few distinct figures, written in different ways, so that zones share judgements.
figures = st.sampled_from(["17", "18.0", "20", "20.00", "21.5", "85", "95", "96.5"]).map(D)
answers = st.one_of(st.none(), st.builds(Reported, number=figures, task=st.booleans()))
YEARS = (2020, 2021, 2022, 2023)
CATALOGUE = (
    ind("B", ">=20", {})[0],
    ind("T", "task & trend:higher", {})[0],
    ind("V", "[city] >=95 ; [county] >=85", {})[0],
    ind("P", ">=20", {}, kind="process")[0],
    ind("R", "=20", {}, attribute="reference")[0],
    ind("C", ">=1", {}, attribute="reference", scope="city")[0],
)


@settings(max_examples=40)
@given(
    zones=st.lists(
        st.tuples(
            zone_regions,
            st.sampled_from([PERIOD, (2022, 2023)]),
            st.dictionaries(
                st.sampled_from([d.code for d in CATALOGUE]),
                st.dictionaries(st.sampled_from(YEARS), answers),
            ),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_many_zones_at_once_give_exactly_the_cards_of_one_at_a_time(zones):
    inputs = [
        RatingInput(SCHEME, region, period, CATALOGUE, values, {"推进力度": (D(8),)})
        for region, period, values in zones
    ]
    together = [card_to_json(card) for card in compute_all(inputs)]
    assert together == [card_to_json(compute(data)) for data in inputs]


def test_zones_sharing_judgements_keep_their_own_figures():
    def zone(figure):
        values = {"B": dict.fromkeys(PERIOD, Reported(number=D(figure)))}
        return RatingInput(SCHEME, COUNTY, PERIOD, CATALOGUE, values)

    first, second = zone(18), zone(19)
    cards = compute_all([first, second, first])
    reasons = [by_code(card)["B"].years[2023].reason for card in cards]
    assert reasons == ["18 未达到 ≥ 20", "19 未达到 ≥ 20", "18 未达到 ≥ 20"]
    assert [by_code(card)["B"].score for card in cards] == [D("0.5"), D("0.75"), D("0.5")]


def test_each_year_is_judged_on_the_target_of_its_own_edition():
    # ≥55 from 2023 on; 2021 and 2022 were reported on an edition whose target was ≥50
    definition, values = ind("ZJ-33", ">=55", {2021: 52, 2022: 50, 2023: 56})
    own = definition._replace(by_year=((2021, parse_rule(">=50")), (2022, parse_rule(">=50"))))
    row = rate([(own, values)]).indicators[0]
    assert [(year, y.verdict) for year, y in row.years.items()] == [
        (2021, "met"),
        (2022, "met"),
        (2023, "met"),
    ]
    assert row.score == D(1)
    # judged on today's target alone, the two earlier years miss (partial credit 52/55, 50/55)
    plain = rate([(definition, values)]).indicators[0]
    assert [y.verdict for y in plain.years.values()] == ["not_met", "not_met", "met"]
    assert [y.score for y in plain.years.values()][:2] == [
        1 - D(3) / (SCHEME.tolerance * 55),
        1 - D(5) / (SCHEME.tolerance * 55),
    ]


def test_a_year_whose_edition_lacked_the_indicator_is_not_applicable():
    definition, values = ind("ZJ-41", ">=95", {2023: 96}, attribute="reference", kind="process")
    new = definition._replace(by_year=((2021, None), (2022, None)))
    row = rate([(new, values)]).indicators[0]
    assert [(y.verdict, y.reason) for y in row.years.values()] == [
        ("not_applicable", "不在该年度所用的指标体系版本中"),
        ("not_applicable", "不在该年度所用的指标体系版本中"),
        ("met", "96 达到 ≥ 95"),
    ]
