"""e签宝 v3 wire details without a server: the request string to sign, Content-MD5, the callback signature,
reading notices, mapping answers to retry or give up; and the [esign] config checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from bot.esign.settings import esign_settings
from connectors.esign.base import CallbackForged, CallbackMalformed, FlowOutcome, ProviderError
from connectors.esign.esign_cn import EsignCnProvider, EsignConfig, _data, read_event
from connectors.esign.sign import callback_signature, content_md5, sorted_path, string_to_sign

SECRET = "app-secret-1234"


def test_content_md5_is_base64_of_the_raw_digest_and_empty_without_a_body() -> None:
    assert content_md5(b"") == ""
    assert content_md5(b'{"a":1}') == base64.b64encode(hashlib.md5(b'{"a":1}').digest()).decode()
    assert len(content_md5(b"x")) == 24  # 16 bytes in base64, not 32 hex digits


def test_the_string_to_sign_has_seven_lines_and_sorted_query_keys() -> None:
    assert string_to_sign("post", "MD5==", "application/json; charset=UTF-8", "/v3/sign-flow/create-by-file") == (
        "POST\n*/*\nMD5==\napplication/json; charset=UTF-8\n\n/v3/sign-flow/create-by-file")
    assert sorted_path("/v3/files?b=2&a=1") == "/v3/files?a=1&b=2"


def test_signed_headers_carry_the_app_id_mode_and_an_hmac_the_server_can_recompute() -> None:
    provider = EsignCnProvider(EsignConfig("appid", SECRET))
    body = b'{"fileName":"HT-1.pdf"}'
    headers = provider.signed_headers("POST", "/v3/files/file-upload-url", body)
    text = f"POST\n*/*\n{content_md5(body)}\napplication/json; charset=UTF-8\n\n/v3/files/file-upload-url"
    expected = base64.b64encode(hmac.new(SECRET.encode(), text.encode(), hashlib.sha256).digest()).decode()
    assert headers["X-Tsign-Open-Ca-Signature"] == expected
    assert headers["X-Tsign-Open-App-Id"] == "appid" and headers["X-Tsign-Open-Auth-Mode"] == "Signature"
    assert SECRET not in repr(provider.config) and SECRET not in str(headers)


def test_the_callback_signature_is_hex_over_timestamp_query_values_and_body() -> None:
    body = b'{"action":"SIGN_FLOW_COMPLETE"}'
    expected = hmac.new(SECRET.encode(), b"1700000000000" + b"xy" + body, hashlib.sha256).hexdigest()
    assert callback_signature(SECRET, "1700000000000", "b=y&a=x", body) == expected


def notice(**fields: object) -> bytes:
    return json.dumps({"action": "SIGN_FLOW_COMPLETE", "signFlowId": "sf1", **fields}).encode()


@pytest.mark.parametrize(("status", "outcome"), [("2", FlowOutcome.SIGNED), ("3", FlowOutcome.REVOKED),
                                                 ("5", FlowOutcome.EXPIRED), ("7", FlowOutcome.REJECTED),
                                                 ("1", FlowOutcome.SIGNING)])
def test_flow_complete_notices_map_their_status(status: str, outcome: FlowOutcome) -> None:
    event = read_event(notice(signFlowStatus=status, statusDescription="原因", signFlowFinishTime=1700000000000))
    assert (event.flow_id, event.outcome, event.reason) == ("sf1", outcome, "原因")
    assert event.at == datetime.fromtimestamp(1700000000, UTC)


def test_a_signers_refusal_is_a_rejection_and_other_news_ends_nothing() -> None:
    refusal = read_event(notice(action="SIGN_MISSON_COMPLETE", signResult=4, resultDescription="金额不对"))
    assert (refusal.outcome, refusal.reason) == (FlowOutcome.REJECTED, "金额不对")
    assert read_event(notice(action="OPERATOR_READ")).outcome == FlowOutcome.SIGNING
    for bad in (b"{", b"[]", b'{"action": "SIGN_FLOW_COMPLETE"}', "不是JSON".encode()):
        with pytest.raises(CallbackMalformed):
            read_event(bad)


def test_callbacks_from_another_app_with_a_bad_or_old_signature_are_forged() -> None:
    provider = EsignCnProvider(EsignConfig("appid", SECRET, callback_max_age=60))
    body, now = notice(signFlowStatus="2"), datetime.fromtimestamp(1_700_000_030, UTC)
    good = {"X-Tsign-Open-App-Id": "appid", "X-Tsign-Open-TIMESTAMP": "1700000000000",
            "X-Tsign-Open-SIGNATURE": callback_signature(SECRET, "1700000000000", "", body)}
    assert provider.parse_callback(good, "", body, now).outcome == FlowOutcome.SIGNED
    for headers, at in (({**good, "X-Tsign-Open-App-Id": "other"}, now),
                        ({**good, "X-Tsign-Open-SIGNATURE": "00" * 32}, now),
                        ({**good, "X-Tsign-Open-TIMESTAMP": ""}, now),
                        (good, datetime.fromtimestamp(1_700_000_100, UTC))):
        with pytest.raises(CallbackForged):
            provider.parse_callback(headers, "", body, at)


def test_answers_map_to_retry_soon_retry_slowly_or_give_up() -> None:
    assert _data("/v3/x", 200, '{"code":0,"data":{"signFlowId":"sf1"}}') == {"signFlowId": "sf1"}
    cases = [(401, '{"code":401}', 300.0), (503, "busy", 15.0), (200, '{"code":1437513,"message":"转换中"}', 15.0),
             (200, '{"code":1435002,"message":"参数错误"}', None), (200, "<html>", 300.0)]
    for status, text, retry in cases:
        with pytest.raises(ProviderError) as err:
            _data("/v3/x?secret=1", status, text)
        assert err.value.retry_after == retry and "secret=1" not in str(err.value)


def test_esign_config_keys_are_checked_and_the_secret_never_shown(tmp_path: Path) -> None:
    assert esign_settings(load_config(environ={})) is None  # off without app_id
    config = load_config(environ={"DEALBOT_ESIGN_APP_ID": "7438", "DEALBOT_ESIGN_APP_SECRET": "s3cr3t-value",
                                  "DEALBOT_ESIGN_CALLBACK_URL": "https://crm.example.cn/esign/callback"})
    settings = esign_settings(config)
    assert settings is not None and settings.base_url == "https://openapi.esign.cn"
    assert "s3cr3t-value" not in repr(settings) and "s3cr3t-value" not in str(config.redacted())
    with pytest.raises(ConfigError, match=r"\[esign\] is missing app_secret"):
        esign_settings(load_config(environ={"DEALBOT_ESIGN_APP_ID": "7438"}))
    with pytest.raises(ConfigError, match=r"\[esign\] app_secret is set but app_id is missing") as refused:
        esign_settings(load_config(environ={"DEALBOT_ESIGN_APP_SECRET": "s3cr3t-value"}))  # not silently off
    assert "s3cr3t-value" not in str(refused.value)
    path = tmp_path / "bad.toml"
    for text, message in (('[esign]\napp_secert = "x"\n', "did you mean 'app_secret'"),
                          ('[esign]\ncallback_url = "crm/esign"\n',
                           'callback_url must be an http\\(s\\) address, like "https://crm.example.cn/esign/callback"'),
                          ('[esign]\nbase_url = "openapi.esign.cn"\n',
                           'base_url must be an http\\(s\\) address, like "https://openapi.esign.cn"'),
                          ("[esign]\ntimeout = 0\n", "timeout")):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load_config(path, environ={})


def test_the_signer_is_a_name_and_a_mainland_mobile_in_either_order() -> None:
    from domain.esign import BadMobile, BadSignerName, SignerMissing, signer_from

    assert signer_from(["何总", "13800138000"]) == ("何总", "13800138000")
    assert signer_from(["+8613800138000", "Mr", "He"]) == ("Mr He", "13800138000")
    assert signer_from(["何总", "138-0013-8000"]) == ("何总", "13800138000")
    for words, error in ((["何总"], BadMobile), (["何总", "12800138000"], BadMobile), (["13800138000"], SignerMissing),
                         ([], SignerMissing), (["何/总", "13800138000"], BadSignerName)):
        with pytest.raises(error):
            signer_from(words)


def test_the_flow_request_follows_create_by_file_and_cleans_titles() -> None:
    from connectors.esign.base import SignDocument, Signer
    from connectors.esign.esign_cn import flow_request

    document = SignDocument(title="合同 HT/2026:001", filename="HT/2026:001.pdf", data=b"%PDF-", reference="HT/1")
    body = flow_request(document, "f1", [Signer("何总", "13800138000")], "https://crm.example.cn/esign/callback",
                        sms=True)
    assert body["signFlowConfig"] == {"signFlowTitle": "合同 HT-2026-001", "autoStart": True, "autoFinish": True,
                                      "notifyUrl": "https://crm.example.cn/esign/callback"}
    assert body["docs"] == [{"fileId": "f1", "fileName": "HT-2026-001.pdf"}]
    signer = body["signers"][0]
    assert signer["signerType"] == 0 and signer["noticeConfig"] == {"noticeTypes": "1"}
    assert signer["signFields"][0]["fileId"] == "f1" and signer["signFields"][0]["customBizNum"] == "HT/1"
    assert signer["signFields"][0]["normalSignFieldConfig"]["signFieldPosition"]["positionPage"] == "1"
