"""Walk a parsed MIME tree once, within limits: body text, attachments and delivery-status reports.

Attached messages (message/rfc822) count as one attachment and are not opened; inline images are
ignored; attachments are measured, never decompressed, and their bytes kept only up to `keep_bytes` each
(0: none), for the bot to file them on a delivery project.
"""

from __future__ import annotations

import binascii
import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import Message

from connectors.base import Attachment

from .charsets import decode_bytes
from .classify import failed_recipients
from .elide import elided_size, kept_index
from .headers import HeaderBlock, lenient_b64decode, raw_bytes
from .mimeparams import HeaderValue, content_type_of, parse_header_value

MAX_DEPTH = 10  # multipart levels followed
MAX_PARTS = 500  # parts looked at
MAX_BODY_CHARS = 1_000_000
_DSN_TYPES = frozenset({"message/delivery-status", "message/global-delivery-status"})
_MESSAGE_TYPES = frozenset({"message/rfc822", "message/global"})
_SKIPPED_TYPES = frozenset({"text/rfc822-headers", "message/global-headers", "application/pgp-signature-x"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(slots=True)
class Body:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    bounced: list[str] = field(default_factory=list)
    is_report: bool = False
    defects: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Part:
    message: Message
    ctype: HeaderValue
    disposition: HeaderValue
    content_id: str
    encoding: str


def charset_hint(message: Message) -> str | None:
    """The first declared charset in the mail, used to read raw 8-bit headers."""
    queue: deque[Message] = deque([message])
    for _ in range(MAX_PARTS):
        if not queue:
            break
        part = queue.popleft()
        charset = content_type_of(HeaderBlock(part).first("content-type")).get("charset")
        if charset:
            return charset
        payload = part.get_payload() if part.is_multipart() else None
        if isinstance(payload, list):
            queue.extend(item for item in payload if isinstance(item, Message))
    return None


def read_body(message: Message, hint: str | None, keep_bytes: int = 0, kept: Sequence[bytes] = ()) -> Body:
    """`kept`: the bytes of the base64 runs elided before parsing (connectors.email.elide.elide_and_keep)."""
    body = Body()
    body.plain, body.html = _Walker(body, hint, keep_bytes, kept).visit(message, depth=0, parent="")
    return body


class _Walker:
    def __init__(self, body: Body, hint: str | None, keep_bytes: int = 0, kept: Sequence[bytes] = ()) -> None:
        self.body = body
        self.hint = hint
        self.seen = 0
        self.keep_bytes = keep_bytes
        self.kept = kept

    def visit(self, message: Message, depth: int, parent: str) -> tuple[list[str], list[str]]:
        """Returns (plain, html) texts of this subtree; attachments and reports go into the body."""
        self.seen += 1
        if self.seen > MAX_PARTS:
            self._defect(f"more than {MAX_PARTS} MIME parts; the rest was ignored")
            return [], []
        part = self._describe(message)
        ctype = part.ctype.value
        payload = raw_payload(message)
        if ctype.startswith("multipart/") or (isinstance(payload, list) and ctype not in _MESSAGE_TYPES
                                              and ctype not in _DSN_TYPES):
            return self._container(part, payload, depth)
        self._leaf_extras(part, parent)
        if _is_body_text(part):
            text = self._text(part)
            return ([text], []) if ctype != "text/html" else ([], [text])
        return [], []

    def _container(self, part: _Part, payload: object, depth: int) -> tuple[list[str], list[str]]:
        ctype = part.ctype.value
        if ctype == "multipart/report" and (part.ctype.get("report-type") or "").lower() == "delivery-status":
            self.body.is_report = True
        if not isinstance(payload, list):  # a multipart without usable boundary: read it as text
            self._defect(f"{ctype} without parts")
            return [self._text(part)], []
        if depth >= MAX_DEPTH:
            self._defect(f"MIME nesting deeper than {MAX_DEPTH}; inner parts ignored")
            return [], []
        children = [self.visit(child, depth + 1, ctype) for child in payload if isinstance(child, Message)]
        if ctype == "multipart/alternative":  # one rendering: the first plain one, else the first HTML one
            plain_versions = [plain for plain, _ in children if plain]
            html_versions = [html for _, html in children if html]
            if plain_versions:
                return plain_versions[0], []
            return [], html_versions[0] if html_versions else []
        return [t for plain, _ in children for t in plain], [t for _, html in children for t in html]

    def _leaf_extras(self, part: _Part, parent: str) -> None:
        ctype = part.ctype.value
        if ctype in _DSN_TYPES:
            self.body.is_report = True
            for address in failed_recipients(part.message, self.hint):
                if address not in self.body.bounced:
                    self.body.bounced.append(address)
        elif ctype in _SKIPPED_TYPES or _is_body_text(part) or _is_inline_image(part, parent):
            return
        elif parent == "multipart/alternative" and _is_unnamed_text(part):
            return  # text/enriched and friends: another rendering of the body, not a file
        else:
            self.body.attachments.append(self._attachment(part))

    def _attachment(self, part: _Part) -> Attachment:
        name = part.disposition.get("filename") or part.ctype.get("name") or ""
        name = _CONTROL.sub("", name).strip()
        size = self._size(part)
        return Attachment(filename=name, content_type=part.ctype.value, size=size,
                          content_id=part.content_id or None, data=self._kept_bytes(part, size))

    def _kept_bytes(self, part: _Part, size: int) -> bytes | None:
        """The attachment's decoded bytes when they are at most `keep_bytes` (attached messages: never)."""
        payload = raw_payload(part.message)
        if not 0 < size <= self.keep_bytes or not isinstance(payload, str):
            return None
        if elided_size(payload) is not None:
            index = kept_index(payload)
            return self.kept[index] if index is not None and index < len(self.kept) else None
        data = self._payload_bytes(part)
        return data if len(data) <= self.keep_bytes else None

    def _size(self, part: _Part) -> int:
        payload = raw_payload(part.message)
        if isinstance(payload, list):  # an attached message: the size of its (decoded) serialized form
            try:
                data = b"".join(item.as_bytes() for item in payload if isinstance(item, Message))
            except Exception:
                return 0
            return _base64_size(data.decode("latin-1")) if part.encoding == "base64" else len(data)
        elided = elided_size(payload) if isinstance(payload, str) else None
        if elided is not None:
            return elided
        if part.encoding == "base64":
            return _base64_size(str(payload))
        return len(self._payload_bytes(part))

    def _text(self, part: _Part) -> str:
        text = decode_bytes(self._payload_bytes(part), part.ctype.get("charset"), hint=self.hint)
        if len(text) > MAX_BODY_CHARS:
            self._defect(f"body longer than {MAX_BODY_CHARS} characters was cut")
            text = text[:MAX_BODY_CHARS]
        return _CONTROL_IN_TEXT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))

    def _payload_bytes(self, part: _Part) -> bytes:
        payload = raw_payload(part.message)
        if isinstance(payload, list) or payload is None:
            return b""
        if elided_size(str(payload)) is not None:
            self._defect("a body part too large to read was skipped")
            return b""
        data = raw_bytes(str(payload))
        try:
            if part.encoding == "base64":
                return lenient_b64decode(data)
            if part.encoding == "quoted-printable":
                return binascii.a2b_qp(data)
            if part.encoding in ("x-uuencode", "uuencode", "x-uue", "uue"):
                decoded = part.message.get_payload(decode=True)
                return decoded if isinstance(decoded, bytes) else data
        except (binascii.Error, ValueError) as err:
            self._defect(f"undecodable {part.encoding} part: {err}")
        return data

    def _describe(self, message: Message) -> _Part:
        headers = HeaderBlock(message)
        encoding = (headers.first("content-transfer-encoding") or "").strip().lower()
        return _Part(
            message=message,
            ctype=content_type_of(headers.first("content-type"), self.hint),
            disposition=parse_header_value(headers.first("content-disposition"), self.hint),
            content_id=(headers.first("content-id") or "").strip().strip("<>").strip(),
            encoding=re.split(r"[\s;]", encoding, maxsplit=1)[0],
        )

    def _defect(self, text: str) -> None:
        if text not in self.body.defects:
            self.body.defects.append(text)


