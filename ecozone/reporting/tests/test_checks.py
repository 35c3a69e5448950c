from decimal import Decimal

import pytest

from ecozone.indicators.rules import RegionFacts, Reported, parse_rule
from ecozone.reporting.checks import (
    BINDING_NOT_MET,
    DEPT_MISMATCH,
    YOY,
    IndicatorSpec,
    compute_flags,
    parse_input,
    yoy_exceeds,
)

D = Decimal
COUNTY = RegionFacts(level="county", terrain="丘陵")


def spec(value_type="percent", rule=">=20", attribute="binding", states=()):
    return IndicatorSpec("X", value_type, attribute, parse_rule(rule), D("30"), states)


@pytest.mark.parametrize(
    ("value_type", "raw", "fields", "errors"),
    [
        ("percent", {"number": "93.2"}, {"number": D("93.2")}, {}),
        ("percent", {"number": "1,000"}, {}, {"number": "百分比应在 0 到 100 之间"}),
        ("percent", {"number": "-1"}, {}, {"number": "百分比应在 0 到 100 之间"}),
        ("number", {"number": "abc"}, {}, {"number": "“abc”不是数字"}),
        ("number", {"number": "1.23456"}, {}, {"number": "最多保留 4 位小数"}),
        ("number", {"number": "NaN"}, {}, {"number": "“NaN”不是数字"}),
        ("number", {"number": ""}, {"number": None}, {}),
        ("percent+task", {"number": "88", "task": "是"}, {"number": D("88"), "task": True}, {}),
        (
            "percent+task",
            {"number": "88", "task": "maybe"},
            {"number": D("88")},
            {"task": "请填写“是”或“否”"},
        ),
        ("yesno", {"yes": "否"}, {"yes": False}, {}),
        ("state", {"state": "建立"}, {"state": "建立"}, {}),
        ("state", {"state": "随便"}, {}, {"state": "请从以下选项中选择：建立、未开展"}),
    ],
)
def test_parse_input(value_type, raw, fields, errors):
    parsed = parse_input(spec(value_type=value_type, states=("建立", "未开展")), raw)
    assert parsed.errors == errors
    for name, expected in fields.items():
        assert getattr(parsed, name) == expected


@pytest.mark.parametrize(
    ("value", "previous", "exceeds"),
    [
        ("130", "100", False),
        ("130.1", "100", True),
        ("69.9", "100", True),
        ("70", "100", False),
        ("1", "0", True),
        ("0", "0", False),
        (None, "5", False),
        ("5", None, False),
    ],
)
def test_year_on_year_band(value, previous, exceeds):
    as_decimal = lambda text: None if text is None else D(text)  # noqa: E731
    assert yoy_exceeds(D("30"), as_decimal(value), as_decimal(previous)) is exceeds


def test_flags_need_explanations_for_each_reason():
    s = spec()
    assert compute_flags(s, Reported(number=D("25")), Reported(number=D("24")), None, COUNTY) == []
    assert compute_flags(s, Reported(number=D("15")), None, None, COUNTY) == [BINDING_NOT_MET]
    assert compute_flags(s, Reported(number=D("50")), Reported(number=D("25")), None, COUNTY) == [
        YOY
    ]
    assert compute_flags(s, Reported(number=D("25")), None, Reported(number=D("26")), COUNTY) == [
        DEPT_MISMATCH
    ]
    reference = spec(attribute="reference")
    assert compute_flags(reference, Reported(number=D("15")), None, None, COUNTY) == []
