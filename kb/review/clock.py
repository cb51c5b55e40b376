"""The clock: the current time, the local time zone, review days, and how kb writes times down.

The one place that knows time zones. Review days start at ``day_starts_at`` local time (``$KB_TZ``, else the machine's
zone); everything else works in UTC and asks this module where a day begins or ends.

Times are stored as ``iso()`` strings (UTC, microseconds always present) so that SQL compares them as text.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import time as dtime

from kb.errors import KbError


def now() -> datetime:
    """The current UTC time, or ``$KB_NOW`` (ISO 8601) so tests and scripts can fix it."""
    fixed = os.environ.get("KB_NOW")
    if fixed:
        try:
            return parse_iso(fixed)
        except ValueError:
            raise KbError(f"KB_NOW={fixed!r} is not an ISO 8601 time such as 2026-01-31T08:00:00Z") from None
    return datetime.now(UTC)


def local_zone() -> tzinfo | None:
    """``$KB_TZ`` (an IANA name such as Europe/Paris) or None for the machine's zone."""
    name = os.environ.get("KB_TZ")
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise KbError(f"KB_TZ={name!r} is not a time zone name such as Europe/Paris") from None


# ---------------------------------------------------------------------------------------------------- stored times
def iso(dt: datetime) -> str:
    """A UTC time as stored everywhere in kb: ``2026-11-21T12:00:00.000000+00:00`` (sorts as text)."""
    if dt.tzinfo is None:
        raise ValueError("kb stores only aware datetimes")
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def parse_iso(text: str) -> datetime:
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


# ---------------------------------------------------------------------------------------------------- review days
def to_local(moment: datetime, tz: tzinfo | None = None) -> datetime:
    """``moment`` in local time: ``tz`` if given, else the machine's zone."""
    return moment.astimezone(tz) if tz is not None else moment.astimezone()


def local_to_utc(naive_local: datetime, tz: tzinfo | None = None) -> datetime:
    if tz is not None:
        return naive_local.replace(tzinfo=tz).astimezone(UTC)
    return naive_local.astimezone(UTC)  # a naive datetime is taken as the machine's local time


def review_day(moment: datetime, day_starts_at: int = 4, tz: tzinfo | None = None) -> date:
    """The review day a moment belongs to: local date, counting hours before ``day_starts_at`` as the day before."""
    local = to_local(moment, tz)
    day = local.date()
    return day - timedelta(days=1) if local.hour < day_starts_at else day


def start_of(day: date, day_starts_at: int = 4, tz: tzinfo | None = None) -> datetime:
    """UTC moment at which review day ``day`` starts."""
    return local_to_utc(datetime.combine(day, dtime(day_starts_at)), tz)


def day_start(moment: datetime, day_starts_at: int = 4, tz: tzinfo | None = None) -> datetime:
    """UTC start of the review day holding ``moment``."""
    return start_of(review_day(moment, day_starts_at, tz), day_starts_at, tz)


def next_day_start(moment: datetime, day_starts_at: int = 4, tz: tzinfo | None = None) -> datetime:
    """UTC start of the next review day: a card is due today when it is due before this."""
    return start_of(review_day(moment, day_starts_at, tz) + timedelta(days=1), day_starts_at, tz)


def day_starts(first: date, count: int, day_starts_at: int = 4, tz: tzinfo | None = None) -> list[str]:
    """``iso()`` start of each review day from ``first`` for ``count`` days, plus the end of the last.

    Bisecting stored times in this list puts each in its review day without per-time time-zone arithmetic.
    """
    return [iso(start_of(first + timedelta(days=i), day_starts_at, tz)) for i in range(count + 1)]
