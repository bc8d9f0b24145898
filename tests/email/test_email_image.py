"""A picture in extra["image"] arrives in the mail as an inline image the HTML body shows (cid), under the text."""

from __future__ import annotations

import datetime as dt
import email
from email import policy
from email.message import EmailMessage

import pytest

from connectors.base import DeliveryError, OutboundMessage, image_extra
from connectors.email import SmtpConfig, SmtpSender

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
LINK = "http://127.0.0.1:8080/team/projects/3"


def built(**extra: object) -> EmailMessage:
    sender = SmtpSender(SmtpConfig(host="127.0.0.1", port=25, from_address="sales@ourco.test"),
                        clock=lambda: dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC))
    message = OutboundMessage(channel="email", recipient="zhangwei@ourco.test", subject="甘特图 P3",
                              text=f"P3 <华东物流> 甘特图\n网页版：{LINK}", extra=extra)
    raw = sender.build(message).as_bytes()
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_the_png_is_an_inline_part_that_the_html_body_shows_under_the_escaped_text() -> None:
    mail = built(image=image_extra(PNG, "gantt-P3.png"))
    html = mail.get_body(("html",))
    assert html is not None
    body = html.get_content()
    assert 'src="cid:gantt-P3.png@dealbot"' in body and "&lt;华东物流&gt;" in body and LINK in body
    [picture] = [p for p in mail.walk() if p.get_content_type() == "image/png"]
    assert picture["Content-ID"] == "<gantt-P3.png@dealbot>" and picture.get_filename() == "gantt-P3.png"
    assert picture.get_content_disposition() == "inline" and picture.get_content() == PNG
    plain = mail.get_body(("plain",))
    assert plain is not None and LINK in plain.get_content()


def test_an_existing_html_body_gets_the_picture_before_its_end() -> None:
    mail = built(html="<html><body><p>周报</p></body></html>", image=image_extra(PNG, "gantt-P3.png"))
    html = mail.get_body(("html",))
    assert html is not None
    assert html.get_content().strip().endswith(
        '<p>周报</p><p><img src="cid:gantt-P3.png@dealbot" alt="gantt-P3.png" '
        'style="max-width:100%;height:auto"></p></body></html>')


def test_a_bad_picture_is_a_permanent_failure() -> None:
    with pytest.raises(DeliveryError) as caught:
        built(image={"data": "!!", "content_type": "image/png"})
    assert caught.value.retry_after is None
