"""WeCom's access token (`GET /cgi-bin/gettoken`), cached through `connectors.tokens`.

Why aiohttp and not wechatpy's `WeChatClient`: the client is synchronous (a thread per call that a
timeout cannot cancel), its gettoken URL is hard-coded, and it refreshes on 40001/40014/42001
without a cap and without a lock. The two documented endpoints we need are simple enough to call
directly, with a timeout on every request and a lock shared through `TokenStore`.
"""

from __future__ import annotations

import time

from connectors.base import DeliveryError
from connectors.tokens import CachedToken, Clock, InMemoryTokenStore, TokenStore
from connectors.wecom.transport import HttpTransport, errcode

__all__ = ["AccessTokenProvider", "InMemoryTokenStore", "TokenStore"]

RETRY_TOKEN = 60.0


class AccessTokenProvider(CachedToken):
    """WeCom's token for one app, refreshed `margin` seconds before it expires."""

    def __init__(self, transport: HttpTransport, store: TokenStore, *, api_base: str, corp_id: str,
                 secret: str, key: str, margin: float = 300.0, clock: Clock = time.time) -> None:
        super().__init__(store, key=key, fetch=self._gettoken, margin=margin, clock=clock)
        self._transport = transport
        self._url = api_base.rstrip("/") + "/cgi-bin/gettoken"
        self._corp_id = corp_id
        self._secret = secret

    async def _gettoken(self) -> tuple[str, float]:
        data = await self._transport.request_json(
            "GET", self._url, params={"corpid": self._corp_id, "corpsecret": self._secret})
        token = data.get("access_token")
        if errcode(data) != 0 or not isinstance(token, str) or not token:
            raise DeliveryError(f"wecom gettoken failed: errcode {errcode(data)}", retry_after=RETRY_TOKEN)
        self._transport.add_secret(token)
        try:
            return token, float(data.get("expires_in", 7200))
        except (TypeError, ValueError):
            return token, 7200.0
