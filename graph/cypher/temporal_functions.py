"""Cypher's temporal functions: constructors from maps and text, truncation, clocks,
``duration.between`` and friends.

The values themselves (and their parsing, printing and arithmetic) are
:mod:`relgraph.graph.values.temporal`, below the engine, because loaders and both
backends hold them too. What is here only the engine calls: it needs a query's
context (its clock, its default time zone) and follows Neo4j where the openCypher
TCK pins the behaviour down.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from relgraph.graph.cypher.errors import CypherProcedureError
from relgraph.graph.values.errors import RUNTIME, CypherArgumentError, CypherTypeError
from relgraph.graph.values.temporal import (
    NANOS_PER_DAY,
    NANOS_PER_SECOND,
    Date,
    DateTime,
    Duration,
    LocalDateTime,
    LocalTime,
    TemporalValue,
    Time,
    argument_error,
    build_duration,
    check_date,
    civil_from_days,
    days_from_civil,
    exact_number,
    is_leap,
    month_length,
    offset_at_instant,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_local_datetime,
    parse_local_time,
    parse_offset,
    parse_time,
    plus_months,
    week_date,
    week_fields,
    weekday,
    zone_info,
)

# --- construction from maps -----------------------------------------------------------------

_DATE_KEYS = {"year", "month", "day", "week", "dayOfWeek", "ordinalDay", "quarter", "dayOfQuarter"}
_TIME_KEYS = {"hour", "minute", "second", "millisecond", "microsecond", "nanosecond"}
_SOURCE_KEYS = {"date", "time", "datetime", "timezone", "epochSeconds", "epochMillis"}


def _int_field(name: str, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        if isinstance(v, float) and v == int(v):
            return int(v)
        raise CypherTypeError(f"temporal field {name} must be an integer, got {v!r}", "InvalidArgumentType")
    return v


def _date_part(v: Any) -> int | None:
    if isinstance(v, (Date, LocalDateTime, DateTime)):
        return v.epoch_day
    return None


def _time_part(v: Any) -> int | None:
    if isinstance(v, (LocalTime, Time, LocalDateTime, DateTime)):
        return v.nanos
    return None


def _zone_part(v: Any) -> tuple[int, str | None] | None:
    """(offset, zone) of a value that carries a time zone."""
    if isinstance(v, DateTime):
        return v.offset, v.zone
    if isinstance(v, Time):
        return v.offset, None
    return None


def _resolve_timezone(value: Any) -> tuple[int | None, str | None]:
    if not isinstance(value, str):
        raise CypherTypeError("timezone must be a string", "InvalidArgumentType")
    off = parse_offset(value)
    if off is not None:
        return off, None
    zone_info(value)
    return None, value


def _fields_date(fields: dict[str, Any], base: int | None) -> int:
    """The date described by map fields, starting from a base date (selection) if given."""
    f = {k: _int_field(k, v) for k, v in fields.items() if k in _DATE_KEYS}
    if base is not None:
        by, bm, bd = civil_from_days(base)
    if "week" in f or ("dayOfWeek" in f and "year" not in f and base is not None and
                       not ({"month", "day", "ordinalDay", "quarter", "dayOfQuarter"} & f.keys())):
        if base is not None:
            wy, ww = week_fields(base)
            dow = f.get("dayOfWeek", weekday(base))
        else:
            wy, ww, dow = 0, 1, f.get("dayOfWeek", 1)
        return week_date(f.get("year", wy), f.get("week", ww), dow)
    given = f.get("year", by if base is not None else None)
    if given is None:
        raise argument_error("a date needs at least a year")
    year: int = given
    if "ordinalDay" in f:
        ordinal = f["ordinalDay"]
        if not 1 <= ordinal <= (366 if is_leap(year) else 365):
            raise argument_error(f"invalid ordinal day {ordinal}")
        return days_from_civil(year, 1, 1) + ordinal - 1
    if "quarter" in f or "dayOfQuarter" in f:
        if base is not None:
            bq = (bm - 1) // 3 + 1
            quarter = f.get("quarter", bq)
        else:
            quarter = f.get("quarter", 1)
        if not 1 <= quarter <= 4:
            raise argument_error(f"invalid quarter {quarter}")
        first = days_from_civil(year, (quarter - 1) * 3 + 1, 1)
        if "dayOfQuarter" in f:
            return first + f["dayOfQuarter"] - 1
        if base is not None:  # keep the month within the quarter and the day of month
            month = (quarter - 1) * 3 + (bm - 1) % 3 + 1
            return check_date(year, month, min(bd, month_length(year, month)))
        return first
    if base is not None:
        month = f.get("month", bm)
        day = f.get("day", bd)
    else:
        if "day" in f and "month" not in f:
            raise argument_error("a day needs a month")
        month = f.get("month", 1)
        day = f.get("day", 1)
    return check_date(year, month, day)


def _fields_time(fields: dict[str, Any], base: int | None) -> int:
    f = {k: _int_field(k, v) for k, v in fields.items() if k in _TIME_KEYS}
    if base is not None:
        bh, rem = divmod(base, 3600 * NANOS_PER_SECOND)
        bmi, rem = divmod(rem, 60 * NANOS_PER_SECOND)
        bs, bsub = divmod(rem, NANOS_PER_SECOND)
        bms, rem2 = divmod(bsub, 1_000_000)
        bus, bns = divmod(rem2, 1000)
    else:
        bh = bmi = bs = bms = bus = bns = 0
        if ("minute" in f and "hour" not in f) or ("second" in f and "minute" not in f):
            raise argument_error("a time field needs the larger fields too")
    hour, minute, second = f.get("hour", bh), f.get("minute", bmi), f.get("second", bs)
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        raise argument_error("invalid time of day")
    # millisecond, microsecond and nanosecond add up (.123 + .000456 + .000000789);
    # each one not given keeps the base value's part
    sub = (f.get("millisecond", bms) * 1_000_000 + f.get("microsecond", bus) * 1000
           + f.get("nanosecond", bns))
    if not 0 <= sub < NANOS_PER_SECOND:
        raise argument_error("invalid fraction of a second")
    return ((hour * 60 + minute) * 60 + second) * NANOS_PER_SECOND + sub


def _check_keys(fields: dict[str, Any], allowed: set[str], kind: str) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise argument_error(f"{kind}() does not take {', '.join(sorted(unknown))}")


def date_from_map(fields: dict[str, Any], ctx: Any) -> Date:
    _check_keys(fields, _DATE_KEYS | {"date", "timezone", "datetime"}, "date")
    if set(fields) <= {"timezone"}:
        return Date(now_local(ctx, fields.get("timezone"))[0])
    source = fields.get("date", fields.get("datetime"))
    base = _date_part(source) if source is not None else None
    return Date(_fields_date(fields, base))


def local_time_from_map(fields: dict[str, Any], ctx: Any) -> LocalTime:
    _check_keys(fields, _TIME_KEYS | {"time", "timezone", "datetime"}, "localtime")
    if set(fields) <= {"timezone"}:
        return LocalTime(now_local(ctx, fields.get("timezone"))[1])
    source = fields.get("time", fields.get("datetime"))
    base = _time_part(source) if source is not None else None
    return LocalTime(_fields_time(fields, base))


def time_from_map(fields: dict[str, Any], ctx: Any) -> Time:
    _check_keys(fields, _TIME_KEYS | {"time", "timezone", "datetime"}, "time")
    if set(fields) <= {"timezone"}:
        _day, nanos, offset, _ = now_zoned(ctx, fields.get("timezone"))
        return Time(nanos, offset)
    source = fields.get("time", fields.get("datetime"))
    base = _time_part(source) if source is not None else None
    nanos = _fields_time(fields, base)
    src_zone = _zone_part(source) if source is not None else None
    if "timezone" in fields:
        off, zone = _resolve_timezone(fields["timezone"])
        if zone is not None:
            off = offset_at_instant(zone, int(_time.time()))
        if src_zone is not None:  # convert, keeping the instant
            nanos = nanos - src_zone[0] * NANOS_PER_SECOND + off * NANOS_PER_SECOND  # type: ignore[operator]
        return Time(nanos, off)  # type: ignore[arg-type]
    return Time(nanos, src_zone[0] if src_zone else default_offset(ctx))


def local_datetime_from_map(fields: dict[str, Any], ctx: Any) -> LocalDateTime:
    _check_keys(fields, _DATE_KEYS | _TIME_KEYS | {"date", "time", "datetime", "timezone"}, "localdatetime")
    if set(fields) <= {"timezone"}:
        day, nanos = now_local(ctx, fields.get("timezone"))
        return LocalDateTime(day, nanos)
    dsrc = fields.get("date", fields.get("datetime"))
    tsrc = fields.get("time", fields.get("datetime"))
    day = _fields_date(fields, _date_part(dsrc) if dsrc is not None else None)
    nanos = _fields_time(fields, _time_part(tsrc) if tsrc is not None else None)
    return LocalDateTime(day, nanos)


def datetime_from_map(fields: dict[str, Any], ctx: Any) -> DateTime:
    _check_keys(fields, _DATE_KEYS | _TIME_KEYS | _SOURCE_KEYS, "datetime")
    if set(fields) <= {"timezone"}:
        day, nanos, offset, zone = now_zoned(ctx, fields.get("timezone"))
        return DateTime(day, nanos, offset, zone)
    if "epochSeconds" in fields or "epochMillis" in fields:
        if "epochSeconds" in fields:
            total = _int_field("epochSeconds", fields["epochSeconds"]) * NANOS_PER_SECOND
        else:
            total = _int_field("epochMillis", fields["epochMillis"]) * 1_000_000
        total += _fields_time({k: v for k, v in fields.items()
                               if k in ("millisecond", "microsecond", "nanosecond")}, 0)
        off, zone = _resolve_timezone(fields["timezone"]) if "timezone" in fields else (0, None)
        return DateTime.of_instant(total, zone, off or 0)
    dsrc = fields.get("date", fields.get("datetime"))
    tsrc = fields.get("time", fields.get("datetime"))
    day = _fields_date(fields, _date_part(dsrc) if dsrc is not None else None)
    nanos = _fields_time(fields, _time_part(tsrc) if tsrc is not None else None)
    src_zone = _zone_part(tsrc) if tsrc is not None else None
    if src_zone is not None:
        here = DateTime.of_local(day, nanos, src_zone[1], src_zone[0], preferred=src_zone[0])
        if "timezone" in fields:
            off, zone = _resolve_timezone(fields["timezone"])
            return DateTime.of_instant(here.epoch_nanos(), zone, off or 0)
        return here
    if "timezone" in fields:
        off, zone = _resolve_timezone(fields["timezone"])
        return DateTime.of_local(day, nanos, zone, off)
    zone = default_zone(ctx)
    return DateTime.of_local(day, nanos, zone, 0)


def duration_from_map(fields: dict[str, Any]) -> Duration:
    allowed = {"years", "quarters", "months", "weeks", "days", "hours", "minutes", "seconds",
               "milliseconds", "microseconds", "nanoseconds"}
    _check_keys(fields, allowed, "duration")
    f = {}
    for k, v in fields.items():
        if v is None:
            continue
        f[k] = exact_number(v)
    g = f.get
    z = Fraction(0)
    return build_duration(
        months=g("years", z) * 12 + g("quarters", z) * 3 + g("months", z),
        days=g("weeks", z) * 7 + g("days", z),
        seconds=g("hours", z) * 3600 + g("minutes", z) * 60 + g("seconds", z)
        + g("milliseconds", z) / 1000 + g("microseconds", z) / 1_000_000
        + g("nanoseconds", z) / NANOS_PER_SECOND)


# --- the current time ------------------------------------------------------------------------


def default_zone(ctx: Any) -> str | None:
    return None  # UTC, as Neo4j's default db.temporal.timezone


def default_offset(ctx: Any) -> int:
    return 0


def _now_nanos(ctx: Any) -> int:
    """One clock reading per query, so every call to datetime() in a query agrees."""
    if ctx is not None:
        now = getattr(ctx, "_temporal_now", None)
        if now is None:
            now = _time.time_ns()
            ctx._temporal_now = now
        return now
    return _time.time_ns()


def now_zoned(ctx: Any, timezone: Any = None) -> tuple[int, int, int, str | None]:
    off, zone = _resolve_timezone(timezone) if timezone is not None else (0, None)
    dt = DateTime.of_instant(_now_nanos(ctx), zone, off or 0)
    return dt.epoch_day, dt.nanos, dt.offset, dt.zone


def now_local(ctx: Any, timezone: Any = None) -> tuple[int, int]:
    day, nanos, _, _ = now_zoned(ctx, timezone)
    return day, nanos


# --- conversions between types ---------------------------------------------------------------


def to_date(v: Any) -> Date:
    day = _date_part(v)
    if day is None:
        raise CypherTypeError(f"cannot make a date from {v!r}", "InvalidArgumentType")
    return Date(day)


def to_local_time(v: Any) -> LocalTime:
    nanos = _time_part(v)
    if nanos is None:
        raise CypherTypeError(f"cannot make a local time from {v!r}", "InvalidArgumentType")
    return LocalTime(nanos)


def to_time(v: Any, ctx: Any) -> Time:
    nanos = _time_part(v)
    if nanos is None:
        raise CypherTypeError(f"cannot make a time from {v!r}", "InvalidArgumentType")
    z = _zone_part(v)
    return Time(nanos, z[0] if z else default_offset(ctx))


def to_local_datetime(v: Any) -> LocalDateTime:
    if isinstance(v, (LocalDateTime, DateTime)):
        return LocalDateTime(v.epoch_day, v.nanos)
    if isinstance(v, Date):
        return LocalDateTime(v.epoch_day, 0)
    raise CypherTypeError(f"cannot make a local date-time from {v!r}", "InvalidArgumentType")


def to_datetime(v: Any, ctx: Any) -> DateTime:
    if isinstance(v, DateTime):
        return v
    if isinstance(v, LocalDateTime):
        return DateTime.of_local(v.epoch_day, v.nanos, default_zone(ctx), default_offset(ctx))
    if isinstance(v, Date):
        return DateTime.of_local(v.epoch_day, 0, default_zone(ctx), default_offset(ctx))
    raise CypherTypeError(f"cannot make a date-time from {v!r}", "InvalidArgumentType")


# --- truncation --------------------------------------------------------------------------------

_DATE_UNITS = ("millennium", "century", "decade", "year", "weekyear", "quarter", "month", "week", "day")
_TIME_UNITS = ("day", "hour", "minute", "second", "millisecond", "microsecond")


def _truncate_day(day: int, unit: str) -> int:
    y, m, _ = civil_from_days(day)
    if unit == "millennium":
        return days_from_civil(y // 1000 * 1000, 1, 1)
    if unit == "century":
        return days_from_civil(y // 100 * 100, 1, 1)
    if unit == "decade":
        return days_from_civil(y // 10 * 10, 1, 1)
    if unit == "year":
        return days_from_civil(y, 1, 1)
    if unit == "weekyear":
        return week_date(week_fields(day)[0], 1, 1)
    if unit == "quarter":
        return days_from_civil(y, (m - 1) // 3 * 3 + 1, 1)
    if unit == "month":
        return days_from_civil(y, m, 1)
    if unit == "week":
        return day - weekday(day) + 1
    return day


def _truncate_nanos(nanos: int, unit: str) -> int:
    sizes = {"day": NANOS_PER_DAY, "hour": 3600 * NANOS_PER_SECOND, "minute": 60 * NANOS_PER_SECOND,
             "second": NANOS_PER_SECOND, "millisecond": 1_000_000, "microsecond": 1000}
    if unit in sizes:
        return nanos - nanos % sizes[unit]
    return 0  # date units truncate the whole time of day


def truncate(kind: str, unit: Any, value: Any, fields: Any, ctx: Any) -> Any:
    if value is None:
        return None
    if not isinstance(unit, str):
        raise CypherTypeError("truncate() expects a unit name", "InvalidArgumentType")
    u = unit.lower()
    fields = dict(fields or {})
    if u not in _DATE_UNITS + _TIME_UNITS:
        raise argument_error(f"unknown truncation unit {unit!r}")
    if kind in ("date",) and u not in _DATE_UNITS:  # TypeError, as Neo4j reports these
        raise CypherTypeError(f"unit too small for truncation: cannot truncate a date to {unit}",
                              "InvalidArgumentValue")
    if kind in ("time", "localtime") and u not in _TIME_UNITS:
        raise CypherTypeError(f"unit is too large to be used for truncation: cannot truncate a "
                              f"time to {unit}", "InvalidArgumentValue")
    day = _date_part(value)
    nanos = _time_part(value)
    if kind in ("date", "datetime", "localdatetime") and day is None:
        raise CypherTypeError(f"{kind}.truncate() needs a value with a date", "InvalidArgumentType")
    tday = _truncate_day(day, u) if day is not None else None
    tnanos = _truncate_nanos(nanos or 0, u) if u in _TIME_UNITS and u != "day" else 0
    if kind == "date":
        return Date(_fields_date(fields, tday))
    if kind == "localtime":
        return LocalTime(_fields_time(fields, tnanos))
    if kind == "localdatetime":
        return LocalDateTime(_fields_date(fields, tday), _fields_time(fields, tnanos))
    src = _zone_part(value)
    if kind == "time":
        nanos2 = _fields_time(fields, tnanos)
        if "timezone" in fields:
            off, zone = _resolve_timezone(fields["timezone"])
            if zone is not None:
                off = offset_at_instant(zone, int(_time.time()))
            return Time(nanos2, off)  # type: ignore[arg-type]
        return Time(nanos2, src[0] if src else default_offset(ctx))
    # datetime
    day2 = _fields_date(fields, tday)
    nanos2 = _fields_time(fields, tnanos)
    if "timezone" in fields:
        off, zone = _resolve_timezone(fields["timezone"])
        return DateTime.of_local(day2, nanos2, zone, off)
    if src is not None:
        return DateTime.of_local(day2, nanos2, src[1], src[0], preferred=src[0])
    return DateTime.of_local(day2, nanos2, default_zone(ctx), default_offset(ctx))


# --- durations between values ------------------------------------------------------------------


def _months_until(d1: int, n1: int, d2: int, n2: int) -> int:
    """Java's LocalDateTime.until(end, MONTHS)."""
    end = d2
    if d2 > d1 and n2 < n1:
        end -= 1
    elif d2 < d1 and n2 > n1:
        end += 1
    y1, m1, dd1 = civil_from_days(d1)
    y2, m2, dd2 = civil_from_days(end)
    packed1 = (y1 * 12 + m1 - 1) * 32 + dd1
    packed2 = (y2 * 12 + m2 - 1) * 32 + dd2
    diff = packed2 - packed1
    return diff // 32 if diff >= 0 else -((-diff) // 32)


