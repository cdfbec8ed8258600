"""The search box and the search page's filters, as readers use them on a phone and a laptop."""

import pytest

from tests import factories as make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTROLS = "#search-form input:not([type=hidden]), #search-form select, .site-search input"


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
def test_the_search_form_fits_the_screen_with_controls_a_finger_can_hit(live_server, new_page, width, height):
    issue = make.issue(year=2026, number=5, running_number=125)
    make.article(issue, title="科普大篷车开进山区学校")
    page = new_page(width=width, height=height)

    page.goto(f"{live_server.url}/search/?q=科普")

    assert page.evaluate("document.documentElement.scrollWidth") <= width
    controls = page.locator(CONTROLS)
    assert controls.count() >= 6  # the header box, the query, section, year, issue and person
    for control in controls.all():
        box = control.bounding_box()
        assert box["height"] >= 40, control.get_attribute("name")
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, control.get_attribute("name")
        # Drawn by the site, not the browser's default control.
        assert control.evaluate("el => getComputedStyle(el).borderRadius") == "3px"
