"""e签宝 (esign.cn) SaaS open API v3 as a SignatureProvider.

Why e签宝: its v3 API is fully server-to-server for a flow by file (upload URL, PUT with Content-MD5, flow by
file with signer SMS notices, detail, revoke, download URL) with one HMAC request signature and HMAC-signed
callbacks, and it is the provider most Chinese B2B teams already use. The calls, field names and codes follow
open.esign.cn/doc/opendoc (签名鉴权, 文件上传, 基于文件发起签署, 查询签署流程详情, 撤销, 下载已签署文件, 回调通知):

1. `POST /v3/files/file-upload-url` {contentMd5, contentType, fileName, fileSize} → data.fileId, fileUploadUrl
2. `PUT <fileUploadUrl>` the bytes with the same Content-MD5 and Content-Type (no e签宝 signature headers)
3. `GET /v3/files/{fileId}` until data.fileStatus is 2 or 5 (uploaded and converted)
4. `POST /v3/sign-flow/create-by-file` → data.signFlowId (autoFinish true, so completion calls back)
Answers are `{code, message, data}`; code 0 is success, the gateway answers HTTP 401 on a bad signature.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp

from connectors.esign.base import (
    CallbackForged,
    CallbackMalformed,
    FlowEvent,
    FlowOutcome,
    ProviderError,
    SignDocument,
    Signer,
)
from connectors.esign.sign import JSON_TYPE, callback_signature, content_md5, request_signature, same

PDF_TYPE = "application/pdf"
READY_FILE = frozenset({2, 5})  # fileStatus: uploaded (2) / converted to PDF (5)
FLOW_STATUS = {2: FlowOutcome.SIGNED, 3: FlowOutcome.REVOKED, 5: FlowOutcome.EXPIRED, 7: FlowOutcome.REJECTED}
TRANSIENT_CODES = frozenset({1437513})  # 文档未成功转换成pdf, 请稍后重试
RETRY_SERVER, RETRY_CONFIG = 15.0, 300.0  # 5xx / network; 401 (an app id or secret the gateway refuses)
_NOT_IN_TITLES = re.compile("[/\\\\:*\"<>|？?\U0001F000-\U0001FFFF\u2600-\u27BF]+")
SIGN_SPOT = {"positionPage": "1", "positionX": 430, "positionY": 150}  # where the contract PDF leaves room


@dataclass(frozen=True, slots=True)
class EsignConfig:
    app_id: str
    app_secret: str = field(repr=False)
    base_url: str = "https://openapi.esign.cn"  # sandbox: https://smlopenapi.esign.cn
    timeout: float = 20.0
    callback_max_age: float = 900.0  # seconds a callback's X-Tsign-Open-TIMESTAMP may be off
    upload_checks: int = 10  # GET /v3/files/{fileId} tries before giving the attempt back to the outbox
    upload_wait: float = 1.0  # seconds between them
    sms_notice: bool = True  # e签宝 texts the signer the signing link (noticeTypes "1")


class EsignCnProvider:
    name = "esign"

    def __init__(self, config: EsignConfig) -> None:
        self.config = config
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.config.timeout))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    def signed_headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        md5 = content_md5(body)
        return {"X-Tsign-Open-App-Id": self.config.app_id, "X-Tsign-Open-Auth-Mode": "Signature",
                "X-Tsign-Open-Ca-Timestamp": str(int(time.time() * 1000)),
                "X-Tsign-Open-Ca-Signature": request_signature(self.config.app_secret, method, md5, JSON_TYPE, path),
                "Accept": "*/*", "Content-Type": JSON_TYPE, "Content-MD5": md5}

    async def call(self, method: str, path: str, payload: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """One signed API call; its `data`. The body is serialized once: the bytes signed are the bytes sent."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode() if payload is not None else b""
        try:
            async with self._http().request(method, self.config.base_url.rstrip("/") + path, data=body or None,
                                            headers=self.signed_headers(method, path, body)) as response:
                status, text = response.status, await response.text()
        except (aiohttp.ClientError, TimeoutError) as err:
            raise ProviderError(f"e签宝 {path.split('?')[0]}: {type(err).__name__}", RETRY_SERVER) from None
        return _data(path, status, text)

    async def create_flow(self, document: SignDocument, signers: Sequence[Signer], notify_url: str) -> str:
        file_id = await self._upload(document)
        data = await self.call("POST", "/v3/sign-flow/create-by-file", flow_request(
            document, file_id, signers, notify_url, self.config.sms_notice))
        flow_id = str(data.get("signFlowId") or "")
        if not flow_id:
            raise ProviderError("e签宝 create-by-file answered without signFlowId", RETRY_CONFIG)
        return flow_id

    async def _upload(self, document: SignDocument) -> str:
        md5 = content_md5(document.data)
        data = await self.call("POST", "/v3/files/file-upload-url", {
            "contentMd5": md5, "contentType": PDF_TYPE, "fileName": plain(document.filename, 100),
            "fileSize": len(document.data), "convertToPDF": False})
        file_id, url = str(data.get("fileId") or ""), str(data.get("fileUploadUrl") or "")
        if not file_id or not url:
            raise ProviderError("e签宝 file-upload-url answered without fileId or fileUploadUrl", RETRY_CONFIG)
        try:
            async with self._http().put(url, data=document.data,
                                        headers={"Content-MD5": md5, "Content-Type": PDF_TYPE}) as response:
                if response.status >= 300:
                    raise ProviderError(f"e签宝 file upload: HTTP {response.status}", RETRY_SERVER)
        except (aiohttp.ClientError, TimeoutError) as err:
            raise ProviderError(f"e签宝 file upload: {type(err).__name__}", RETRY_SERVER) from None
        for attempt in range(self.config.upload_checks):
            if attempt:
                await asyncio.sleep(self.config.upload_wait)
            status = (await self.call("GET", f"/v3/files/{file_id}")).get("fileStatus")
            if _int(status) in READY_FILE:
                return file_id
        raise ProviderError(f"e签宝 file {file_id} not ready (fileStatus {status})", RETRY_SERVER)

    async def flow_outcome(self, flow_id: str) -> FlowOutcome:
        data = await self.call("GET", f"/v3/sign-flow/{flow_id}/detail")
        return FLOW_STATUS.get(_int(data.get("signFlowStatus")), FlowOutcome.SIGNING)

    async def download_signed(self, flow_id: str) -> bytes:
        data = await self.call("POST", f"/v3/sign-flow/{flow_id}/file-download-url", {"urlAvailableDate": 3600})
        files = data.get("files") or []
        url = str(files[0].get("downloadUrl") or "") if files and isinstance(files[0], dict) else ""
        if not url:
            raise ProviderError("e签宝 file-download-url answered without a downloadUrl", RETRY_SERVER)
        try:
            async with self._http().get(url) as response:
                if response.status >= 300:
                    raise ProviderError(f"e签宝 signed file download: HTTP {response.status}", RETRY_SERVER)
                return await response.read()
        except (aiohttp.ClientError, TimeoutError) as err:
            raise ProviderError(f"e签宝 signed file download: {type(err).__name__}", RETRY_SERVER) from None

    async def revoke(self, flow_id: str, reason: str) -> None:
        await self.call("POST", f"/v3/sign-flow/{flow_id}/revoke", {"revokeReason": reason[:50]})

    def parse_callback(self, headers: Mapping[str, str], query: str, body: bytes, now: datetime) -> FlowEvent:
        timestamp, signature = headers.get("X-Tsign-Open-TIMESTAMP", ""), headers.get("X-Tsign-Open-SIGNATURE", "")
        if headers.get("X-Tsign-Open-App-Id", self.config.app_id) != self.config.app_id:
            raise CallbackForged("another app id")
        if not timestamp.isdigit() or not signature:
            raise CallbackForged("no timestamp or signature")
        if not same(callback_signature(self.config.app_secret, timestamp, query, body), signature.lower()):
            raise CallbackForged("bad signature")
        if abs(now.timestamp() - int(timestamp) / 1000) > self.config.callback_max_age:
            raise CallbackForged("stale timestamp")
        return read_event(body)


