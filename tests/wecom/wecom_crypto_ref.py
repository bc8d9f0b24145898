"""WeCom callback crypto written from the documented algorithm, independent of wechatpy.

msg_signature = sha1("".join(sorted([token, timestamp, nonce, encrypt])))
encrypt = base64(AES-256-CBC(key = b64decode(EncodingAESKey + "="), iv = key[:16])(
    PKCS#7 pad to 32-byte blocks (16 random bytes + 4-byte big-endian len(msg) + msg + receiveid)))
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


def aes_key(encoding_aes_key: str) -> bytes:
    key = base64.b64decode(encoding_aes_key + "=")
    assert len(key) == 32
    return key


def sign(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypt])).encode()).hexdigest()


def pkcs7_pad(data: bytes) -> bytes:
    n = BLOCK - len(data) % BLOCK
    return data + bytes([n]) * n


def pkcs7_unpad(data: bytes) -> bytes:
    n = data[-1]
    if not (1 <= n <= BLOCK and data.endswith(bytes([n]) * n)):
        raise ValueError("bad PKCS#7 padding")
    return data[:-n]


def encrypt(encoding_aes_key: str, msg: bytes, receive_id: str) -> str:
    key = aes_key(encoding_aes_key)
    plain = os.urandom(16) + struct.pack(">I", len(msg)) + msg + receive_id.encode()
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(enc.update(pkcs7_pad(plain)) + enc.finalize()).decode()


def decrypt(encoding_aes_key: str, encrypted: str) -> tuple[bytes, str]:
    key = aes_key(encoding_aes_key)
    dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = pkcs7_unpad(dec.update(base64.b64decode(encrypted)) + dec.finalize())
    (length,) = struct.unpack(">I", plain[16:20])
    return plain[20 : 20 + length], plain[20 + length :].decode()


def envelope(encrypted: str, to_user: str, agent_id: int) -> bytes:
    return (f"<xml><ToUserName><![CDATA[{to_user}]]></ToUserName><AgentID><![CDATA[{agent_id}]]>"
            f"</AgentID><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>").encode()


def text_xml(*, corp_id: str, user: str, content: str, msg_id: str, create_time: int, agent_id: int) -> bytes:
    return (f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><FromUserName><![CDATA[{user}]]>"
            f"</FromUserName><CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId>"
            f"<AgentID>{agent_id}</AgentID></xml>").encode()


def event_xml(*, corp_id: str, user: str, event: str, create_time: int, agent_id: int) -> bytes:
    return (f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><FromUserName><![CDATA[{user}]]>"
            f"</FromUserName><CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[{event}]]></Event><EventKey><![CDATA[]]></EventKey>"
            f"<AgentID>{agent_id}</AgentID></xml>").encode()


def image_xml(*, corp_id: str, user: str, msg_id: str, create_time: int, agent_id: int) -> bytes:
    return (f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><FromUserName><![CDATA[{user}]]>"
            f"</FromUserName><CreateTime>{create_time}</CreateTime><MsgType><![CDATA[image]]></MsgType>"
            f"<PicUrl><![CDATA[http://example.invalid/p.jpg]]></PicUrl><MediaId><![CDATA[m1]]></MediaId>"
            f"<MsgId>{msg_id}</MsgId><AgentID>{agent_id}</AgentID></xml>").encode()
