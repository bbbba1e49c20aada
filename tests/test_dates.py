from __future__ import annotations

import pytest

from civicnlp.dates import normalize_date, published_year

PUBLISHED = "2025-03-11T14:03"

CASES = [
    # day month year
    ("ngày 22/8/2024", "2024-08-22"),
    ("22/8/2024", "2024-08-22"),
    ("11/03/2025", "2025-03-11"),
    ("22-8-2024", "2024-08-22"),
    ("22.8.2024", "2024-08-22"),
    ("Ngày 1/1/2017", "2017-01-01"),
    ("ngày 10 tháng 3 năm 2025", "2025-03-10"),
    ("ngày 2 tháng 9 năm 1945", "1945-09-02"),
    ("29/2/2024", "2024-02-29"),
    # missing year from publication
    ("11/3", "2025-03-11"),
    ("ngày 5/6", "2025-06-05"),
    ("ngày 10 tháng 3", "2025-03-10"),
    ("30/4", "2025-04-30"),
    # months
    ("tháng 3/2025", "2025-03"),
    ("tháng 12/2016", "2016-12"),
    ("tháng 3 năm 2025", "2025-03"),
    ("tháng 12", "2025-12"),
    ("3/2025", "2025-03"),
    ("tháng 01/2017", "2017-01"),
    # years
    ("năm 2025", "2025"),
    ("2017", "2017"),
    ("Năm 2024", "2024"),
    # quarters
    ("quý 4/2016", "2016-10/2016-12"),
    ("quý II/2024", "2024-04/2024-06"),
    ("quý I năm 2023", "2023-01/2023-03"),
    ("quý III", "2025-07/2025-09"),
    # ranges
    ("30/4/1975 - 30/4/2025", "1975-04-30/2025-04-30"),
    ("nhiệm kỳ 2025 - 2030", "2025/2030"),
    ("2025 - 2030", "2025/2030"),
    ("2016-2020", "2016/2020"),
    ("giai đoạn 2021 – 2025", "2021/2025"),
    ("từ ngày 1/7 đến 31/12/2024", "2024-07-01/2024-12-31"),
    ("1/7 - 31/12/2024", "2024-07-01/2024-12-31"),
    ("tháng 3 - tháng 5/2025", "2025-03/2025-05"),
    # invalid: never a value
    ("31/2/2024", None),
    ("29/2/2023", None),
    ("tháng 13/2024", None),
    ("32/1/2024", None),
    ("0/5/2024", None),
    ("ngày 5", None),
    ("Sáng nay", None),
    ("210/2013/NĐ-CP", None),
    ("năm nay", None),
    ("", None),
]


@pytest.mark.parametrize(("expression", "value"), CASES)
def test_dates_normalize(expression, value):
    assert normalize_date(expression, published=PUBLISHED) == value


def test_dates_table_is_large_enough():
    assert len(CASES) >= 40


def test_dates_missing_year_without_publication_gives_no_value():
    assert normalize_date("11/3") is None and normalize_date("ngày 22/8/2024") == "2024-08-22"


@pytest.mark.parametrize(("published", "year"), [("2025-03-11T14:03", 2025), ("2017-02-06", 2017), ("", None)])
def test_dates_published_year(published, year):
    assert published_year(published) == year
