"""Visit check-in rules (domain.visit): distances, the far flag, addresses with coordinates, the nearest
customer, the words of a count; and the WeCom location message as the connector reads it."""

from __future__ import annotations

import math

import pytest

from connectors.wecom.inbound import parse_wecom_xml
from domain.visit import (
    CoordinatesOutOfRange,
    Place,
    Point,
    Visit,
    VisitCount,
    box,
    count_line,
    distance_line,
    distance_m,
    distance_words,
    judge,
    nearest,
    parse_place,
)

MINGTU = Point(31.2304, 121.4737)


def test_haversine_matches_known_distances() -> None:
    assert distance_m(MINGTU, MINGTU) == 0
    assert distance_m(Point(0, 0), Point(1, 0)) == pytest.approx(111_195, abs=1)
    assert distance_m(Point(0, 0), Point(0, 180)) == pytest.approx(math.pi * 6_371_008.8, rel=1e-9)
    shanghai_beijing = distance_m(MINGTU, Point(39.9042, 116.4074))
    assert 1_060_000 < shanghai_beijing < 1_075_000  # ~1,067 km


def test_far_is_a_flag_beyond_the_threshold_and_unknown_without_both_places() -> None:
    assert judge(MINGTU, Point(31.2314, 121.4737), 1000) == (111, False)
    assert judge(Point(31.2394, 121.4737), MINGTU, 1000) == (1001, True)
    assert judge(None, MINGTU, 1000) == (None, False)
    assert judge(MINGTU, None, 1000) == (None, False)


def test_an_address_may_end_with_latitude_and_longitude() -> None:
    assert parse_place("上海市浦东新区世纪大道100号 31.2304,121.4737") == Place("上海市浦东新区世纪大道100号", MINGTU)
    assert parse_place("上海市 31.2304，121.4737") == Place("上海市", MINGTU)
    assert parse_place("杭州市西湖区文三路 90号") == Place("杭州市西湖区文三路 90号", None)
    assert parse_place("-33.8688, 151.2093") == Place("", Point(-33.8688, 151.2093))
    with pytest.raises(CoordinatesOutOfRange):
        parse_place("上海 95.1,121.4")


@pytest.mark.parametrize(("text", "said"), [
    ("合肥市 317.2,121.4", "纬度要在 -90 到 90 之间，例如 31.2304,121.4737"),  # the whole token, not 17.2
    ("合肥市 -91,121.4", "纬度要在 -90 到 90 之间"),
    ("合肥市 31.8,181", "经度要在 -180 到 180 之间"),
    ("合肥市 31.8,-1210.5", "经度要在 -180 到 180 之间"),
])
def test_coordinates_are_a_whole_token_and_out_of_range_ones_are_refused(text: str, said: str) -> None:
    with pytest.raises(CoordinatesOutOfRange) as refused:
        parse_place(text)
    assert said in refused.value.message("zh")
    assert "must be between" in refused.value.message("en")


def test_numbers_glued_to_the_address_are_not_coordinates() -> None:
    assert parse_place("合肥市317.2,121.4") == Place("合肥市317.2,121.4", None)
    assert parse_place("合肥市 31.82,117.22") == Place("合肥市", Point(31.82, 117.22))


def test_nearest_keeps_those_within_the_radius_nearest_first() -> None:
    candidates = [(1, Point(31.2394, 121.4737)), (2, Point(31.2314, 121.4737)), (3, Point(31.2324, 121.4737)),
                  (4, Point(39.9, 116.4))]
    assert [n.customer_id for n in nearest(MINGTU, candidates, 1000)] == [2, 3]
    lat_min, lat_max, lng_min, lng_max = box(MINGTU, 1000)
    assert (lat_min, lat_max) == pytest.approx((31.2304 - 1000 / 111_195, 31.2304 + 1000 / 111_195))
    inside = [Point(31.2304 + 999 / 111_195, 121.4737), Point(31.2304, lng_max - 1e-6)]
    assert all(lat_min <= p.latitude <= lat_max and lng_min <= p.longitude <= lng_max for p in inside)
    assert distance_m(MINGTU, Point(31.2304, lng_max)) == pytest.approx(1000, abs=1)  # the box's east edge
    assert lng_max - MINGTU.longitude > lat_max - MINGTU.latitude  # a degree of longitude is shorter here


def test_distance_and_count_words() -> None:
    near = Visit(1, 1, at=None, latitude=1.0, longitude=1.0, distance_m=120)  # type: ignore[arg-type]
    far = Visit(1, 1, at=None, latitude=1.0, longitude=1.0, distance_m=3240, far=True)  # type: ignore[arg-type]
    assert distance_line(near, "zh") == "距客户地址 120 米"
    assert distance_line(far, "zh") == "距离客户地址 3.2 公里（已标记）"
    assert distance_line(far, "en") == "3.2 km from the customer's address (flagged)"
    assert distance_line(Visit(1, 1, at=None), "zh") == "未附位置"  # type: ignore[arg-type]
    assert distance_words(1000, "zh") == "1 公里" and distance_words(999, "en") == "999 m"
    assert count_line(VisitCount(12, 3), "zh") == "今日拜访 12 次（3 次距客户地址较远，已标记）"
    assert count_line(VisitCount(1, 0), "en") == "1 visit today"


LOCATION = ("<xml><ToUserName><![CDATA[corp]]></ToUserName><FromUserName><![CDATA[zhangwei]]></FromUserName>"
            "<CreateTime>1764300000</CreateTime><MsgType><![CDATA[location]]></MsgType><Location_X>{x}</Location_X>"
            "<Location_Y>{y}</Location_Y><Scale>15</Scale><Label><![CDATA[世纪大道100号]]></Label>"
            "<MsgId>7345000000000000001</MsgId><AgentID>1000002</AgentID></xml>")


def test_a_wecom_location_message_carries_its_place() -> None:
    message = parse_wecom_xml(LOCATION.format(x="31.2304", y="121.4737"), clock=lambda: 0)
    assert message.location is not None
    assert (message.location.latitude, message.location.longitude, message.location.scale) == (31.2304, 121.4737, 15)
    assert message.location.label == "世纪大道100号"
    assert (message.text, message.extra["msgtype"], message.external_id) == ("", "location", "7345000000000000001")


@pytest.mark.parametrize(("x", "y"), [("91", "121"), ("31", "181"), ("nan", "121"), ("", "121"), ("inf", "0")])
def test_a_wecom_location_off_the_globe_has_no_place(x: str, y: str) -> None:
    message = parse_wecom_xml(LOCATION.format(x=x, y=y), clock=lambda: 0)
    assert message.location is None and message.extra["msgtype"] == "location"