def plain(text: str, limit: int = 50) -> str:
    """Text e签宝 accepts in a title or file name: without / \\ : * " < > | ？ ? and emoji."""
    return _NOT_IN_TITLES.sub("-", text).strip()[:limit] or "contract"


def flow_request(document: SignDocument, file_id: str, signers: Sequence[Signer], notify_url: str,
                 sms: bool) -> dict[str, Any]:
    config: dict[str, Any] = {"signFlowTitle": plain(document.title), "autoStart": True, "autoFinish": True}
    if notify_url:
        config["notifyUrl"] = notify_url
    return {"docs": [{"fileId": file_id, "fileName": plain(document.filename, 100)}], "signFlowConfig": config,
            "signers": [{"signConfig": {"signOrder": 1}, "noticeConfig": {"noticeTypes": "1" if sms else ""},
                         "signerType": 0,
                         "psnSignerInfo": {"psnAccount": signer.mobile, "psnInfo": {"psnName": signer.name}},
                         "signFields": [{"fileId": file_id, "customBizNum": document.reference,
                                         "normalSignFieldConfig": {"signFieldStyle": 1,
                                                                   "signFieldPosition": SIGN_SPOT}}]}
                        for signer in signers]}


def read_event(body: bytes) -> FlowEvent:
    """SIGN_FLOW_COMPLETE ends a flow (signFlowStatus "2" done, "3" revoked, "5" expired, "7" rejected, with
    statusDescription); SIGN_MISSON_COMPLETE with signResult 4 is a signer's refusal; anything else is news
    that ends nothing (read, one signer done)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise CallbackMalformed("not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("action"), str) or not data.get("signFlowId"):
        raise CallbackMalformed("no action or signFlowId")
    action, flow_id = data["action"], str(data["signFlowId"])
    at = _millis(data.get("signFlowFinishTime") or data.get("timestamp"))
    if action == "SIGN_FLOW_COMPLETE":
        outcome = FLOW_STATUS.get(_int(data.get("signFlowStatus")), FlowOutcome.SIGNING)
        return FlowEvent(flow_id, outcome, action, str(data.get("statusDescription") or ""), at)
    if action == "SIGN_MISSON_COMPLETE" and _int(data.get("signResult")) == 4:
        return FlowEvent(flow_id, FlowOutcome.REJECTED, action, str(data.get("resultDescription") or ""), at)
    return FlowEvent(flow_id, FlowOutcome.SIGNING, action, "", at)


def _data(path: str, status: int, text: str) -> dict[str, Any]:
    where = f"e签宝 {path.split('?')[0]}"
    if status == 401:
        raise ProviderError(f"{where}: HTTP 401 (app id or secret refused)", RETRY_CONFIG)
    if status >= 500 or status == 429:
        raise ProviderError(f"{where}: HTTP {status}", RETRY_SERVER)
    try:
        answer = json.loads(text)
    except ValueError:
        raise ProviderError(f"{where}: HTTP {status}, not JSON", RETRY_CONFIG) from None
    code = _int(answer.get("code")) if isinstance(answer, dict) else -1
    if code != 0:
        message = str(answer.get("message", ""))[:200] if isinstance(answer, dict) else ""
        raise ProviderError(f"{where}: code {code} {message}".rstrip(),
                            RETRY_SERVER if code in TRANSIENT_CODES else None)
    data = answer.get("data")
    return data if isinstance(data, dict) else {}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _millis(value: Any) -> datetime | None:
    stamp = _int(value)
    return datetime.fromtimestamp(stamp / 1000, UTC) if stamp > 0 else None
