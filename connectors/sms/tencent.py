"""Tencent Cloud SMS, API 3.0 `SendSms` (version 2021-01-11), signed with TC3-HMAC-SHA256.

POST {endpoint}/ with a JSON body {PhoneNumberSet, SmsSdkAppId, SignName, TemplateId, TemplateParamSet,
SessionContext} and the headers X-TC-Action / X-TC-Version / X-TC-Timestamp / X-TC-Region / Authorization.
The answer is always HTTP 200: {"Response": {"SendStatusSet": [{PhoneNumber, Code, Message, SerialNo, …}],
"RequestId"}} with Code "Ok" per number, or {"Response": {"Error": {Code, Message}, "RequestId"}} for the
whole request. Codes map to: delivered, try again later (rate limits, balance, provider trouble), or never
(bad number, template, signature, parameters). The secret key never leaves this module.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from connectors.base import DeliveryError
from connectors.http import RETRY_SERVER, RETRY_UNKNOWN, scrub
from connectors.sms.base import SmsRequest
from connectors.sms.tc3 import authorization

DEFAULT_ENDPOINT = "https://sms.tencentcloudapi.com"
SERVICE, ACTION, VERSION = "sms", "SendSms", "2021-01-11"
CONTENT_TYPE = "application/json; charset=utf-8"

# When to try again after a rate-limit code (seconds); the daily ones wait for the next day's quota.
RETRY_LIMITS = {"LimitExceeded.PhoneNumberThirtySecondLimit": 30.0, "LimitExceeded.PhoneNumberOneHourLimit": 3600.0,
                "LimitExceeded.PhoneNumberDailyLimit": 6 * 3600.0,
                "LimitExceeded.PhoneNumberSameContentDailyLimit": 6 * 3600.0,
                "LimitExceeded.DeliveryFrequencyLimit": 60.0, "LimitExceeded.DailyLimit": 6 * 3600.0,
                "RequestLimitExceeded": 5.0, "FailedOperation.InsufficientBalanceInSmsPackage": 3600.0,
                "AuthFailure.SignatureExpire": 30.0}
# Never worth sending again: the number, the template, the signature or the parameters are wrong.
PERMANENT = ("InvalidParameterValue.", "InvalidParameter", "MissingParameter", "UnsupportedOperation",
             "FailedOperation.PhoneNumberInBlacklist", "FailedOperation.TemplateIncorrectOrUnapproved",
             "FailedOperation.SignatureIncorrectOrUnapproved", "FailedOperation.ContainSensitiveWord",
             "FailedOperation.MissingTemplateToModify", "FailedOperation.MissingSignature", "InvalidAction",
             "NoSuchVersion", "UnauthorizedOperation")


def retry_after(code: str) -> float | None:
    """Seconds to wait before sending again after the provider's `code`; None: never (a dead letter)."""
    for prefix, delay in RETRY_LIMITS.items():
        if code == prefix or code.startswith(prefix + "."):
            return delay
    if code.startswith("LimitExceeded"):
        return 3600.0
    if code.startswith(PERMANENT):
        return None
    if code.startswith("AuthFailure"):
        return RETRY_UNKNOWN  # configuration (a wrong key): kept, retried slowly until fixed or given up
    return RETRY_SERVER  # InternalError.*, FailedOperation.* and anything new: the provider's trouble


@dataclass(frozen=True, slots=True)
class TencentSmsSettings:
    secret_id: str
    secret_key: str = ""
    sdk_app_id: str = ""
    sign_name: str = ""
    endpoint: str = DEFAULT_ENDPOINT
    region: str = "ap-guangzhou"
    timeout: float = 10.0

    def __repr__(self) -> str:  # never the key
        return f"TencentSmsSettings(endpoint={self.endpoint!r}, sdk_app_id={self.sdk_app_id!r}, region={self.region!r})"


class TencentSms:
    """The provider adapter: `send_sms(SmsRequest)` -> SerialNo, or DeliveryError."""

    def __init__(self, settings: TencentSmsSettings, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.clock = clock
        self._session: aiohttp.ClientSession | None = None

    async def send_sms(self, request: SmsRequest) -> str:
        payload = json.dumps(self._body(request), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        data = await self._post(payload)
        response = data.get("Response") if isinstance(data.get("Response"), dict) else {}
        assert isinstance(response, dict)
        if isinstance(error := response.get("Error"), dict):
            raise self._failure(str(error.get("Code", "")), str(error.get("Message", "")))
        statuses = response.get("SendStatusSet")
        status = next((s for s in statuses if isinstance(s, dict)), None) if isinstance(statuses, list) else None
        if status is None:
            raise DeliveryError("Tencent SMS: answer without SendStatusSet", retry_after=RETRY_SERVER)
        code = str(status.get("Code", ""))
        if code != "Ok":
            raise self._failure(code, str(status.get("Message", "")))
        return str(status.get("SerialNo", ""))

    def _body(self, request: SmsRequest) -> dict[str, Any]:
        body: dict[str, Any] = {"PhoneNumberSet": [request.phone], "SmsSdkAppId": self.settings.sdk_app_id,
                                "SignName": self.settings.sign_name, "TemplateId": request.template_id,
                                "TemplateParamSet": list(request.params)}
        if request.context:
            body["SessionContext"] = request.context[:500]
        return body

    def _headers(self, payload: bytes) -> dict[str, str]:
        timestamp = int(self.clock())
        signed = {"Content-Type": CONTENT_TYPE, "Host": urlsplit(self.settings.endpoint).netloc, "X-TC-Action": ACTION}
        auth = authorization(self.settings.secret_id, self.settings.secret_key, SERVICE, timestamp, signed, payload)
        return {**signed, "Authorization": auth, "X-TC-Timestamp": str(timestamp), "X-TC-Version": VERSION,
                "X-TC-Region": self.settings.region}

    async def _post(self, payload: bytes) -> dict[str, Any]:
        url = self.settings.endpoint.rstrip("/") + "/"
        try:
            async with self._client().post(url, data=payload, headers=self._headers(payload),
                                           timeout=aiohttp.ClientTimeout(total=self.settings.timeout)) as resp:
                status = resp.status
                try:
                    data = await resp.json(content_type=None)
                except ValueError:
                    data = None
        except TimeoutError:
            raise DeliveryError("Tencent SMS: timed out", retry_after=RETRY_SERVER) from None
        except aiohttp.ClientError as exc:
            raise DeliveryError(f"Tencent SMS: {type(exc).__name__}", retry_after=RETRY_SERVER) from None
        if status != 200 or not isinstance(data, dict):
            raise DeliveryError(f"Tencent SMS: HTTP {status}", retry_after=RETRY_SERVER)
        return data

    def _failure(self, code: str, message: str) -> DeliveryError:
        text = scrub(f"Tencent SMS {code}: {message}"[:300], (self.settings.secret_key,))
        return DeliveryError(text, retry_after=retry_after(code))

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        self._session = None
