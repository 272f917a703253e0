"""Working days: the package's holidays and 调休, and the bureau's overrides."""

import datetime as dt

import pytest

from kechuang.desk import workdays
from kechuang.desk.models import WorkdayOverride

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(regions):
    return regions["county"]


def test_national_day_holiday_is_skipped_and_makeup_saturday_counts(county):
    # 2020: 10月1日–8日 放假; 9月27日（周日）、10月10日（周六）上班 (国办发明电〔2019〕16号).
    assert not workdays.is_workday(dt.date(2020, 10, 5), county)
    assert workdays.is_workday(dt.date(2020, 9, 27), county)
    assert workdays.is_workday(dt.date(2020, 10, 10), county)
    # Filed on 30 Sep with 3 working days: 9 Oct (1), 10 Oct Saturday 调休 (2), 12 Oct (3).
    assert workdays.add_workdays(dt.date(2020, 9, 30), 3, county) == dt.date(2020, 10, 12)


def test_weekend_is_not_a_working_day(county):
    # Friday 2021-06-25 + 1 working day = Monday 28 June.
    assert workdays.add_workdays(dt.date(2021, 6, 25), 1, county) == dt.date(2021, 6, 28)
    assert workdays.workdays_between(dt.date(2021, 6, 25), dt.date(2021, 6, 28), county) == 1


def test_a_year_the_package_does_not_know_counts_weekdays_and_overrides(county):
    assert not workdays.package_knows(2031)
    start = dt.date(2031, 9, 30)  # a Tuesday
    assert workdays.add_workdays(start, 3, county) == dt.date(2031, 10, 3)
    for day in range(1, 8):
        WorkdayOverride.objects.create(
            county=county, day=dt.date(2031, 10, day), is_workday=False, note="国庆"
        )
    WorkdayOverride.objects.create(
        county=county, day=dt.date(2031, 10, 11), is_workday=True, note="调休"
    )
    # 8 Oct (Wed) 1, 9 Oct 2, 10 Oct 3
    assert workdays.add_workdays(start, 3, county) == dt.date(2031, 10, 10)
    assert workdays.add_workdays(start, 4, county) == dt.date(2031, 10, 11)


def test_override_wins_over_the_package(county):
    WorkdayOverride.objects.create(
        county=county, day=dt.date(2021, 6, 28), is_workday=False, note="本地调整"
    )
    assert workdays.add_workdays(dt.date(2021, 6, 25), 1, county) == dt.date(2021, 6, 29)


def test_another_countys_override_does_not_count(county, regions):
    WorkdayOverride.objects.create(
        county=regions["peer"], day=dt.date(2021, 6, 28), is_workday=False, note="兴化调整"
    )
    assert workdays.add_workdays(dt.date(2021, 6, 25), 1, county) == dt.date(2021, 6, 28)
    assert workdays.add_workdays(dt.date(2021, 6, 25), 1, regions["peer"]) == dt.date(2021, 6, 29)
