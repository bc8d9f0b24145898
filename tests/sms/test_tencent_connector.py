"""The Tencent Cloud SMS adapter against the local fake: signed requests accepted, everything the service
refuses mapped to try-again-later or never, the secret key never in an error."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from connectors.base import DeliveryError
from connectors.http import RETRY_UNKNOWN
from connectors.sms.base import SmsRequest
from connectors.sms.tc3 import authorization
from connectors.sms.tencent import TencentSms, TencentSmsSettings
from tests.e2e.harness import Clock
from tests.sms.fake_tencent import FakeTencentSms

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
OK = SmsRequest("+8613800138000", "1001", ["明途", "开会", "12月7日", "10:00"], "dealbot-outbox-1-1")


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeTencentSms, str]]:
    fake = FakeTencentSms(Clock(NOW))
    server = TestServer(fake.app())
    await server.start_server()
    yield fake, str(server.make_url("/")).rstrip("/")
    await server.close()


def _client(fake: FakeTencentSms, endpoint: str, *, key: str | None = None, skew: float = 0.0) -> TencentSms:
    settings = TencentSmsSettings(fake.secret_id, key if key is not None else fake.secret_key, fake.sdk_app_id,
                                  fake.sign_name, endpoint)
    return TencentSms(settings, lambda: NOW.timestamp() + skew)


async def _failure(client: TencentSms, request: SmsRequest = OK) -> DeliveryError:
    try:
        with pytest.raises(DeliveryError) as caught:
            await client.send_sms(request)
    finally:
        await client.close()
    return caught.value


async def test_a_signed_request_is_accepted_and_returns_the_serial_number(fake: tuple[FakeTencentSms, str]) -> None:
    server, endpoint = fake
    client = _client(server, endpoint)
    serial = await client.send_sms(OK)
    await client.close()
    [got] = server.received
    assert got.error == "" and serial == got.status[0]["SerialNo"] and serial
    assert got.body == {"PhoneNumberSet": ["+8613800138000"], "SmsSdkAppId": "1400006666", "SignName": "明途科技",
                        "TemplateId": "1001", "TemplateParamSet": ["明途", "开会", "12月7日", "10:00"],
                        "SessionContext": "dealbot-outbox-1-1"}
    assert got.headers["x-tc-timestamp"] == str(int(NOW.timestamp())) and got.headers["x-tc-region"] == "ap-guangzhou"


async def test_a_wrong_key_is_a_signature_failure_retried_slowly_and_never_shown(
        fake: tuple[FakeTencentSms, str]) -> None:
    server, endpoint = fake
    error = await _failure(_client(server, endpoint, key="wrong-key-123"))
    assert "AuthFailure.SignatureFailure" in str(error) and error.retry_after == RETRY_UNKNOWN
    assert "wrong-key-123" not in str(error)


async def test_a_clock_five_minutes_off_is_refused_as_expired(fake: tuple[FakeTencentSms, str]) -> None:
    server, endpoint = fake
    error = await _failure(_client(server, endpoint, skew=timedelta(minutes=6).total_seconds()))
    assert "AuthFailure.SignatureExpire" in str(error) and error.retry_after == 30.0


async def test_a_body_changed_after_signing_is_refused(fake: tuple[FakeTencentSms, str]) -> None:
    server, endpoint = fake
    signed = json.dumps({"PhoneNumberSet": ["+8613800138000"]}).encode()
    sent = json.dumps({"PhoneNumberSet": ["+8613900139000"]}).encode()
    stamp = int(NOW.timestamp())
    headers = {"Content-Type": "application/json; charset=utf-8", "Host": endpoint.split("//", 1)[1],
               "X-TC-Action": "SendSms"}
    auth = authorization(server.secret_id, server.secret_key, "sms", stamp, headers, signed)
    async with aiohttp.ClientSession() as session, session.post(endpoint + "/", data=sent, headers={
            **headers, "Authorization": auth, "X-TC-Timestamp": str(stamp), "X-TC-Version": "2021-01-11"}) as resp:
        answer = await resp.json()
    assert answer["Response"]["Error"]["Code"] == "AuthFailure.SignatureFailure"


@pytest.mark.parametrize(("request_", "code"), [
    (SmsRequest("+8613800138000", "9999", ["a", "b", "c", "d"]), "FailedOperation.TemplateIncorrectOrUnapproved"),
    (SmsRequest("+8613800138000", "1001", ["杭州明途信息技术", "b", "c", "d"]),
     "InvalidParameterValue.TemplateParameterLengthLimit"),
    (SmsRequest("+8613800138000", "1001", ["a"]), "InvalidParameterValue.TemplateParameterFormatError"),
    (SmsRequest("+8612345", "1001", ["a", "b", "c", "d"]), "InvalidParameterValue.IncorrectPhoneNumber"),
])
async def test_what_sending_again_cannot_fix_is_permanent(fake: tuple[FakeTencentSms, str], request_: SmsRequest,
                                                          code: str) -> None:
    server, endpoint = fake
    error = await _failure(_client(server, endpoint), request_)
    assert code in str(error) and error.retry_after is None


async def test_the_services_own_frequency_limit_is_retried_after_its_window(fake: tuple[FakeTencentSms, str]) -> None:
    server, endpoint = fake
    client = _client(server, endpoint)
    await client.send_sms(OK)
    error = await _failure(client)
    assert "LimitExceeded.PhoneNumberThirtySecondLimit" in str(error) and error.retry_after == 30.0
    server.script["+8613800138000"] = ["LimitExceeded.PhoneNumberDailyLimit"]
    assert (await _failure(_client(server, endpoint))).retry_after == 6 * 3600.0