def _days_until(d1: int, n1: int, d2: int, n2: int) -> int:
    end = d2
    if d2 > d1 and n2 < n1:
        end -= 1
    elif d2 < d1 and n2 > n1:
        end += 1
    return end - d1


class _Point:
    """A temporal value seen as local (day, nanos) plus its zone, for between()."""

    def __init__(self, v: Any):
        self.day = _date_part(v)
        self.nanos = _time_part(v)
        z = _zone_part(v)
        self.offset: int | None = z[0] if z else None
        self.zone: str | None = z[1] if z else None
        self.zoned = z is not None

    def instant(self) -> int:
        """Nanoseconds on a common time line (local time when no zone is known)."""
        assert self.day is not None and self.nanos is not None
        if self.zone is not None:
            return DateTime.of_local(self.day, self.nanos, self.zone, self.offset,
                                     preferred=self.offset).epoch_nanos()
        local = self.day * NANOS_PER_DAY + self.nanos
        return local - (self.offset or 0) * NANOS_PER_SECOND

    def at(self, day: int, nanos: int) -> int:
        """The instant of another local date-time read in this point's zone."""
        p = _Point(None)
        p.day, p.nanos, p.offset, p.zone = day, nanos, self.offset, self.zone
        return p.instant()


def _check_temporal(name: str, *vals: Any) -> None:
    for v in vals:
        if not isinstance(v, TemporalValue) or isinstance(v, Duration):
            raise CypherTypeError(f"{name}() expects two temporal values", "InvalidArgumentType")


