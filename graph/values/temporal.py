"""Cypher's temporal types: Date, LocalTime, Time, LocalDateTime, DateTime, Duration.

Python's ``datetime`` cannot hold what Cypher needs (nanoseconds, years beyond
1..9999, durations with separate months/days/seconds), so values are kept as
plain integers: a date is a day number since 1970-01-01 (proleptic Gregorian,
any year), a time of day is nanoseconds since midnight, an offset is seconds
east of UTC. Named zones (``Europe/Stockholm``) are resolved through
:mod:`zoneinfo`; a local time that falls in a daylight-saving gap moves forward
by the gap, and an ambiguous one takes the earlier offset, as Java (and so
Neo4j) does.

These are the values both backends return for dates and times (the Neo4j
backend converts the driver's into them), the loaders read typed columns into
and the exporters write, which is why they sit below the engine. Behaviour
follows Neo4j where the openCypher TCK pins it down: ISO 8601 parsing in its
extended and basic forms, printing as Cypher prints, accessors, arithmetic with
durations (months first, then days, then the exact time part). Fractional
duration components cascade down using an average month of 2,629,746 seconds
(365.2425 / 12 days). The Cypher functions that build and take these values
apart (``date({year: ...})``, ``truncate``, ``duration.between``) are the
engine's: :mod:`relgraph.graph.cypher.temporal_functions`.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable
from datetime import tzinfo
from fractions import Fraction
from functools import lru_cache
from typing import Any

from relgraph.graph.values.errors import CypherArgumentError, CypherArithmeticError, CypherTypeError

NANOS_PER_SECOND = 10**9
NANOS_PER_DAY = 86400 * NANOS_PER_SECOND
SECONDS_PER_DAY = 86400
AVG_SECONDS_PER_MONTH = 2629746

# Rank of each type in Cypher's global sort order (see values.sort_key).
_RANKS = {"DATETIME": 10, "LOCALDATETIME": 11, "DATE": 12, "TIME": 13, "LOCALTIME": 14}
DURATION_RANK = 15


def argument_error(message: str) -> CypherArgumentError:
    return CypherArgumentError(message, "InvalidArgumentValue")


# --- calendar arithmetic (any year) ------------------------------------------------------


def days_from_civil(y: int, m: int, d: int) -> int:
    """Day number since 1970-01-01 of a proleptic Gregorian date."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(z: int) -> tuple[int, int, int]:
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return y + (m <= 2), m, d


def is_leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def month_length(y: int, m: int) -> int:
    if m == 2:
        return 29 if is_leap(y) else 28
    return 30 if m in (4, 6, 9, 11) else 31


def weekday(epoch_day: int) -> int:
    """ISO day of week: 1 = Monday ... 7 = Sunday."""
    return (epoch_day + 3) % 7 + 1


def week_fields(epoch_day: int) -> tuple[int, int]:
    """(week-based year, ISO week number)."""
    thursday = epoch_day - weekday(epoch_day) + 4
    y, _, _ = civil_from_days(thursday)
    return y, (thursday - days_from_civil(y, 1, 1)) // 7 + 1


def week_date(week_year: int, week: int, dow: int) -> int:
    jan4 = days_from_civil(week_year, 1, 4)
    monday1 = jan4 - weekday(jan4) + 1
    last_week = week_fields(days_from_civil(week_year, 12, 28))[1]
    if not 1 <= week <= last_week:
        raise argument_error(f"week {week} does not exist in week-based year {week_year}")
    if not 1 <= dow <= 7:
        raise argument_error(f"invalid day of week {dow}")
    return monday1 + (week - 1) * 7 + dow - 1


def plus_months(epoch_day: int, months: int) -> int:
    """Calendar month arithmetic: the day is clamped to the end of a shorter month."""
    if months == 0:
        return epoch_day
    y, m, d = civil_from_days(epoch_day)
    total = y * 12 + (m - 1) + months
    ny, nm = total // 12, total % 12 + 1
    return days_from_civil(ny, nm, min(d, month_length(ny, nm)))


