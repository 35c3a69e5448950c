"""A re-examination period spanning two catalogue editions (decision 0010)."""

import pytest

from ecozone.demo.editions import load_provincial_edition, load_year_2024
from ecozone.demo.services import load_reports, load_roster
from ecozone.designations.models import Designation
from ecozone.ratings.default_scheme import DEFAULT_SCHEME
from ecozone.ratings.engine import SchemeSettings, compute
from ecozone.ratings.inputs import zone_inputs
from ecozone.ratings.models import Reexamination
from ecozone.ratings.serialization import indicator_defs, input_to_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def spanning():
    """吴兴区 (330502): 2019–2023 on N19, 2024 on the demo provincial edition ZJ23."""
    load_roster()
    load_reports(["330500", "330502"])
    load_provincial_edition()
    load_year_2024()
    designation = Designation.objects.filter(region__code="330502").first()
    zone = Reexamination(designation=designation, period=[2022, 2023, 2024])
    scheme = SchemeSettings.from_dict(DEFAULT_SCHEME)
    return zone_inputs([zone], scheme, with_items=False)[-1]


def test_each_year_keeps_the_target_of_the_edition_it_was_reported_on(spanning):
    data, edition = spanning
    assert edition == "ZJ23"
    defs = {d.code: d for d in data.indicators}
    # renumbered and stricter: 2022 and 2023 judged on N19-33's ≥50, 2024 on ZJ23-33's ≥55
    assert str(defs["ZJ23-33"].rule) == ">=55"
    assert [(y, str(r)) for y, r in defs["ZJ23-33"].by_year] == [(2022, ">=50"), (2023, ">=50")]
    assert [(y, str(r)) for y, r in defs["N19-26"].by_year] == [(2022, ">=80"), (2023, ">=80")]
    # new in ZJ23: not part of the earlier years' edition
    assert defs["ZJ23-41"].by_year == ((2022, None), (2023, None))
    # unchanged: no year of its own
    assert defs["N19-03"].by_year == ()
    # the earlier years' values follow the mapping to the new code
    assert sorted(data.values["ZJ23-33"]) == [2022, 2023, 2024]
    assert data.values["ZJ23-33"][2022] == data.values["N19-33"][2022]


def test_the_stored_inputs_recompute_the_same_card(spanning):
    data, edition = spanning
    stored = input_to_json(data, edition=edition, scheme_code="default", scheme_settings={})
    assert stored["indicators"][-1]["by_year"] == {"2022": None, "2023": None}
    again = data.__class__(**{**data.__dict__, "indicators": indicator_defs(stored["indicators"])})
    assert compute(again) == compute(data)
    card = compute(data)
    rows = {r.code: r for r in card.indicators}
    assert [y.verdict for y in rows["ZJ23-41"].years.values()] == [
        "not_applicable",
        "not_applicable",
        "met",
    ]