def duration_between(a: Any, b: Any, unit: str | None = None) -> Duration | None:
    """``duration.between`` (unit None) and ``inMonths`` / ``inDays`` / ``inSeconds``.

    A value without a date borrows the other's date, a date without a time is
    midnight, and a value without a zone is read in the other's zone; two zoned
    values are compared as instants, with the second seen in the first's zone
    for the calendar part (months, days).
    """
    if a is None or b is None:
        return None
    _check_temporal("duration.between", a, b)
    pa, pb = _Point(a), _Point(b)
    both_dates = pa.day is not None and pb.day is not None
    if pa.day is None:
        pa.day = pb.day if pb.day is not None else 0
    if pb.day is None:
        pb.day = pa.day
    pa.nanos = pa.nanos or 0
    pb.nanos = pb.nanos or 0
    if pa.zoned and not pb.zoned:
        pb.offset, pb.zone = pa.offset, pa.zone
    elif pb.zoned and not pa.zoned:
        pa.offset, pa.zone = pb.offset, pb.zone
    ia, ib = pa.instant(), pb.instant()
    if unit == "seconds" or not both_dates:
        if unit in ("months", "days"):
            return Duration(0, 0, 0)
        return Duration(0, 0, 0, ib - ia)
    d1, n1 = pa.day, pa.nanos
    if pa.zoned and pb.zoned and (pa.offset, pa.zone) != (pb.offset, pb.zone):
        moved = DateTime.of_instant(ib, pa.zone, pa.offset or 0)
        d2, n2 = moved.epoch_day, moved.nanos
    else:
        d2, n2 = pb.day, pb.nanos
    if unit == "days":
        return Duration(0, _days_until(d1, n1, d2, n2), 0)
    months = _months_until(d1, n1, d2, n2)
    if unit == "months":
        return Duration(months, 0, 0)
    d1m = plus_months(d1, months)
    days = _days_until(d1m, n1, d2, n2)
    rest = ib - pa.at(d1m + days, n1)
    return Duration(months, days, 0, rest)