def check_date(y: int, m: int, d: int) -> int:
    if not 1 <= m <= 12:
        raise argument_error(f"invalid month {m}")
    if not 1 <= d <= month_length(y, m):
        raise argument_error(f"invalid day {d} for {y}-{m:02d}")
    return days_from_civil(y, m, d)


# --- time zones -------------------------------------------------------------------------


def format_offset(seconds: int) -> str:
    if seconds == 0:
        return "Z"
    sign = "+" if seconds >= 0 else "-"
    s = abs(seconds)
    h, rem = divmod(s, 3600)
    mi, se = divmod(rem, 60)
    return f"{sign}{h:02d}:{mi:02d}" + (f":{se:02d}" if se else "")


_OFFSET_RE = re.compile(r"([+-])(\d{2})(?::?(\d{2})(?::?(\d{2}))?)?")


def parse_offset(text: str) -> int | None:
    """'+01:00', '+0100', '+01', 'Z' -> seconds; None if not an offset."""
    if text in ("Z", "z"):
        return 0
    m = _OFFSET_RE.fullmatch(text)
    if not m:
        return None
    sign, hh, mm, ss = m.groups()
    seconds = int(hh) * 3600 + int(mm or 0) * 60 + int(ss or 0)
    if seconds > 18 * 3600:
        raise argument_error(f"offset {text} is out of range")
    return -seconds if sign == "-" else seconds


@lru_cache(maxsize=256)
def zone_info(name: str) -> tzinfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise argument_error(f"unknown time zone {name!r}") from None


def offset_at_instant(zone: str, epoch_second: int) -> int:
    tz = zone_info(zone)
    try:
        local = _dt.datetime.fromtimestamp(epoch_second, tz)
    except (OverflowError, OSError, ValueError):
        y = 1 if epoch_second < 0 else 9999
        local = _dt.datetime(y, 6, 1, tzinfo=tz)
    return int(local.utcoffset().total_seconds())  # type: ignore[union-attr]


def offset_for_local(zone: str, epoch_day: int, nanos: int, preferred: int | None = None) -> int:
    """The offset a local date-time has in ``zone`` (gap: shifted forward; overlap: earlier,
    or ``preferred`` when it is one of the two)."""
    tz = zone_info(zone)
    y, m, d = civil_from_days(epoch_day)
    secs = nanos // NANOS_PER_SECOND
    hh, rem = divmod(secs, 3600)
    mi, ss = divmod(rem, 60)
    if not 1 <= y <= 9999:
        return offset_at_instant(zone, (epoch_day * SECONDS_PER_DAY))
    local = _dt.datetime(y, m, d, hh, mi, ss, tzinfo=tz)
    first = int(local.utcoffset().total_seconds())  # type: ignore[union-attr]
    second = int(local.replace(fold=1).utcoffset().total_seconds())  # type: ignore[union-attr]
    if first == second:
        return first
    local_seconds = epoch_day * SECONDS_PER_DAY + secs
    # Is it an overlap (both offsets valid) or a gap (neither maps back to this local time)?
    valid = [o for o in (first, second) if offset_at_instant(zone, local_seconds - o) == o]
    if preferred is not None and preferred in valid:
        return preferred
    if valid:
        return max(valid)  # the earlier instant has the larger offset
    return first  # gap: Java moves the local time forward by the gap length


# --- the value classes ----------------------------------------------------------------------


def _frac_text(nanos: int) -> str:
    """Java's LocalTime style: fraction in groups of 3 digits, nothing when zero."""
    if nanos == 0:
        return ""
    if nanos % 1_000_000 == 0:
        return f".{nanos // 1_000_000:03d}"
    if nanos % 1000 == 0:
        return f".{nanos // 1000:06d}"
    return f".{nanos:09d}"


def _time_text(nanos: int, full: bool = False) -> str:
    """Java's ``LocalTime.toString()`` (``12:00``, ``12:00:00.500``): how the TCK writes a
    time. ``full``: as Neo4j's ``toString()`` prints it, seconds always and the fraction
    without trailing zeros (``12:00:00``, ``12:00:00.5``)."""
    secs, frac = divmod(nanos, NANOS_PER_SECOND)
    h, rem = divmod(secs, 3600)
    m, s = divmod(rem, 60)
    if full:
        return f"{h:02d}:{m:02d}:{s:02d}" + (f".{frac:09d}".rstrip("0") if frac else "")
    if s == 0 and frac == 0:
        return f"{h:02d}:{m:02d}"
    return f"{h:02d}:{m:02d}:{s:02d}{_frac_text(frac)}"


