"""Normalizing Vietnamese DATE expressions to the ``value`` forms of ANNOTATION.md.

Values are ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or ``START/END``; a missing year comes
from the article's publication date.  Expressions that are not a valid calendar date
(31/2, tháng 13) give ``None``.

>>> normalize_date("ngày 22/8/2024")
'2024-08-22'
>>> normalize_date("11/3", published="2025-03-11T14:03")
'2025-03-11'
>>> normalize_date("nhiệm kỳ 2025 - 2030")
'2025/2030'
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# Leading words that frame a date without changing it.
_FRAME = re.compile(
    r"^(?:(?:từ|đến|tới|vào|trong|nhiệm kỳ|giai đoạn|khóa|khoá|niên khóa|niên khoá|đầu|cuối|giữa|"
    r"sáng|chiều|tối|trưa|đêm|hôm|nay)\s+)+",
    re.IGNORECASE,
)
_RANGE = re.compile(r"\s*(?:–|—|-|đến|tới)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class _Partial:
    """A parsed date; any part may be missing until the context fills it."""

    year: int | None
    month: int | None = None
    day: int | None = None
    quarter: int | None = None

    def value(self, default_year: int | None) -> str | None:
        year = self.year if self.year is not None else default_year
        if year is None or not 1000 <= year <= 2999:
            return None
        if self.quarter is not None:
            first = 3 * (self.quarter - 1) + 1
            return f"{year}-{first:02d}/{year}-{first + 2:02d}"
        if self.month is None:
            return None if self.day is not None else f"{year}"
        if not 1 <= self.month <= 12:
            return None
        if self.day is None:
            return f"{year}-{self.month:02d}"
        if not 1 <= self.day <= calendar.monthrange(year, self.month)[1]:
            return None
        return f"{year}-{self.month:02d}-{self.day:02d}"


# Rules as data: a pattern (matched against the whole expression) and the parts it yields.
_RULES: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"(?:ngày\s+)?(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})"), ("day", "month", "year")),
    (re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?"), ("day", "month", "year")),
    (re.compile(r"tháng\s+(\d{1,2})\s*(?:[/.-]|\s+năm\s+)\s*(\d{4})"), ("month", "year")),
    (re.compile(r"tháng\s+(\d{1,2})"), ("month",)),
    (re.compile(r"quý\s+(i{1,3}|iv|[1-4])(?:\s*[/.-]\s*|\s+năm\s+)(\d{4})"), ("quarter", "year")),
    (re.compile(r"quý\s+(i{1,3}|iv|[1-4])"), ("quarter",)),
    (re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{4})"), ("month", "year")),
    (re.compile(r"(?:ngày\s+)?(\d{1,2})\s*[/.-]\s*(\d{1,2})"), ("day", "month")),
    (re.compile(r"(?:năm\s+)?(\d{4})"), ("year",)),
    (re.compile(r"ngày\s+(\d{1,2})"), ("day",)),
]


def _parse(expression: str) -> _Partial | None:
    text = _FRAME.sub("", expression.strip().lower()).strip(" ,.;:()")
    for pattern, parts in _RULES:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        found: dict[str, int | None] = {}
        for name, raw in zip(parts, match.groups(), strict=True):
            if raw is None:
                found[name] = None
            elif name == "quarter":
                found[name] = _ROMAN[raw]
            else:
                found[name] = int(raw)
        return _Partial(found.get("year"), found.get("month"), found.get("day"), found.get("quarter"))
    return None


def published_year(published: str | None) -> int | None:
    """The year of a ``meta.published`` value such as ``2025-03-11T14:03``."""
    if not published:
        return None
    match = re.match(r"\s*(\d{4})", str(published))
    return int(match.group(1)) if match else None


def normalize_date(expression: str, *, published: str | None = None) -> str | None:
    """The normalized ``value`` of a DATE expression, or ``None`` when it is not a valid date."""
    default_year = published_year(published)
    whole = _parse(expression)
    if whole is not None:
        return whole.value(default_year)
    parts = _RANGE.split(_FRAME.sub("", expression.strip()), maxsplit=1)
    if len(parts) != 2:
        return None
    start, end = _parse(parts[0]), _parse(parts[1])
    if start is None or end is None:
        return None
    # "1/7 - 31/12/2024": the start borrows the end's year; "tháng 3 - 5/2025" likewise.
    end_value = end.value(default_year)
    start_year = start.year if start.year is not None else (end.year if end.year is not None else default_year)
    start_value = start.value(start_year)
    if start_value is None or end_value is None:
        return None
    return f"{start_value}/{end_value}"