# --- the function table ------------------------------------------------------------------------


def _constructor(kind: str) -> Callable[..., Any]:
    def make(ctx: Any, *args: Any) -> Any:
        if len(args) > 1:
            raise CypherArgumentError(f"{kind}() takes at most one argument", "InvalidNumberOfArguments")
        if not args:
            return make(ctx, {})
        v = args[0]
        if v is None:
            return None
        if isinstance(v, str):
            return {"date": parse_date, "localtime": parse_local_time,
                    "time": lambda s: parse_time(s, default_offset(ctx)),
                    "localdatetime": parse_local_datetime,
                    "datetime": lambda s: parse_datetime(s, default_zone(ctx), default_offset(ctx)),
                    "duration": parse_duration}[kind](v)
        if isinstance(v, dict):
            if kind == "duration":
                return duration_from_map(v)
            return {"date": date_from_map, "localtime": local_time_from_map, "time": time_from_map,
                    "localdatetime": local_datetime_from_map,
                    "datetime": datetime_from_map}[kind](v, ctx)
        if isinstance(v, TemporalValue) and not isinstance(v, Duration):
            if kind == "date":
                return to_date(v)
            if kind == "localtime":
                return to_local_time(v)
            if kind == "time":
                return to_time(v, ctx)
            if kind == "localdatetime":
                return to_local_datetime(v)
            if kind == "datetime":
                return to_datetime(v, ctx)
        if isinstance(v, Duration) and kind == "duration":
            return v
        raise CypherTypeError(f"{kind}() cannot take {type(v).__name__}", "InvalidArgumentType")

    return make