def _date_text(epoch_day: int) -> str:
    y, m, d = civil_from_days(epoch_day)
    ys = f"{y:04d}" if 0 <= y <= 9999 else f"{'+' if y > 0 else '-'}{abs(y):04d}"
    return f"{ys}-{m:02d}-{d:02d}"


class TemporalValue:
    """Base of all temporal values: immutable, hashable, printable as ISO 8601."""

    type_name = "TEMPORAL"
    __slots__ = ()

    def iso(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.iso()

    def text(self) -> str:
        """The value as Neo4j's ``toString()`` prints it (``iso()`` is the TCK's form)."""
        return self.iso()

    def __repr__(self) -> str:
        return f"{type(self).__name__}('{self.iso()}')"

    def _key(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TemporalValue) and type(other) is type(self) and other._key() == self._key()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._key()))

    def equals(self, other: Any) -> bool | None:
        return type(other) is type(self) and other._key() == self._key()

    def compare(self, other: Any) -> int | None:
        if type(other) is not type(self) or isinstance(self, Duration):
            return None
        a, b = self._key(), other._key()
        return (a > b) - (a < b)

    def sort_tuple(self) -> tuple[Any, ...]:
        return self._key()

    def group_key(self) -> Any:
        return (type(self).__name__, self._key())

    def component(self, name: str) -> Any:
        fn = self._components().get(name)
        if fn is None:
            raise CypherArgumentError(f"{self.type_name} has no field {name!r}", "InvalidArgumentValue")
        return fn()

    def _components(self) -> dict[str, Callable[[], Any]]:
        return {}

    def plus(self, d: Duration) -> TemporalValue:
        raise NotImplementedError


