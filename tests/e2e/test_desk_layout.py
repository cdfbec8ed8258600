"""The desk's pages at a laptop and on a phone: the editorial calendar's month grid becomes a
list of busy days on a phone, and no desk page scrolls sideways."""

import pytest
from django.urls import reverse

from bulletin import planning
from tests import factories as make
from tests.e2e.test_admin_layout import SIZES, log_in, scroll_width, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("name", ["desk:agenda", "desk:calendar", "desk:settings", "review:mine"])
def test_desk_pages_fit_the_screen(live_server, new_page, width, height, name):
    make.migrations_seed()
    chief = make.chief("zhubian")
    issue = make.draft_issue(year=2026, number=12, running_number=132)
    planning.plan(issue)
    for n in range(6):
        make.in_review(
            issue, at="初审", by=make.editor(f"bianji{n}"), title=f"全省科普示范县评估工作全面启动（{n + 1}）"
        )
    make.draft(issue, by=chief, title="省科协召开学术年会筹备工作会议暨年会组委会第一次全体会议")
    page = new_page(width, height)

    log_in(page, live_server, chief.username, reverse(name))

    shoot(page, f"{name.replace(':', '-')}-{width}")
    assert scroll_width(page) <= width
