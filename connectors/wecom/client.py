"""App messages: `POST {api_base}/cgi-bin/message/send?access_token=...` (text, markdown, textcard, image),
the update of a tapped button card (`/cgi-bin/message/update_template_card`), and the upload of an image
(`POST /cgi-bin/media/upload?access_token=...&type=image`, multipart field `media`) whose media_id an image
message carries.

Talks to WeCom with aiohttp directly rather than wechatpy's `WeChatClient` (see `token.py` for why).
Token faults (40001/40014/42001) refresh the token and retry, at most `max_token_retries` times;
rate limits, 5xx and timeouts raise a retryable `DeliveryError` so the outbox keeps the message.
"""

from __future__ import annotations

from typing import Any

from connectors.base import DeliveryError, OutboundImage
from connectors.http import FileField
from connectors.wecom.token import AccessTokenProvider
from connectors.wecom.transport import HttpTransport, api_error, errcode

TOKEN_FAULTS = frozenset({40001, 40014, 42001})
RETRY_TOKEN_FAULT = 60.0


class WeComAppClient:
    def __init__(self, transport: HttpTransport, tokens: AccessTokenProvider, *, api_base: str,
                 agent_id: int, max_token_retries: int = 2, duplicate_check_interval: int = 1800) -> None:
        self._transport = transport
        self._tokens = tokens
        self._url = api_base.rstrip("/") + "/cgi-bin/message/send"
        self._update_url = api_base.rstrip("/") + "/cgi-bin/message/update_template_card"
        self._upload_url = api_base.rstrip("/") + "/cgi-bin/media/upload"
        self._agent_id = agent_id
        self._max_token_retries = max_token_retries
        self._dedupe = duplicate_check_interval

    async def send_text(self, touser: str, content: str) -> None:
        await self.send(touser, "text", {"content": content})

    async def send_markdown(self, touser: str, content: str) -> None:
        await self.send(touser, "markdown", {"content": content})

    async def send_textcard(self, touser: str, title: str, description: str, url: str,
                            btntxt: str = "详情") -> None:
        card = {"title": title, "description": description, "url": url, "btntxt": btntxt}
        await self.send(touser, "textcard", card)

    async def send(self, touser: str, msgtype: str, payload: dict[str, Any]) -> None:
        body: dict[str, Any] = {"touser": touser, "msgtype": msgtype, "agentid": self._agent_id,
                                msgtype: payload}
        if self._dedupe > 0:
            body |= {"enable_duplicate_check": 1, "duplicate_check_interval": self._dedupe}
        data = await self._post(self._url, body, "wecom message/send")
        self._check_recipient(data, touser)

    async def upload_image(self, image: OutboundImage) -> str:
        """The media_id WeCom gives the uploaded picture (valid three days)."""
        upload = FileField("media", image.filename, image.data, image.content_type)
        data = await self._post(self._upload_url, None, "wecom media/upload", upload=upload, kind="image")
        media_id = data.get("media_id")
        if not isinstance(media_id, str) or not media_id:
            raise DeliveryError("wecom media/upload: answer without media_id", retry_after=RETRY_TOKEN_FAULT)
        return media_id

    async def send_image(self, touser: str, media_id: str) -> None:
        await self.send(touser, "image", {"media_id": media_id})

    async def update_buttons(self, userid: str, response_code: str, replace_name: str) -> None:
        """A tapped button_interaction card's buttons become one disabled button reading `replace_name`
        (`POST /cgi-bin/message/update_template_card`; the tap's ResponseCode works once, within 72 h)."""
        body = {"userids": [userid], "agentid": self._agent_id, "response_code": response_code,
                "button": {"replace_name": replace_name}}
        await self._post(self._update_url, body, "wecom update_template_card")

    async def _post(self, url: str, body: dict[str, Any] | None, what: str, *, upload: FileField | None = None,
                    kind: str = "") -> dict[str, Any]:
        """POST with the access token; token faults refresh it (at most `max_token_retries` times)."""
        token = await self._tokens.token()
        refreshes = 0
        while True:
            params = {"access_token": token, **({"type": kind} if kind else {})}
            data = await self._transport.request_json("POST", url, params=params, body=body, upload=upload)
            code = errcode(data)
            if code == 0:
                return data
            if code not in TOKEN_FAULTS:
                raise api_error(data, what, self._transport.secrets)
            if refreshes >= self._max_token_retries:
                raise DeliveryError(f"{what}: access token refused {refreshes + 1} times "
                                    f"(errcode {code}); giving up for now", retry_after=RETRY_TOKEN_FAULT)
            refreshes += 1
            token = await self._tokens.refresh(token)

    @staticmethod
    def _check_recipient(data: dict[str, Any], touser: str) -> None:
        invalid = str(data.get("invaliduser") or "").split("|")
        if touser in invalid:
            raise DeliveryError("wecom message/send: recipient is not a valid member of this app",
                                retry_after=None)
