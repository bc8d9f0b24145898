"""A member's file or picture: `GET {api_base}/cgi-bin/media/get?access_token=...&media_id=...` (issue #15).

WeCom answers the bytes with Content-Disposition naming the file, or a JSON `{errcode, errmsg}`. At most
`max_bytes` + 1 bytes are read: a larger file comes back measured, without its bytes. Token faults refresh
the token once."""

from __future__ import annotations

import re
from urllib.parse import unquote

from connectors.base import Attachment
from connectors.http import Download
from connectors.wecom.token import AccessTokenProvider
from connectors.wecom.transport import HttpTransport, api_error, errcode

TOKEN_FAULTS = frozenset({40001, 40014, 42001})
_NAME = re.compile(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)\"?", re.IGNORECASE)


async def fetch_media(transport: HttpTransport, tokens: AccessTokenProvider, api_base: str, media_id: str,
                      max_bytes: int, name: str = "") -> Attachment:
    """The file as an Attachment (its bytes when at most `max_bytes`); DeliveryError when WeCom refuses."""
    url = api_base.rstrip("/") + "/cgi-bin/media/get"
    token = await tokens.token()
    got = await transport.download(url, params={"access_token": token, "media_id": media_id}, max_bytes=max_bytes)
    if got.error is not None and errcode(got.error) in TOKEN_FAULTS:
        token = await tokens.refresh(token)
        got = await transport.download(url, params={"access_token": token, "media_id": media_id},
                                       max_bytes=max_bytes)
    if got.error is not None or got.status != 200:
        raise api_error(got.error or {"errcode": -2, "errmsg": f"HTTP {got.status}"}, "wecom media/get",
                        transport.secrets)
    return Attachment(_filename(got) or name or f"{media_id[:16]}", got.content_type.split(";")[0].strip(),
                      got.size, data=got.data)


def _filename(got: Download) -> str:
    found = _NAME.search(got.disposition)
    return unquote(found.group(1)).strip() if found else ""
