"""A local Tencent Cloud SMS (API 3.0 SendSms, 2021-01-11) that checks requests the way the service does.

It verifies the TC3-HMAC-SHA256 Authorization header on its own (written from the API docs, not with the
connector's signer): Credential scope, SignedHeaders (content-type and host at least), the timestamp within
5 minutes of its clock, the signature over the canonical request; then the SmsSdkAppId, the approved sign
name and template (and its number of parameters, each at most 6 characters), then each number. It answers
with the documented shapes: Response.SendStatusSet per number, or Response.Error for the whole request.
Per-number answers can be scripted (`script`), and the service's default frequency limits are enforced.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

MOBILE = re.compile(r"\+861[3-9]\d{9}")
PARAM_LIMIT = 6  # characters per variable of a notification template


@dataclass
class Received:
    headers: dict[str, str]
    body: dict[str, Any]
    status: list[dict[str, Any]]
    error: str = ""


@dataclass
class FakeTencentSms:
    clock: Callable[[], datetime]
    secret_id: str = "AKIDfake0123456789"
    secret_key: str = "fake-secret-key-不外传"
    sdk_app_id: str = "1400006666"
    sign_name: str = "明途科技"
    templates: dict[str, int] = field(default_factory=lambda: {"1001": 4, "1002": 4})  # id -> variables
    received: list[Received] = field(default_factory=list)
    script: dict[str, list[str]] = field(default_factory=dict)  # phone -> codes to answer next, in order
    sent: dict[str, list[datetime]] = field(default_factory=dict)  # phone -> when an SMS went there

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/", self.handle)
        return app

    @property
    def delivered(self) -> list[Received]:
        return [r for r in self.received if r.status and r.status[0]["Code"] == "Ok"]

    async def handle(self, request: web.Request) -> web.Response:
        payload = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        error = self._auth_error(headers, payload)
        body: dict[str, Any] = {}
        if not error:
            try:
                body = json.loads(payload)
            except ValueError:
                error = "InvalidParameter"
            error = error or self._request_error(headers, body)
        status = [] if error else [self._status(phone, body) for phone in body["PhoneNumberSet"]]
        self.received.append(Received(headers, body, status, error))
        if error:
            return _answer({"Error": {"Code": error, "Message": error}})
        return _answer({"SendStatusSet": status})

    def _auth_error(self, headers: dict[str, str], payload: bytes) -> str:
        match = re.fullmatch(r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/sms/tc3_request, "
                             r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})", headers.get("authorization", ""))
        if match is None:
            return "AuthFailure.InvalidAuthorization"
        secret_id, day, signed, given = match.groups()
        if secret_id != self.secret_id:
            return "AuthFailure.SecretIdNotFound"
        try:
            stamp = int(headers.get("x-tc-timestamp", ""))
        except ValueError:
            return "AuthFailure.InvalidAuthorization"
        if abs(self.clock().timestamp() - stamp) > 300:
            return "AuthFailure.SignatureExpire"
        names = signed.split(";")
        if not {"content-type", "host"} <= set(names) or any(n not in headers for n in names) \
                or day != datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d"):
            return "AuthFailure.SignatureFailure"
        canonical = "POST\n/\n\n" + "".join(f"{n}:{headers[n].strip().lower()}\n" for n in names) + "\n" \
            + signed + "\n" + hashlib.sha256(payload).hexdigest()
        to_sign = f"TC3-HMAC-SHA256\n{stamp}\n{day}/sms/tc3_request\n" + hashlib.sha256(canonical.encode()).hexdigest()
        key = ("TC3" + self.secret_key).encode()
        for part in (day, "sms", "tc3_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        return "" if hmac.compare_digest(expected, given) else "AuthFailure.SignatureFailure"

    def _request_error(self, headers: dict[str, str], body: dict[str, Any]) -> str:
        if headers.get("x-tc-action") != "SendSms":
            return "InvalidAction"
        if headers.get("x-tc-version") != "2021-01-11":
            return "NoSuchVersion"
        if not isinstance(body.get("PhoneNumberSet"), list) or not body["PhoneNumberSet"]:
            return "MissingParameter.EmptyPhoneNumberSet"
        if body.get("SmsSdkAppId") != self.sdk_app_id:
            return "InvalidParameterValue.SdkAppIdNotExist"
        if body.get("SignName") != self.sign_name:
            return "FailedOperation.SignatureIncorrectOrUnapproved"
        params = body.get("TemplateParamSet", [])
        if self.templates.get(str(body.get("TemplateId"))) is None:
            return "FailedOperation.TemplateIncorrectOrUnapproved"
        if len(params) != self.templates[str(body["TemplateId"])] or not all(isinstance(p, str) and p for p in params):
            return "InvalidParameterValue.TemplateParameterFormatError"
        if any(len(p) > PARAM_LIMIT for p in params):
            return "InvalidParameterValue.TemplateParameterLengthLimit"
        return ""

    def _status(self, phone: str, body: dict[str, Any]) -> dict[str, Any]:
        code = self.script[phone].pop(0) if self.script.get(phone) else self._code(phone)
        if code == "Ok":
            self.sent.setdefault(phone, []).append(self.clock())
        ok = code == "Ok"
        return {"SerialNo": uuid.uuid4().hex if ok else "", "PhoneNumber": phone, "Fee": 1 if ok else 0,
                "SessionContext": body.get("SessionContext", ""), "Code": code,
                "Message": "send success" if code == "Ok" else code, "IsoCode": "CN"}

    def _code(self, phone: str) -> str:
        if not MOBILE.fullmatch(phone):
            return "InvalidParameterValue.IncorrectPhoneNumber"
        now, times = self.clock(), self.sent.get(phone, [])
        for window, limit, code in ((timedelta(seconds=30), 1, "LimitExceeded.PhoneNumberThirtySecondLimit"),
                                    (timedelta(hours=1), 5, "LimitExceeded.PhoneNumberOneHourLimit"),
                                    (timedelta(days=1), 10, "LimitExceeded.PhoneNumberDailyLimit")):
            if sum(now - t < window for t in times) >= limit:
                return code
        return "Ok"


def _answer(response: dict[str, Any]) -> web.Response:
    return web.json_response({"Response": {**response, "RequestId": str(uuid.uuid4())}})
