"""Property-based fuzzing of the API from its own OpenAPI document (schemathesis 4): every operation gets a
bounded number of generated requests, valid ones and invalid ones, against the real application on a seeded
database; no answer may be a server error, and every answer must conform to the documented schema (status,
content type, body)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import SECRET
from tests.api.live_server import LiveServer

EXAMPLES = 6  # per operation and mode (valid, invalid): about 200 requests in all per engine
MAX_LINE = 8000  # aiohttp answers a longer request line itself (400, text/plain): no API answer to check
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def live(db_url: str) -> Iterator[tuple[LiveServer, str, str]]:
    server = LiveServer()
    try:
        base = server.start(db_url, api={"rate_per_minute": 1_000_000})
        server.say("新客户 杭州明途信息技术有限公司", as_user="zhangwei")
        server.say("新商机 明途 ERP升级 80万", as_user="zhangwei")
        server.say("新线索 深圳华南科技有限公司 联系人 何总 预算 60万 区域 华南", as_user="chen")
        found = SECRET.search(server.say("令牌 新建 fuzz 读写"))
        assert found
        yield server, base, found.group(0)
    finally:
        server.stop()


def test_generated_requests_get_no_server_error_and_documented_answers(live: tuple[LiveServer, str, str]) -> None:
    _, base, secret = live
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {secret}"
    document = session.get(f"{base}/openapi.json", timeout=10).json()
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 17
    for operation, mode in product(operations, GenerationMode):
        if mode is GenerationMode.NEGATIVE and operation.path == "/openapi.json":
            continue  # nothing in it can be invalid
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case: schemathesis.Case[Any]) -> None:
            response = case.call(base_url=base, session=session, timeout=10)
            if len(response.request.url or "") > MAX_LINE:  # refused by aiohttp's HTTP parser, before the API
                case.validate_response(response, checks=[not_a_server_error])
                return
            case.validate_response(response, checks=CHECKS)

        fuzz()