_ABSENT = object()


def _truncator(kind: str) -> Callable[..., Any]:
    """``date.truncate(unit[, value[, fields]])``: Neo4j truncates the current instant when
    no value is given, and refuses a null unit or value (its function has no null form)."""
    make = _constructor(kind)

    def trunc(ctx: Any, unit: Any, value: Any = _ABSENT, fields: Any = None) -> Any:
        if value is _ABSENT:
            value = make(ctx)
        if value is None or unit is None:
            raise CypherProcedureError(
                f"{kind}.truncate() cannot take null as its {'unit' if unit is None else 'value'}",
                "ProcedureCallFailed", phase=RUNTIME)
        if fields is not None and not isinstance(fields, dict):
            raise CypherTypeError("truncate() expects a map of fields", "InvalidArgumentType")
        return truncate(kind, unit, value, fields, ctx)

    return trunc


def _between(unit: str | None) -> Callable[..., Any]:
    def fn(ctx: Any, a: Any, b: Any) -> Any:
        return duration_between(a, b, unit)

    return fn


def _from_epoch(ctx: Any, seconds: Any, nanos: Any = 0) -> Any:
    if seconds is None or nanos is None:
        return None
    return DateTime.of_instant(_int_field("seconds", seconds) * NANOS_PER_SECOND + _int_field("nanos", nanos),
                               None, 0)


