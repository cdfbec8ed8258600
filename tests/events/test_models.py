import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.models import Event
from tests import factories as make

pytestmark = pytest.mark.django_db

APRIL_22 = datetime.date(2026, 4, 22)


def test_event_slug_is_its_title_in_pinyin():
    assert make.event(title="全委会议").slug == "quan-wei-hui-yi"


def test_events_with_the_same_title_get_numbered_slugs():
    first = make.event(title="全委会议")
    second = make.event(title="全委会议")

    assert (first.slug, second.slug) == ("quan-wei-hui-yi", "quan-wei-hui-yi-2")


def test_event_cannot_end_before_it_starts():
    event = Event(title="复赛", start_date=APRIL_22, end_date=APRIL_22 - datetime.timedelta(days=1))

    with pytest.raises(ValidationError) as error:
        event.full_clean()

    assert error.value.message_dict["end_date"] == ["结束日期不能早于开始日期。"]


def test_one_day_event_cannot_end_before_it_starts():
    event = Event(title="报告会", start_date=APRIL_22, start_time=datetime.time(14), end_time=datetime.time(9))

    with pytest.raises(ValidationError) as error:
        event.full_clean()

    assert error.value.message_dict["end_time"] == ["同一天内，结束时间不能早于开始时间。"]


def test_end_time_needs_a_start_time():
    event = Event(title="报告会", start_date=APRIL_22, end_time=datetime.time(11))

    with pytest.raises(ValidationError) as error:
        event.full_clean()

    assert error.value.message_dict["start_time"] == ["填写了结束时间，也请填写开始时间。"]


def test_multi_day_event_may_end_earlier_in_the_day_than_it_started():
    Event(
        title="复赛",
        start_date=APRIL_22,
        start_time=datetime.time(14),
        end_date=datetime.date(2026, 4, 24),
        end_time=datetime.time(11),
    ).full_clean()


def test_database_refuses_an_event_ending_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        make.event(start_date=APRIL_22, end_date=APRIL_22 - datetime.timedelta(days=1))