def raw_payload(message: Message) -> object:
    """The payload exactly as parsed: a list of parts, or text with surrogate-escaped 8-bit bytes.

    `Message.get_payload()` would already decode 8-bit text with the declared charset (and 'replace'),
    losing Big5-HKSCS and GBK characters before we can pick the right codec.
    """
    return getattr(message, "_payload", None)


def _base64_size(text: str) -> int:
    """Decoded size computed from the encoded text, so the attachment is never decoded in memory."""
    chars = len(text) - sum(text.count(ch) for ch in " \t\r\n")
    end, padding = len(text), 0
    while end > 0 and text[end - 1] in " \t\r\n=":
        padding += text[end - 1] == "="
        end -= 1
    return max(0, (chars - padding) * 3 // 4)


def _is_body_text(part: _Part) -> bool:
    if part.ctype.value not in ("text/plain", "text/html"):
        return False
    named = part.disposition.get("filename") or part.ctype.get("name")
    return part.disposition.value != "attachment" and not named


def _is_unnamed_text(part: _Part) -> bool:
    named = part.disposition.get("filename") or part.ctype.get("name")
    return part.ctype.value.startswith("text/") and part.disposition.value != "attachment" and not named


def _is_inline_image(part: _Part, parent: str) -> bool:
    if not part.ctype.value.startswith("image/") or part.disposition.value == "attachment":
        return False
    return part.disposition.value == "inline" or bool(part.content_id) or parent == "multipart/related"