def _from_epoch_millis(ctx: Any, millis: Any) -> Any:
    if millis is None:
        return None
    return DateTime.of_instant(_int_field("millis", millis) * 1_000_000, None, 0)


_FUNCTIONS: dict[str, Callable[..., Any]] = {}
for _kind in ("date", "localtime", "time", "localdatetime", "datetime"):
    _FUNCTIONS[_kind] = _constructor(_kind)
    _FUNCTIONS[f"{_kind}.truncate"] = _truncator(_kind)
    for _clock in ("transaction", "statement", "realtime"):
        _FUNCTIONS[f"{_kind}.{_clock}"] = _constructor(_kind)
_FUNCTIONS["duration"] = _constructor("duration")
_FUNCTIONS["duration.between"] = _between(None)
_FUNCTIONS["duration.inmonths"] = _between("months")
_FUNCTIONS["duration.indays"] = _between("days")
_FUNCTIONS["duration.inseconds"] = _between("seconds")
_FUNCTIONS["datetime.fromepoch"] = _from_epoch
_FUNCTIONS["datetime.fromepochmillis"] = _from_epoch_millis


def _with_clock_argument(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``date.realtime('Europe/Berlin')``: the argument of a clock function is a time zone."""

    def wrapped(ctx: Any, *args: Any) -> Any:
        if args and isinstance(args[0], str):
            return fn(ctx, {"timezone": args[0]})
        return fn(ctx, *args)

    return wrapped


for _name in list(_FUNCTIONS):
    if _name.endswith((".transaction", ".statement", ".realtime")):
        _FUNCTIONS[_name] = _with_clock_argument(_FUNCTIONS[_name])


def temporal_function_names() -> list[str]:
    """The temporal functions, by their lower-case names (``date.truncate``, ``duration.between``)."""
    return sorted(_FUNCTIONS)


def temporal_function(name: str) -> Callable[..., Any] | None:
    """The implementation of a temporal function by (case-insensitive) name, or None."""
    return _FUNCTIONS.get(name.lower())
