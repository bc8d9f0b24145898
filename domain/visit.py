"""Visit check-in (拜访签到, issue #14): a rep at a customer, when and where, and how far that was from the
customer's address when both places are known. Far is a flag, never a refusal. Pure: no clock, no I/O.

Coordinates are degrees as the map that made them gives them; WeCom's map (and Gaode/Tencent) give GCJ-02
in mainland China, which is 100-700 m off WGS-84 (GPS): give customers coordinates from the same kind of map.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol

from domain.errors import DomainError

EARTH_RADIUS_M = 6_371_008.8  # mean radius
METRES_PER_DEGREE = 111_195.0  # of latitude (and of longitude at the equator) on that sphere
# `latitude,longitude` ending the text as a whole token (after a space or alone): `合肥市 317.2,121.4` is 317.2,
# out of range, never 17.2 with a "3" left on the address.
_COORDS = re.compile(r"(?:^|\s)([-+]?\d{1,12}(?:\.\d{1,15})?)\s*[,，]\s*([-+]?\d{1,12}(?:\.\d{1,15})?)\s*$")


@dataclass(slots=True)
class Visit:
    """One check-in. `latitude`/`longitude` None: checked in by text, place unknown; `distance_m` None: the
    customer has no coordinates (or the place is unknown)."""

    rep_id: int
    customer_id: int
    at: datetime
    opportunity_id: int | None = None
    followup_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    label: str = ""
    distance_m: int | None = None
    far: bool = False
    id: int | None = None


@dataclass(frozen=True, slots=True)
class VisitSettings:
    """[visits]: a check-in farther than `far_metres` from the customer's address is flagged; a location
    shared without a customer nearby waits `location_minutes` for the customer's name (or `签到 明途`); a second
    check-in by a rep at the same customer within `repeat_minutes` of the last is a double tap (nothing stored)."""

    far_metres: int = 1000
    location_minutes: int = 30
    repeat_minutes: int = 10


class Point(NamedTuple):
    latitude: float
    longitude: float


class Place(NamedTuple):
    """A customer's address as set by `客户地址`: the text, and coordinates when they were given."""

    address: str
    point: Point | None


class Nearby(NamedTuple):
    customer_id: int
    distance_m: float


class CoordinatesOutOfRange(DomainError):
    zh = "坐标无效：{which}要在 {low} 到 {high} 之间，例如 31.2304,121.4737（纬度在前，经度在后）"
    en = ("Invalid coordinates: the {which_en} must be between {low} and {high}, e.g. 31.2304,121.4737 "
          "(latitude first)")


def distance_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres (haversine)."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat, dlng = lat2 - lat1, math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def point(latitude: float, longitude: float) -> Point:
    if not -90 <= latitude <= 90:
        raise CoordinatesOutOfRange(which="纬度", which_en="latitude", low=-90, high=90)
    if not -180 <= longitude <= 180:
        raise CoordinatesOutOfRange(which="经度", which_en="longitude", low=-180, high=180)
    return Point(latitude, longitude)


def parse_place(text: str) -> Place:
    """`上海市浦东新区世纪大道100号 31.2304,121.4737`: the address, then optional `latitude,longitude` at the
    end as a whole token (a full-width comma too). Raises CoordinatesOutOfRange for numbers outside the globe."""
    text = " ".join(text.split())
    match = _COORDS.search(text)
    if match is None:
        return Place(text, None)
    found = point(float(match.group(1)), float(match.group(2)))
    return Place(text[:match.start()].strip(), found)


def box(centre: Point, radius_m: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lng, max lng) around `centre` holding every point within `radius_m`: the
    index-friendly first cut before the exact distance."""
    dlat = radius_m / METRES_PER_DEGREE
    dlng = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(centre.latitude)), 0.01))
    return centre.latitude - dlat, centre.latitude + dlat, centre.longitude - dlng, centre.longitude + dlng


def nearest(here: Point, candidates: Iterable[tuple[int, Point]], radius_m: float) -> list[Nearby]:
    """The candidates within `radius_m` of `here`, nearest first (ties by id)."""
    found = [Nearby(customer_id, distance_m(here, there)) for customer_id, there in candidates]
    return sorted((n for n in found if n.distance_m <= radius_m), key=lambda n: (n.distance_m, n.customer_id))


def judge(here: Point | None, customer: Point | None, far_metres: int) -> tuple[int | None, bool]:
    """(distance in whole metres or None, far flag) of a check-in at `here` for a customer at `customer`."""
    if here is None or customer is None:
        return None, False
    metres = round(distance_m(here, customer))
    return metres, metres > far_metres


def distance_words(metres: int, locale: str) -> str:
    """120 米 / 3.2 公里 (120 m / 3.2 km)."""
    if metres < 1000:
        return f"{metres} 米" if locale == "zh" else f"{metres} m"
    km = f"{metres / 1000:.1f}".removesuffix(".0")
    return f"{km} 公里" if locale == "zh" else f"{km} km"


def distance_line(visit: Visit, locale: str) -> str:
    """距客户地址 120 米 / 距离客户地址 3.2 公里（已标记）/ 未附位置 / 客户没有地址坐标."""
    zh = locale == "zh"
    if visit.latitude is None:
        return "未附位置" if zh else "no location shared"
    if visit.distance_m is None:
        return "客户未设地址坐标，未比对距离" if zh else "the customer has no coordinates to compare with"
    words = distance_words(visit.distance_m, locale)
    if visit.far:
        return f"距离客户地址 {words}（已标记）" if zh else f"{words} from the customer's address (flagged)"
    return f"距客户地址 {words}" if zh else f"{words} from the customer's address"


class VisitCount(NamedTuple):
    """Check-ins in a period: all of them, and those flagged far from the customer's address."""

    visits: int
    far: int


class VisitRepository(Protocol):
    """Visits (storage.repositories.visits): the unit of work's `visits`, beyond the core protocol."""

    async def add(self, item: Visit) -> Visit: ...
    async def find(self, item_id: int) -> Visit | None: ...
    async def save(self, item: Visit) -> None: ...
    async def delete(self, item: Visit) -> None: ...

    async def nearby_customers(self, rep_id: int, here: Point, radius_m: float, limit: int = 5) -> list[Nearby]:
        """Customers with coordinates within `radius_m` of `here` that are the rep's (owned, or with an open
        deal the rep owns), nearest first."""
        ...

    async def count(self, start: datetime, end: datetime, team_ids: Iterable[int] | None = None,
                    rep_id: int | None = None) -> VisitCount:
        """Visits in [start, end) by reps of these teams (None: everyone's), or by one rep."""
        ...

    async def by_rep(self, rep_id: int, start: datetime, end: datetime, limit: int = 100) -> list[Visit]:
        """The rep's visits in [start, end), oldest first."""
        ...


def count_line(count: VisitCount, locale: str, today: bool = True) -> str:
    """今日拜访 12 次（3 次距客户地址较远） / 12 visits today (3 far from the customer's address)."""
    far_zh = f"（{count.far} 次距客户地址较远，已标记）" if count.far else ""
    far_en = f" ({count.far} far from the customer's address, flagged)" if count.far else ""
    if locale == "en":
        return f"{count.visits} visit{'s' if count.visits != 1 else ''}{' today' if today else ''}{far_en}"
    return f"{'今日' if today else ''}拜访 {count.visits} 次{far_zh}"
