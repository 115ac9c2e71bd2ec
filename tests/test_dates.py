"""Publication dates: ISO 8601 from metadata and Vietnamese on-screen formats, day first."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from transforms.dates import parse_date

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def test_slashed_date_is_read_day_first() -> None:
    assert parse_date("01/02/2026 13:41") == datetime(2026, 2, 1, 13, 41, tzinfo=HANOI)


def test_month_first_sites_can_say_so() -> None:
    assert parse_date("01/02/2026 13:41", day_first=False) == datetime(2026, 1, 2, 13, 41, tzinfo=HANOI)


def test_day_above_twelve_is_a_day_whatever_the_order() -> None:
    assert parse_date("12/13/2025", day_first=True) == datetime(2025, 12, 13, tzinfo=HANOI)


def test_weekday_and_dash_before_the_time() -> None:
    assert parse_date("Thứ hai, 12/05/2025 - 10:30") == datetime(2025, 5, 12, 10, 30, tzinfo=HANOI)


def test_publication_label_with_unpadded_day_and_month() -> None:
    assert parse_date("Ngày xuất bản: 1/1/2023") == datetime(2023, 1, 1, tzinfo=HANOI)


def test_time_written_before_the_date_with_an_h() -> None:
    assert parse_date("Cập nhật: 08h15 ngày 9/10/2025") == datetime(2025, 10, 9, 8, 15, tzinfo=HANOI)


def test_date_in_words() -> None:
    assert parse_date("Hạ Long, ngày 12 tháng 5 năm 2025") == datetime(2025, 5, 12, tzinfo=HANOI)


def test_iso_timestamp_keeps_its_offset() -> None:
    moment = parse_date("2025-06-12T03:30:00Z")
    assert moment == datetime(2025, 6, 12, 10, 30, tzinfo=HANOI)
    assert moment.utcoffset() == timedelta(0)


def test_iso_timestamp_without_zone_is_in_the_sites_zone() -> None:
    assert parse_date("2025-06-12T10:30:00") == datetime(2025, 6, 12, 10, 30, tzinfo=HANOI)


def test_written_offset_wins_over_the_sites_zone() -> None:
    moment = parse_date("10:30 12/05/2025 (GMT+8)")
    assert moment is not None and moment.utcoffset() == timedelta(hours=8)
    assert moment.astimezone(timezone.utc).hour == 2


def test_other_zone_for_a_site_abroad() -> None:
    moment = parse_date("12/05/2025 10:30", timezone="Europe/Paris")
    assert moment is not None and moment.tzinfo == ZoneInfo("Europe/Paris")


def test_text_without_a_date_gives_none() -> None:
    assert parse_date("Hôm nay trời đẹp") is None


def test_impossible_date_gives_none() -> None:
    assert parse_date("31/02/2025") is None


def test_us_order_with_seconds_and_pm() -> None:
    from transforms.dates import read_date

    reading = read_date("9/11/2021 3:29:47 PM", day_first=False)
    assert reading is not None and reading.moment == datetime(2021, 9, 11, 15, 29, 47, tzinfo=HANOI)


def test_twelve_am_is_midnight() -> None:
    assert parse_date("9/11/2021 12:05:00 AM", day_first=False) == datetime(2021, 9, 11, 0, 5, tzinfo=HANOI)


def test_weekday_with_gmt_offset() -> None:
    moment = parse_date("Thứ tư, 17/04/2024 06:23 (GMT+7)")
    assert moment == datetime(2024, 4, 17, 6, 23, tzinfo=HANOI)


def test_precision_is_a_day_without_a_time_and_a_minute_with_one() -> None:
    from transforms.dates import read_date

    assert read_date("Ngày đăng: 28/05/2025").precision == "day"
    assert read_date("2009-05-12").precision == "day"
    assert read_date("2009-05-12T00:00:00+07:00").precision == "day"
    assert read_date("08/01/2026 - 18:21").precision == "minute"
    assert read_date("2024-04-17T06:23:00+07:00").precision == "minute"


def test_reconcile_takes_the_time_of_the_same_day_from_a_later_source() -> None:
    from transforms.dates import read_date, reconcile_dates

    best = reconcile_dates([read_date("2009-05-12"), read_date("12/05/2009 08:15")])
    assert best.moment == datetime(2009, 5, 12, 8, 15, tzinfo=HANOI) and best.precision == "minute"
    other_day = reconcile_dates([read_date("2009-05-12"), read_date("13/05/2009 08:15")])
    assert other_day.moment == datetime(2009, 5, 12, tzinfo=HANOI)


def test_feed_style_date_in_meta() -> None:
    assert parse_date("Wed, 17 Apr 2024 06:23:00 +0700") == datetime(2024, 4, 17, 6, 23, tzinfo=HANOI)
