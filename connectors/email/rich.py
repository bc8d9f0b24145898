"""HTML bodies, inline images and attachments for outgoing mail (OutboundMessage.extra).

  html           the HTML alternative to the plain text (multipart/alternative)
  inline_images  [{"cid", "data" (base64), "content_type" (image/png), "filename"}]: multipart/related
                 parts of the HTML, shown where it says <img src="cid:...">
  attachments    [{"filename", "data" (base64), "content_type"}]: ordinary attachments
  image          one picture (connectors.base.image_of): shown inline under the text (an HTML body is made
                 from the plain text when there is none) as a multipart/related part
Bad items raise ValueError (the sender turns it into a permanent DeliveryError).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from email.message import EmailMessage
from html import escape
from typing import Any

from connectors.base import OutboundImage

_CID = re.compile(r"^[A-Za-z0-9._@=+-]{1,200}$")


def with_image(extra: Mapping[str, Any], image: OutboundImage | None, text: str) -> Mapping[str, Any]:
    """`extra` with the picture as one more inline image, shown at the end of the HTML body (made from the
    plain text, escaped, when the message has none)."""
    if image is None:
        return extra
    cid = f"{image.filename}@dealbot"
    tag = (f'<p><img src="cid:{cid}" alt="{escape(image.filename, quote=True)}" '
           f'style="max-width:100%;height:auto"></p>')
    html = extra.get("html")
    if isinstance(html, str) and html:
        html = html.replace("</body>", tag + "</body>", 1) if "</body>" in html else html + tag
    else:
        html = f'<html><body><div style="white-space:pre-wrap">{escape(text)}</div>{tag}</body></html>'
    inline = [*_items(extra.get("inline_images")),
              {"cid": cid, "data": encode(image.data), "content_type": image.content_type, "filename": image.filename}]
    return {**extra, "html": html, "inline_images": inline}


def add_rich_parts(mail: EmailMessage, extra: Mapping[str, Any]) -> None:
    """Adds the HTML alternative (with its inline images) and attachments named in `extra`, if any."""
    html = extra.get("html")
    if isinstance(html, str) and html:
        mail.add_alternative(html, subtype="html", charset="utf-8", cte="base64")
        html_part = list(mail.iter_parts())[-1]
        for item in _items(extra.get("inline_images")):
            cid = str(item.get("cid", ""))
            if not _CID.match(cid):
                raise ValueError(f"inline image content id {cid!r} is not usable")
            maintype, subtype = _type(item, "image/png")
            html_part.add_related(_data(item), maintype=maintype, subtype=subtype, cid=f"<{cid}>",
                                  filename=str(item.get("filename") or f"{cid}.{subtype}"), disposition="inline")
    for item in _items(extra.get("attachments")):
        maintype, subtype = _type(item, "application/octet-stream")
        mail.add_attachment(_data(item), maintype=maintype, subtype=subtype,
                            filename=str(item.get("filename") or "attachment"))


def _items(value: object) -> list[Mapping[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise ValueError("inline_images / attachments must be a list of objects")
    return value


def _data(item: Mapping[str, Any]) -> bytes:
    return base64.b64decode(str(item.get("data", "")), validate=True)


def _type(item: Mapping[str, Any], default: str) -> tuple[str, str]:
    maintype, _, subtype = str(item.get("content_type") or default).partition("/")
    if not maintype or not subtype:
        raise ValueError(f"content type {item.get('content_type')!r} is not type/subtype")
    return maintype, subtype


def encode(data: bytes) -> str:
    """Bytes as the base64 text these items carry (outbox rows store JSON)."""
    return base64.b64encode(data).decode("ascii")