def _date_components(epoch_day: int) -> dict[str, Callable[[], Any]]:
    def ymd() -> tuple[int, int, int]:
        return civil_from_days(epoch_day)

    return {
        "year": lambda: ymd()[0],
        "quarter": lambda: (ymd()[1] - 1) // 3 + 1,
        "month": lambda: ymd()[1],
        "week": lambda: week_fields(epoch_day)[1],
        "weekYear": lambda: week_fields(epoch_day)[0],
        "day": lambda: ymd()[2],
        "ordinalDay": lambda: epoch_day - days_from_civil(ymd()[0], 1, 1) + 1,
        "weekDay": lambda: weekday(epoch_day),
        "dayOfWeek": lambda: weekday(epoch_day),
        "dayOfQuarter": lambda: epoch_day - days_from_civil(ymd()[0], ((ymd()[1] - 1) // 3) * 3 + 1, 1) + 1,
    }


def _time_components(nanos: int) -> dict[str, Callable[[], Any]]:
    return {
        "hour": lambda: nanos // (3600 * NANOS_PER_SECOND),
        "minute": lambda: nanos // (60 * NANOS_PER_SECOND) % 60,
        "second": lambda: nanos // NANOS_PER_SECOND % 60,
        "millisecond": lambda: nanos % NANOS_PER_SECOND // 1_000_000,
        "microsecond": lambda: nanos % NANOS_PER_SECOND // 1000,
        "nanosecond": lambda: nanos % NANOS_PER_SECOND,
    }


class Date(TemporalValue):
    type_name = "DATE"
    __slots__ = ("epoch_day",)

    def __init__(self, epoch_day: int):
        self.epoch_day = epoch_day

    def _key(self) -> tuple[Any, ...]:
        return (self.epoch_day,)

    def iso(self) -> str:
        return _date_text(self.epoch_day)

    def _components(self) -> dict[str, Callable[[], Any]]:
        return _date_components(self.epoch_day)

    def plus(self, d: Duration) -> Date:
        day = plus_months(self.epoch_day, d.months) + d.days
        total = d.seconds * NANOS_PER_SECOND + d.nanos
        whole_days = abs(total) // NANOS_PER_DAY * (1 if total >= 0 else -1)
        return Date(day + whole_days)


class LocalTime(TemporalValue):
    type_name = "LOCALTIME"
    __slots__ = ("nanos",)

    def __init__(self, nanos: int):
        self.nanos = nanos % NANOS_PER_DAY

    def _key(self) -> tuple[Any, ...]:
        return (self.nanos,)

    def iso(self) -> str:
        return _time_text(self.nanos)

    def text(self) -> str:
        return _time_text(self.nanos, full=True)

    def _components(self) -> dict[str, Callable[[], Any]]:
        return _time_components(self.nanos)

    def plus(self, d: Duration) -> LocalTime:
        return LocalTime(self.nanos + d.seconds * NANOS_PER_SECOND + d.nanos)


class Time(TemporalValue):
    type_name = "TIME"
    __slots__ = ("nanos", "offset")

    def __init__(self, nanos: int, offset: int):
        self.nanos = nanos % NANOS_PER_DAY
        self.offset = offset

    def _key(self) -> tuple[Any, ...]:
        # compared by the instant of the day in UTC, then by offset
        return ((self.nanos - self.offset * NANOS_PER_SECOND), self.offset)

    def equals(self, other: Any) -> bool | None:
        return isinstance(other, Time) and self._key() == other._key()

    def compare(self, other: Any) -> int | None:
        # as ORDER BY: the same instant of the day in another offset is another value
        # (Neo4j: time('12:00+01:00') > time('11:00Z'))
        if not isinstance(other, Time):
            return None
        a, b = self._key(), other._key()
        return (a > b) - (a < b)

    def iso(self) -> str:
        return _time_text(self.nanos) + format_offset(self.offset)

    def text(self) -> str:
        return _time_text(self.nanos, full=True) + format_offset(self.offset)

    def _components(self) -> dict[str, Callable[[], Any]]:
        c = _time_components(self.nanos)
        c.update({
            "timezone": lambda: format_offset(self.offset),
            "offset": lambda: format_offset(self.offset),
            "offsetMinutes": lambda: self.offset // 60,
            "offsetSeconds": lambda: self.offset,
        })
        return c

    def plus(self, d: Duration) -> Time:
        return Time(self.nanos + d.seconds * NANOS_PER_SECOND + d.nanos, self.offset)


class LocalDateTime(TemporalValue):
    type_name = "LOCALDATETIME"
    __slots__ = ("epoch_day", "nanos")

    def __init__(self, epoch_day: int, nanos: int):
        extra, self.nanos = divmod(nanos, NANOS_PER_DAY)
        self.epoch_day = epoch_day + extra

    def _key(self) -> tuple[Any, ...]:
        return (self.epoch_day, self.nanos)

    def iso(self) -> str:
        return _date_text(self.epoch_day) + "T" + _time_text(self.nanos)

    def text(self) -> str:
        return _date_text(self.epoch_day) + "T" + _time_text(self.nanos, full=True)

    def _components(self) -> dict[str, Callable[[], Any]]:
        c = _date_components(self.epoch_day)
        c.update(_time_components(self.nanos))
        return c

    def plus(self, d: Duration) -> LocalDateTime:
        day = plus_months(self.epoch_day, d.months) + d.days
        return LocalDateTime(day, self.nanos + d.seconds * NANOS_PER_SECOND + d.nanos)


class DateTime(TemporalValue):
    """A local date-time, its offset, and the named zone it came from (if any)."""

    type_name = "DATETIME"
    __slots__ = ("epoch_day", "nanos", "offset", "zone")

    def __init__(self, epoch_day: int, nanos: int, offset: int, zone: str | None = None):
        extra, self.nanos = divmod(nanos, NANOS_PER_DAY)
        self.epoch_day = epoch_day + extra
        self.offset = offset
        self.zone = zone

    @staticmethod
    def of_local(epoch_day: int, nanos: int, zone: str | None, offset: int | None = None,
                 preferred: int | None = None) -> DateTime:
        """Resolve a local date-time in a named zone (or with a fixed offset)."""
        extra, nanos = divmod(nanos, NANOS_PER_DAY)
        epoch_day += extra
        if zone is None:
            return DateTime(epoch_day, nanos, offset or 0)
        off = offset_for_local(zone, epoch_day, nanos, preferred)
        instant = (epoch_day * NANOS_PER_DAY + nanos) - off * NANOS_PER_SECOND
        return DateTime.of_instant(instant, zone, off)

    @staticmethod
    def of_instant(epoch_nanos: int, zone: str | None, offset: int = 0) -> DateTime:
        """The date-time at an instant (nanoseconds since the epoch, UTC) in a zone."""
        if zone is not None:
            offset = offset_at_instant(zone, epoch_nanos // NANOS_PER_SECOND)
        local = epoch_nanos + offset * NANOS_PER_SECOND
        day, nanos = divmod(local, NANOS_PER_DAY)
        return DateTime(day, nanos, offset, zone)

    def epoch_nanos(self) -> int:
        return self.epoch_day * NANOS_PER_DAY + self.nanos - self.offset * NANOS_PER_SECOND

    def _key(self) -> tuple[Any, ...]:
        # Neo4j: the same instant in another offset or zone is another value (not =);
        # ordered by instant, then offset, then fixed offsets before named zones, then
        # by zone (Neo4j numbers its zones; their names order them nearly alike)
        return (self.epoch_nanos(), self.offset, self.zone is not None, self.zone or "")

    def group_key(self) -> Any:
        return ("DateTime", self.epoch_nanos(), self.offset, self.zone)

    def iso(self) -> str:
        return self._format(full=False)

    def text(self) -> str:
        return self._format(full=True)

    def _format(self, full: bool) -> str:
        text = (_date_text(self.epoch_day) + "T" + _time_text(self.nanos, full)
                + format_offset(self.offset))
        return text + (f"[{self.zone}]" if self.zone else "")

    def timezone_name(self) -> str:
        return self.zone or format_offset(self.offset)

    def _components(self) -> dict[str, Callable[[], Any]]:
        c = _date_components(self.epoch_day)
        c.update(_time_components(self.nanos))
        c.update({
            "timezone": self.timezone_name,
            "offset": lambda: format_offset(self.offset),
            "offsetMinutes": lambda: self.offset // 60,
            "offsetSeconds": lambda: self.offset,
            "epochSeconds": lambda: self.epoch_nanos() // NANOS_PER_SECOND,
            "epochMillis": lambda: self.epoch_nanos() // 1_000_000,
        })
        return c

    def plus(self, d: Duration) -> DateTime:
        day = plus_months(self.epoch_day, d.months) + d.days
        if d.months or d.days:
            moved = DateTime.of_local(day, self.nanos, self.zone, self.offset, preferred=self.offset)
        else:
            moved = self
        return DateTime.of_instant(moved.epoch_nanos() + d.seconds * NANOS_PER_SECOND + d.nanos,
                                   moved.zone, moved.offset)


class Duration(TemporalValue):
    """Months, days, seconds and nanoseconds, kept apart (a month is not a fixed length)."""

    type_name = "DURATION"
    __slots__ = ("days", "months", "nanos", "seconds")

    def __init__(self, months: int, days: int, seconds: int, nanos: int = 0):
        extra, nanos = divmod(nanos, NANOS_PER_SECOND)
        self.months = months
        self.days = days
        self.seconds = seconds + extra
        self.nanos = nanos

    def _key(self) -> tuple[Any, ...]:
        return (self.months, self.days, self.seconds, self.nanos)

    def sort_tuple(self) -> tuple[Any, ...]:
        # an approximate length first, so that ordering durations looks sensible
        approx = (self.months * AVG_SECONDS_PER_MONTH + self.days * SECONDS_PER_DAY + self.seconds)
        return (approx, self.nanos, *self._key())

    def total_nanos(self) -> int:
        return self.seconds * NANOS_PER_SECOND + self.nanos

    def iso(self) -> str:
        if not (self.months or self.days or self.seconds or self.nanos):
            return "PT0S"
        out = ["P"]
        years, months = int(self.months / 12), self.months - int(self.months / 12) * 12
        if years:
            out.append(f"{years}Y")
        if months:
            out.append(f"{months}M")
        if self.days:
            out.append(f"{self.days}D")
        total = self.total_nanos()
        if total:
            out.append("T")
            sign = "-" if total < 0 else ""
            t = abs(total)
            hours, t = divmod(t, 3600 * NANOS_PER_SECOND)
            minutes, t = divmod(t, 60 * NANOS_PER_SECOND)
            secs, frac = divmod(t, NANOS_PER_SECOND)
            if hours:
                out.append(f"{sign}{hours}H")
            if minutes:
                out.append(f"{sign}{minutes}M")
            if secs or frac:
                text = str(secs)
                if frac:
                    text += "." + f"{frac:09d}".rstrip("0")
                out.append(f"{sign}{text}S")
        return "".join(out)

    def _components(self) -> dict[str, Callable[[], Any]]:
        m, d, s, n = self.months, self.days, self.seconds, self.nanos

        def q(a: int, b: int) -> int:  # Java's truncating division
            return int(a / b) if abs(a) < 2**52 else (abs(a) // b) * (1 if a >= 0 else -1)

        return {
            "years": lambda: q(m, 12),
            "quarters": lambda: q(m, 3),
            "months": lambda: m,
            "weeks": lambda: q(d, 7),
            "days": lambda: d,
            "hours": lambda: q(s, 3600),
            "minutes": lambda: q(s, 60),
            "seconds": lambda: s,
            "milliseconds": lambda: s * 1000 + n // 1_000_000,
            "microseconds": lambda: s * 1_000_000 + n // 1000,
            "nanoseconds": lambda: s * NANOS_PER_SECOND + n,
            "quartersOfYear": lambda: q(m - q(m, 12) * 12, 3),
            "monthsOfQuarter": lambda: m - q(m, 3) * 3,
            "monthsOfYear": lambda: m - q(m, 12) * 12,
            "daysOfWeek": lambda: d - q(d, 7) * 7,
            "minutesOfHour": lambda: q(s, 60) - q(s, 3600) * 60,
            "secondsOfMinute": lambda: s - q(s, 60) * 60,
            "millisecondsOfSecond": lambda: n // 1_000_000,
            "microsecondsOfSecond": lambda: n // 1000,
            "nanosecondsOfSecond": lambda: n,
        }

    def add(self, other: Duration) -> Duration:
        return Duration(self.months + other.months, self.days + other.days,
                        self.seconds + other.seconds, self.nanos + other.nanos)

    def negate(self) -> Duration:
        return Duration(-self.months, -self.days, -self.seconds, -self.nanos)

    def plus(self, d: Duration) -> Duration:
        return self.add(d)

    def multiply(self, factor: Any) -> Duration:
        f = exact_number(factor)
        return build_duration(months=self.months * f, days=self.days * f,
                              seconds=Fraction(self.total_nanos(), NANOS_PER_SECOND) * f)

    def divide(self, divisor: Any) -> Duration:
        f = exact_number(divisor)
        if f == 0:
            raise CypherArithmeticError("division of a duration by zero", "DivisionByZero")
        return self.multiply(1 / f)

    @staticmethod
    def average(items: list[Duration]) -> Duration:
        n = len(items)
        total = items[0]
        for d in items[1:]:
            total = total.add(d)
        return build_duration(months=Fraction(total.months, n), days=Fraction(total.days, n),
                              seconds=Fraction(total.total_nanos(), n * NANOS_PER_SECOND))


def exact_number(v: Any) -> Fraction:
    if isinstance(v, Fraction):
        return v
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise CypherTypeError(f"expected a number, got {type(v).__name__}", "InvalidArgumentType")
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise argument_error("a duration cannot be scaled by NaN or infinity")
        return Fraction(repr(v))
    return Fraction(v)


def _trunc(f: Fraction) -> int:
    return int(f)  # int() of a Fraction truncates towards zero


def build_duration(months: Fraction | int = 0, days: Fraction | int = 0,
                   seconds: Fraction | int = 0) -> Duration:
    """Whole months and days stay; fractions cascade down (month -> seconds via the
    average month, whose whole days go to days; day -> seconds)."""
    months, days, seconds = Fraction(months), Fraction(days), Fraction(seconds)
    m = _trunc(months)
    month_secs = (months - m) * AVG_SECONDS_PER_MONTH
    d = _trunc(days)
    extra_days = _trunc(month_secs / SECONDS_PER_DAY)
    secs = seconds + (days - d) * SECONDS_PER_DAY + (month_secs - extra_days * SECONDS_PER_DAY)
    total_nanos = secs * NANOS_PER_SECOND
    nanos = _trunc(total_nanos) if total_nanos.denominator != 1 else int(total_nanos)
    return Duration(m, d + extra_days, 0, nanos)


# --- parsing --------------------------------------------------------------------------------

_DATE_RE = (r"(?P<year>[+-]\d{4,9}|\d{4})"
            r"(?:(?P<dash>-?)(?:(?P<month>\d{2})(?:(?P=dash)(?P<day>\d{2}))?"
            r"|W(?P<week>\d{2})(?:(?P=dash)(?P<dow>\d))?|(?P<ordinal>\d{3})))?")
_TIME_RE = (r"(?P<hour>\d{2})(?:(?P<colon>:?)(?P<minute>\d{2})"
            r"(?:(?P=colon)(?P<second>\d{2})(?:[.,](?P<frac>\d{1,9}))?)?)?")
_ZONE_RE = r"(?P<offset>[Zz]|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?(?:\[(?P<zone>[^\]]+)\])?"

_DATE_FULL = re.compile(_DATE_RE)
_TIME_FULL = re.compile(_TIME_RE + _ZONE_RE)
_DATETIME_FULL = re.compile(_DATE_RE + r"(?:T" + _TIME_RE + _ZONE_RE + ")?")


def _parse_date_match(m: re.Match[str]) -> int:
    year = int(m["year"])
    if m["week"]:
        return week_date(year, int(m["week"]), int(m["dow"] or 1))
    if m["ordinal"]:
        ordinal = int(m["ordinal"])
        if not 1 <= ordinal <= (366 if is_leap(year) else 365):
            raise argument_error(f"invalid ordinal day {ordinal}")
        return days_from_civil(year, 1, 1) + ordinal - 1
    return check_date(year, int(m["month"] or 1), int(m["day"] or 1))


def _parse_time_match(m: re.Match[str]) -> int:
    hour, minute, second = int(m["hour"]), int(m["minute"] or 0), int(m["second"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise argument_error("invalid time of day")
    frac = m["frac"] or ""
    nanos = int((frac + "000000000")[:9]) if frac else 0
    return nanos_of_day(hour, minute, second, nanos)


def _zone_of(m: re.Match[str]) -> tuple[int | None, str | None]:
    offset = parse_offset(m["offset"]) if m["offset"] else None
    zone = m["zone"]
    if zone is not None:
        z = parse_offset(zone)
        if z is not None:
            return z, None
        zone_info(zone)
    return offset, zone


def parse_date(text: str) -> Date:
    m = _DATE_FULL.fullmatch(text.strip())
    if not m:
        raise argument_error(f"cannot parse {text!r} as a date")
    return Date(_parse_date_match(m))


def parse_local_time(text: str) -> LocalTime:
    m = _TIME_FULL.fullmatch(text.strip())
    if not m or m["offset"] or m["zone"]:
        raise argument_error(f"cannot parse {text!r} as a local time")
    return LocalTime(_parse_time_match(m))


def parse_time(text: str, default_offset: int = 0) -> Time:
    m = _TIME_FULL.fullmatch(text.strip())
    if not m:
        raise argument_error(f"cannot parse {text!r} as a time")
    offset, zone = _zone_of(m)
    nanos = _parse_time_match(m)
    if offset is None:
        offset = offset_for_local(zone, 0, nanos) if zone else default_offset
    return Time(nanos, offset)


def parse_local_datetime(text: str) -> LocalDateTime:
    m = _DATETIME_FULL.fullmatch(text.strip())
    if not m or m["offset"] or m["zone"]:
        raise argument_error(f"cannot parse {text!r} as a local date-time")
    return LocalDateTime(_parse_date_match(m), _parse_time_match(m) if m["hour"] else 0)


def parse_datetime(text: str, default_zone: str | None = None, default_offset: int = 0) -> DateTime:
    m = _DATETIME_FULL.fullmatch(text.strip())
    if not m:
        raise argument_error(f"cannot parse {text!r} as a date-time")
    day = _parse_date_match(m)
    nanos = _parse_time_match(m) if m["hour"] else 0
    offset, zone = _zone_of(m) if m["hour"] else (None, None)
    if zone is not None:
        return DateTime.of_local(day, nanos, zone, preferred=offset)
    if offset is not None:
        return DateTime(day, nanos, offset)
    return DateTime.of_local(day, nanos, default_zone, default_offset)


_NUM = r"[+-]?\d+(?:[.,]\d+)?"
_DURATION_RE = re.compile(
    rf"(?P<sign>[+-])?P(?:(?P<years>{_NUM})Y)?(?:(?P<months>{_NUM})M)?(?:(?P<weeks>{_NUM})W)?"
    rf"(?:(?P<days>{_NUM})D)?(?:T(?:(?P<hours>{_NUM})H)?(?:(?P<minutes>{_NUM})M)?(?:(?P<seconds>{_NUM})S)?)?",
    re.IGNORECASE)
_DURATION_ALT_RE = re.compile(
    r"(?P<sign>[+-])?P(?P<years>\d{4})-?(?P<months>\d{2})-?(?P<days>\d{2})"
    r"(?:T(?P<hours>\d{2}):?(?P<minutes>\d{2}):?(?P<seconds>\d{2}(?:[.,]\d+)?))?")


def parse_duration(text: str) -> Duration:
    s = text.strip()
    m = _DURATION_RE.fullmatch(s) or _DURATION_ALT_RE.fullmatch(s)
    if not m or s.upper() in ("P", "PT") or s.upper().endswith("T"):
        raise argument_error(f"cannot parse {text!r} as a duration")
    parts = {k: Fraction(v.replace(",", ".")) if v else Fraction(0)
             for k, v in m.groupdict().items() if k != "sign"}
    d = build_duration(months=parts["years"] * 12 + parts["months"],
                       days=parts.get("weeks", Fraction(0)) * 7 + parts["days"],
                       seconds=parts["hours"] * 3600 + parts["minutes"] * 60 + parts["seconds"])
    return d.negate() if m["sign"] == "-" else d


def temporal_rank(v: TemporalValue) -> int:
    return _RANKS.get(v.type_name, 16)


def nanos_of_day(hour: int, minute: int, second: int, nanos: int) -> int:
    """A time of day as the engine keeps it: nanoseconds since midnight."""
    return ((hour * 60 + minute) * 60 + second) * NANOS_PER_SECOND + nanos


def from_python_temporal(v: Any) -> Any:
    """Python date/time values passed as parameters -> engine values."""
    if isinstance(v, _dt.datetime):
        nanos = nanos_of_day(v.hour, v.minute, v.second, v.microsecond * 1000)
        day = days_from_civil(v.year, v.month, v.day)
        if v.tzinfo is None:
            return LocalDateTime(day, nanos)
        key = getattr(v.tzinfo, "key", None)
        offset = int(v.utcoffset().total_seconds())  # type: ignore[union-attr]
        return DateTime(day, nanos, offset, key)
    if isinstance(v, _dt.date):
        return Date(days_from_civil(v.year, v.month, v.day))
    if isinstance(v, _dt.time):
        nanos = nanos_of_day(v.hour, v.minute, v.second, v.microsecond * 1000)
        if v.tzinfo is None:
            return LocalTime(nanos)
        return Time(nanos, int(v.utcoffset().total_seconds()))  # type: ignore[union-attr]
    if isinstance(v, _dt.timedelta):
        return Duration(0, v.days, v.seconds, v.microseconds * 1000)
    return None
