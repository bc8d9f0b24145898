"""A local e签宝 open API v3 (the parts dealbot uses), speaking its wire protocol: every /v3 request must carry
X-Tsign-Open-App-Id, X-Tsign-Open-Auth-Mode: Signature, a Content-MD5 matching the body and the HMAC-SHA256
X-Tsign-Open-Ca-Signature over the 7-line string, else HTTP 401 as the gateway answers. Uploaded bytes are kept
(the PUT's Content-MD5 must match what was announced); flows are kept with their request; `fire` posts a
signed SIGN_FLOW_COMPLETE callback to the flow's notifyUrl."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from connectors.esign.sign import callback_signature, content_md5, request_signature

APP_ID, SECRET = "7438000001", "fake-esign-secret-0123"
STATUS_CODES = {"signed": "2", "revoked": "3", "expired": "5", "rejected": "7"}


@dataclass
class Flow:
    flow_id: str
    request: dict[str, Any]
    status: int = 1  # 签署中


@dataclass
class FakeEsign:
    app_id: str = APP_ID
    secret: str = SECRET
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)  # fileId -> announced fields + "data"
    flows: dict[str, Flow] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)  # (method, path) of every signed call accepted
    refused: list[str] = field(default_factory=list)  # why requests were refused (401)
    fail_next: list[int] = field(default_factory=list)  # HTTP statuses to answer the next /v3 calls with
    refuse_create: tuple[int, str] | None = None  # (code, message) create-by-file answers instead of a flow
    server: TestServer | None = None

    async def start(self) -> str:
        app = web.Application(middlewares=[self._verify])
        app.router.add_post("/v3/files/file-upload-url", self._upload_url)
        app.router.add_put("/oss/{file_id}", self._put)
        app.router.add_get("/v3/files/{file_id}", self._file)
        app.router.add_post("/v3/sign-flow/create-by-file", self._create)
        app.router.add_get("/v3/sign-flow/{flow_id}/detail", self._detail)
        app.router.add_post("/v3/sign-flow/{flow_id}/revoke", self._revoke)
        app.router.add_post("/v3/sign-flow/{flow_id}/file-download-url", self._download_url)
        app.router.add_get("/download/{flow_id}", self._download)
        self.server = TestServer(app)
        await self.server.start_server()
        return self.url

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    @web.middleware
    async def _verify(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not request.path.startswith("/v3/"):
            return await handler(request)
        if self.fail_next:
            return web.json_response({"code": 500, "message": "busy"}, status=self.fail_next.pop(0))
        body = await request.read()
        problem = self.problem(request, body)
        if problem:
            self.refused.append(problem)
            return web.json_response({"success": False, "code": 401, "message": problem}, status=401)
        self.calls.append((request.method, request.path))
        return await handler(request)

    def problem(self, request: web.Request, body: bytes) -> str:
        headers = request.headers
        if headers.get("X-Tsign-Open-App-Id") != self.app_id:
            return "无效的应用"
        if headers.get("X-Tsign-Open-Auth-Mode") != "Signature":
            return "TOKEN_CANT_BE_NULL"
        if headers.get("Content-MD5", "") != content_md5(body):
            return "INVALID_CONTENT_MD5"
        if abs(int(headers.get("X-Tsign-Open-Ca-Timestamp", "0")) / 1000 - time.time()) > 900:
            return "INVALID_TIMESTAMP"
        path = request.path_qs
        expected = request_signature(self.secret, request.method, headers.get("Content-MD5", ""),
                                     headers.get("Content-Type", ""), path, headers.get("Accept", ""))
        return "" if headers.get("X-Tsign-Open-Ca-Signature") == expected else "INVALID_SIGNATURE"

    @staticmethod
    def ok(data: dict[str, Any] | None = None) -> web.Response:
        return web.json_response({"code": 0, "message": "成功", "data": data or {}})

    @staticmethod
    def error(code: int, message: str) -> web.Response:
        return web.json_response({"code": code, "message": message, "data": None})

    async def _upload_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        file_id = f"f{len(self.uploads) + 1:04d}"
        self.uploads[file_id] = {**body, "data": None}
        return self.ok({"fileId": file_id, "fileUploadUrl": f"{self.url}/oss/{file_id}?sign=oss-token"})

    async def _put(self, request: web.Request) -> web.Response:
        upload = self.uploads.get(request.match_info["file_id"])
        data = await request.read()
        if upload is None or request.headers.get("Content-MD5") != upload["contentMd5"] \
                or content_md5(data) != upload["contentMd5"] or request.content_type != upload["contentType"]:
            return web.json_response({"errCode": 1, "msg": "md5 mismatch"}, status=400)
        upload["data"] = data
        return web.json_response({"errCode": 0, "msg": "success"})

    async def _file(self, request: web.Request) -> web.Response:
        upload = self.uploads.get(request.match_info["file_id"])
        if upload is None:
            return self.error(1435011, "文件不存在")
        return self.ok({"fileId": request.match_info["file_id"], "fileStatus": 2 if upload["data"] else 0})

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        docs = body.get("docs") or []
        if not docs or docs[0].get("fileId") not in self.uploads or not self.uploads[docs[0]["fileId"]]["data"]:
            return self.error(1437513, "文档未成功转换成pdf, 请稍后重试")
        if self.refuse_create is not None:
            return self.error(*self.refuse_create)
        if not body.get("signFlowConfig", {}).get("signFlowTitle"):
            return self.error(1435002, "参数错误: signFlowTitle不能为空")
        flow_id = f"sf{len(self.flows) + 1:06d}"
        self.flows[flow_id] = Flow(flow_id, body)
        return self.ok({"signFlowId": flow_id})

    async def _detail(self, request: web.Request) -> web.Response:
        flow = self.flows.get(request.match_info["flow_id"])
        return self.error(1435011, "流程不存在") if flow is None else self.ok({"signFlowStatus": flow.status})

    async def _revoke(self, request: web.Request) -> web.Response:
        flow = self.flows.get(request.match_info["flow_id"])
        if flow is None:
            return self.error(1435011, "流程不存在")
        if flow.status != 1:
            return self.error(1437203, "非签署中的流程不允许撤销")
        flow.status = 3
        return self.ok()

    async def _download_url(self, request: web.Request) -> web.Response:
        flow = self.flows.get(request.match_info["flow_id"])
        if flow is None or flow.status != 2:
            return self.error(1437518, "流程非签署完成状态，不允许下载文档")
        file_id = flow.request["docs"][0]["fileId"]
        return self.ok({"files": [{"fileId": file_id, "fileName": flow.request["docs"][0]["fileName"],
                                   "downloadUrl": f"{self.url}/download/{flow.flow_id}?Expires=3600"}]})

    async def _download(self, request: web.Request) -> web.Response:
        flow = self.flows[request.match_info["flow_id"]]
        return web.Response(body=self.signed_bytes(flow), content_type="application/pdf")

    def signed_bytes(self, flow: Flow) -> bytes:
        original = self.uploads[flow.request["docs"][0]["fileId"]]["data"]
        return original + f"\n%% signed by fake e签宝 flow {flow.flow_id}\n".encode()

    def notice(self, flow_id: str, outcome: str, reason: str = "") -> bytes:
        """The SIGN_FLOW_COMPLETE body for `outcome` (signed / rejected / expired / revoked); sets the flow's state."""
        flow = self.flows[flow_id]
        flow.status = int(STATUS_CODES[outcome])
        now = int(time.time() * 1000)
        return json.dumps({"action": "SIGN_FLOW_COMPLETE", "timestamp": now, "signFlowId": flow_id,
                           "signFlowTitle": flow.request["signFlowConfig"]["signFlowTitle"],
                           "signFlowStatus": STATUS_CODES[outcome], "statusDescription": reason,
                           "signFlowCreateTime": now - 60000, "signFlowStartTime": now - 60000,
                           "signFlowFinishTime": now}, ensure_ascii=False).encode()

    def headers(self, body: bytes, timestamp: int | None = None, secret: str | None = None) -> dict[str, str]:
        stamp = str(timestamp if timestamp is not None else int(time.time() * 1000))
        return {"X-Tsign-Open-App-Id": self.app_id, "X-Tsign-Open-TIMESTAMP": stamp,
                "X-Tsign-Open-SIGNATURE-ALGORITHM": "hmac-sha256",
                "X-Tsign-Open-SIGNATURE": callback_signature(secret or self.secret, stamp, "", body),
                "Content-Type": "application/json"}

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as response:
            return response.status

    async def fire(self, flow_id: str, outcome: str, reason: str = "") -> int:
        """Post a correctly signed notice to the flow's notifyUrl; the HTTP status the bot answered."""
        body = self.notice(flow_id, outcome, reason)
        return await self.post(self.flows[flow_id].request["signFlowConfig"]["notifyUrl"], body, self.headers(body))
