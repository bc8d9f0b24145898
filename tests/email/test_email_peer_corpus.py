"""The 113 mails of ../shared/peer-mail parse, and agree with imap_tools' expectations where we agree."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from connectors.email import inspect_mail, parse_mail

PEER = Path(os.environ.get("DEALBOT_PEER_MAIL", Path(__file__).resolve().parents[3] / "shared" / "peer-mail"))
EXPECT: dict[str, dict[str, Any]] = (
    json.loads((PEER / "expect.json").read_text(encoding="utf-8")) if (PEER / "expect.json").exists() else {}
)

INLINE_IMAGES = "inline images (Content-ID, inline disposition, multipart/related) are not attachments"
DEDUPED = "recipients are de-duplicated"
NOT_ADDRESSES = "entries without local part and domain are not addresses and are dropped"
NESTED = "an attached message is one attachment; its own attachments stay inside it"

# (file, field) -> (our value, why it differs from imap_tools). Subjects are compared stripped of
# surrounding whitespace everywhere: stripping is deliberate.
DIFFERENCES: dict[tuple[str, str], tuple[object, str]] = {
    ("attachment_emails/attachment_content_location.eml", "attachments"): ([], INLINE_IMAGES),
    ("mime_emails/raw_email12.eml", "attachments"): ([], INLINE_IMAGES),
    ("attachment_emails/attachment_with_quoted_filename.eml", "attachments"): ([], INLINE_IMAGES),
    ("attachment_inline1.eml", "attachments"): ([], INLINE_IMAGES),
    ("attachment_inline2.eml", "attachments"): ([], INLINE_IMAGES),
    ("mime_emails/raw_email_with_nested_attachment.eml", "attachments"): (
        [("smime.p7s", 939)], INLINE_IMAGES),
    ("attachment_emails/attachment_message_rfc822.eml", "attachments"): (
        [("ForwardedMessage.eml", 3668)], NESTED),
    ("attachment_emails/attachment_pdf.eml", "to"): (["xxxx@xxxx.com"], DEDUPED),
    ("attachment_emails/attachment_pdf_lf.eml", "to"): (["xxxx@xxxx.com"], DEDUPED),
    ("error_emails/missing_body.eml", "to"): ([], NOT_ADDRESSES),
    ("mime_emails/raw_email11.eml", "to"): ([], NOT_ADDRESSES),
    ("error_emails/content_transfer_encoding_empty.eml", "subject"): (
        "4d8119\u3000(大補泡麵專賣) 大家說英語 每日聽MP3 (2004年6月份) 繁體中文光碟版 (英語教學)\u30008afb90",
        "Big5 bytes stored as Latin-1 mojibake are repaired using the mail's declared big5 charset",
    ),
    ("error_emails/invalid_subject_characters.eml", "subject"): (
        "Formação FrenetikPolis: Mega Campanha Final Verão | Cursos de Setembro",
        "raw 8-bit Latin-1 header bytes are decoded instead of dropped",
    ),
    ("rfc2822/example14.eml", "subject"): (
        "Re: TEST  テストテスト",
        "whitespace between a plain word and an encoded word is kept (RFC 2047 §6.2)",
    ),
    ("multipart_report_emails/multipart_report_multiple_status.eml", "attachments"): (
        [("", 2617)], "delivery-status parts are report data (bounced_recipients), not attachments",
    ),
    ("text_with_content_id.eml", "attachments"): ([], "a text/plain part with a Content-ID is body text"),
}


def ours(name: str) -> dict[str, object]:
    mail = parse_mail((PEER / "messages" / name).read_bytes())
    return {
        "subject": mail.subject,
        "from_address": mail.from_address or None,
        "to": list(mail.to),
        "attachments": [(item.filename, item.size) for item in mail.attachments],
    }


def theirs(expected: dict[str, Any]) -> dict[str, object]:
    return {
        "subject": expected["subject"].strip(),
        "from_address": expected["from_address"],
        "to": expected["to"],
        "attachments": [(item["filename"], item["size"]) for item in expected["attachments"]],
    }


def test_peer_corpus_is_present_with_all_its_mails() -> None:
    assert len(EXPECT) == 113, f"peer mail corpus missing or incomplete at {PEER}"
    files = (PEER / "messages").rglob("*.eml")
    assert sorted(str(path.relative_to(PEER / "messages")) for path in files) == sorted(EXPECT)


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_peer_mail_parses_and_inspects_as_json(name: str) -> None:
    raw = (PEER / "messages" / name).read_bytes()
    report = inspect_mail(raw)
    json.dumps(report, ensure_ascii=False)
    assert report["kind"] in {"human", "auto_reply", "bounce", "list"}


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_peer_mail_fields_agree_with_imap_tools_except_documented_improvements(name: str) -> None:
    got, want = ours(name), theirs(EXPECT[name])
    for field, value in got.items():
        if (name, field) in DIFFERENCES:
            improved, reason = DIFFERENCES[(name, field)]
            assert value == improved, f"{field}: {reason}"
            assert value != want[field], f"{field} now agrees with imap_tools; drop the documented difference"
        else:
            assert value == want[field], field


def test_peer_bounces_name_only_recipients_that_failed_for_good() -> None:
    failed = parse_mail((PEER / "messages/multipart_report_emails/report_530.eml").read_bytes())
    delayed = parse_mail((PEER / "messages/multipart_report_emails/report_422.eml").read_bytes())
    assert (failed.kind, failed.bounced_recipients) == ("bounce", ("edwin@zzzzzzz.com",))
    assert (delayed.kind, delayed.bounced_recipients) == ("bounce", ())
