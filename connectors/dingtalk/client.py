"""DingTalk's OpenAPI (`api.dingtalk.com`): the app's access token, robot messages, interactive cards.

Every call carries `x-acs-dingtalk-access-token`. The token (`POST /v1.0/oauth2/accessToken`, 7,200 s)
lives in the shared `TokenStore`, so all bot processes use one and refresh it once. Answers are HTTP
statuses with `{code, message}` bodies: 401 or an authentication code refreshes the token and retries
once; 403 for QPS throttling and 429/5xx raise a retryable `DeliveryError` so the outbox sends later;
other 4xx (a 403 for a missing permission included) are permanent, with DingTalk's code in the reason.

Pictures: `POST {oapi_base}/media/upload?access_token=…&type=image` (multipart/form-data, field `media`; the
same app token) answers `{errcode, errmsg, type, media_id, created_at}`; the media_id is the `photoURL` of a
robot message with msgKey `sampleImageMsg`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

from connectors.base import DeliveryError, OutboundImage
from connectors.dingtalk.config import DingTalkConfig
from connectors.http import RETRY_SERVER, RETRY_UNKNOWN, FileField, HttpTransport, errcode, scrub
from connectors.tokens import CachedToken, Clock, TokenStore

TOKEN_PATH = "/v1.0/oauth2/accessToken"
TO_USERS = "/v1.0/robot/oToMessages/batchSend"
TO_GROUP = "/v1.0/robot/groupMessages/send"
CARD_CREATE = "/v1.0/card/instances/createAndDeliver"
CARD_UPDATE = "/v1.0/card/instances"
RETRY_THROTTLED = 60.0  # HTTP 403: the app's QPS quota
RETRY_TOKEN = 60.0
MEDIA_UPLOAD = "/media/upload"
MAX_USERS = 20  # userIds per batchSend
_OAPI_TOKEN_FAULTS = frozenset({40014, 42001, 88})  # invalid / expired access_token
_AUTH_CODES = ("InvalidAuthentication", "invalidAuthentication", "Unauthorized")


def _throttled(code: str) -> bool:
    """A 403 that says "too fast" (QPS / flow control), as against a missing permission (permanent)."""
    lowered = code.lower()
    return not code or any(word in lowered for word in ("qps", "limit", "throttl", "flowcontrol"))


def image_param(media_id: str) -> tuple[str, str]:
    """(msgKey, msgParam) of a robot picture message: sampleImageMsg with the uploaded media_id as photoURL."""
    return "sampleImageMsg", json.dumps({"photoURL": media_id})


def message_param(text: str, markdown: str | None, title: str) -> tuple[str, str]:
    """(msgKey, msgParam JSON string) of a robot message: sampleMarkdown, or sampleText without markdown."""
    if markdown:
        return "sampleMarkdown", json.dumps({"title": title, "text": markdown}, ensure_ascii=False)
    return "sampleText", json.dumps({"content": text}, ensure_ascii=False)


class DingTalkApi:
    def __init__(self, transport: HttpTransport, store: TokenStore, cfg: DingTalkConfig, *,
                 clock: Clock = time.time) -> None:
        self._transport = transport
        self._cfg = cfg
        self._base = cfg.openapi_base.rstrip("/")
        self._oapi = cfg.oapi_base.rstrip("/")
        self.tokens = CachedToken(store, key=f"dingtalk:{cfg.client_id}", fetch=self._fetch_token,
                                  margin=cfg.token_margin, clock=clock)

    async def _fetch_token(self) -> tuple[str, float]:
        status, data = await self._transport.request(
            "POST", self._base + TOKEN_PATH, body={"appKey": self._cfg.client_id, "appSecret": self._cfg.client_secret})
        token = data.get("accessToken")
        if status != 200 or not isinstance(token, str) or not token:
            raise DeliveryError(f"dingtalk accessToken failed: HTTP {status} {str(data.get('code', ''))[:80]}",
                                retry_after=RETRY_TOKEN)
        self._transport.add_secret(token)
        try:
            return token, float(data.get("expireIn", 7200))
        except (TypeError, ValueError):
            return token, 7200.0

    async def call(self, method: str, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """One OpenAPI call with the app's token; a refused token is refreshed and the call made once more."""
        token = await self.tokens.token()
        for attempt in (0, 1):
            status, data = await self._transport.request(
                method, self._base + path, body=body, headers={"x-acs-dingtalk-access-token": token})
            if status == 200:
                return data
            if attempt == 0 and (status == 401 or str(data.get("code", "")) in _AUTH_CODES):
                token = await self.tokens.refresh(token)
                continue
            raise self._error(path, status, data)
        raise AssertionError("unreachable")

    async def upload_image(self, image: OutboundImage) -> str:
        """The media_id DingTalk gives the uploaded picture; a refused token is refreshed once."""
        upload = FileField("media", image.filename, image.data, image.content_type)
        token = await self.tokens.token()
        for attempt in (0, 1):
            data = await self._transport.request_json(
                "POST", self._oapi + MEDIA_UPLOAD, params={"access_token": token, "type": "image"}, upload=upload)
            code = errcode(data)
            media_id = data.get("media_id")
            if code == 0 and isinstance(media_id, str) and media_id:
                return media_id
            if attempt == 0 and code in _OAPI_TOKEN_FAULTS:
                token = await self.tokens.refresh(token)
                continue
            raise DeliveryError(scrub(f"dingtalk media/upload: errcode {code} {str(data.get('errmsg', ''))[:160]}",
                                      self._transport.secrets), retry_after=RETRY_UNKNOWN)
        raise AssertionError("unreachable")

    def _error(self, path: str, status: int, data: Mapping[str, Any]) -> DeliveryError:
        reason = scrub(f"dingtalk {path}: HTTP {status} {str(data.get('code', ''))[:80]} "
                       f"{str(data.get('message', ''))[:160]}", self._transport.secrets)
        if status == 403 and _throttled(str(data.get("code", ""))):
            return DeliveryError(reason, retry_after=RETRY_THROTTLED)
        if status >= 500 or status in (401, 429):
            return DeliveryError(reason, retry_after=RETRY_SERVER)
        return DeliveryError(reason, retry_after=None)

    async def to_users(self, users: Sequence[str], msg_key: str, msg_param: str) -> None:
        """One-to-one robot message to up to 20 staff; throttled recipients are retried from the outbox."""
        for start in range(0, len(users), MAX_USERS):
            data = await self.call("POST", TO_USERS, {"robotCode": self._cfg.robot_code_or_id,
                                                      "userIds": list(users[start:start + MAX_USERS]),
                                                      "msgKey": msg_key, "msgParam": msg_param})
            if data.get("flowControlledStaffIdList"):
                raise DeliveryError("dingtalk batchSend: recipient flow-controlled", retry_after=RETRY_THROTTLED)
            if invalid := data.get("invalidStaffIdList"):
                raise DeliveryError(f"dingtalk batchSend: {len(invalid)} unknown staffId(s)", retry_after=None)

    async def to_group(self, conversation: str, msg_key: str, msg_param: str) -> None:
        await self.call("POST", TO_GROUP, {"robotCode": self._cfg.robot_code_or_id, "openConversationId": conversation,
                                           "msgKey": msg_key, "msgParam": msg_param})

    async def create_card(self, out_track_id: str, space: str, params: Mapping[str, str]) -> None:
        """An interactive card delivered to `space` (`dtv1.card//IM_ROBOT.<staffId>` or IM_GROUP.<cid>);
        its buttons call back on the stream's card topic."""
        robot = space.startswith("dtv1.card//IM_ROBOT.")
        kind, deliver = ("Robot", {"spaceType": "IM_ROBOT"}) if robot else ("Group", {})
        body = {"cardTemplateId": self._cfg.card_template_id, "outTrackId": out_track_id,
                "cardData": {"cardParamMap": dict(params)}, "callbackType": "STREAM", "openSpaceId": space,
                f"im{kind}OpenDeliverModel": {**deliver, "robotCode": self._cfg.robot_code_or_id},
                f"im{kind}OpenSpaceModel": {"supportForward": False}}
        await self.call("POST", CARD_CREATE, body)

    async def update_card(self, out_track_id: str, params: Mapping[str, str]) -> None:
        await self.call("PUT", CARD_UPDATE, {"outTrackId": out_track_id, "cardData": {"cardParamMap": dict(params)},
                                             "cardUpdateOptions": {"updateCardDataByKey": True}})
