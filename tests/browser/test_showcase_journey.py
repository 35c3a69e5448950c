"""The public home page in a real browser: the map, a hover, a click through to a zone."""

import pytest

from ecozone.demo.services import load_roster
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def roster(transactional_db, django_db_serialized_rollback):
    load_roster()


def test_hover_a_county_and_follow_it_to_its_page(page, roster):
    page.goto(page.base + "/")
    page.wait_for_selector("#map[data-ready=true]")
    assert page.locator("#map").get_attribute("data-counties") == "90"
    assert "覆盖率 96.0%" in page.get_by_test_id("figure-provincial").inner_text()
    assert "覆盖率 48.5%" in page.get_by_test_id("figure-national").inner_text()
    screenshot(page, "showcase-home")
    box = page.locator("#map").bounding_box()
    # the middle of the province (金华/丽水 area) is land whatever the exact projection
    page.mouse.move(box["x"] + box["width"] * 0.48, box["y"] + box["height"] * 0.55)
    tooltip = page.locator("#map div", has_text="·").last
    tooltip.wait_for(state="visible")
    text = tooltip.inner_text()
    assert "市" in text
    screenshot(page, "showcase-hover")
    page.mouse.click(box["x"] + box["width"] * 0.48, box["y"] + box["height"] * 0.55)
    page.wait_for_url("**/zones/33*/")
    assert page.get_by_test_id("zone-name").inner_text() in text
    assert page.locator("[data-testid=zone-titles] li").count() >= 1
    screenshot(page, "showcase-zone")
    page.goto(page.base + "/")
    page.click("[data-layer=stars]")
    assert page.locator("#map").get_attribute("data-layer") == "stars"
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base + "/compare/")
    assert page.locator("[data-testid=compare-table] tbody tr").count() == 11
    screenshot(page, "showcase-compare-phone")
    assert page.errors == []
