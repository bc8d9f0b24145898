"""`dealbot mail inspect FILE.eml`: show what the email channel reads from one mail, as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .parsing import parse_mail

INSPECT_KEYS = (
    "message_id", "in_reply_to", "references", "from_name", "from_address", "to", "cc", "subject",
    "date", "text", "kind", "bounced_recipients", "attachments",
)


def inspect_mail(raw: bytes) -> dict[str, Any]:
    """JSON-ready view of a parsed mail with exactly the keys of INSPECT_KEYS."""
    mail = parse_mail(raw)
    return {
        "message_id": mail.message_id,
        "in_reply_to": mail.in_reply_to,
        "references": list(mail.references),
        "from_name": mail.from_name,
        "from_address": mail.from_address or None,
        "to": list(mail.to),
        "cc": list(mail.cc),
        "subject": mail.subject,
        "date": mail.date.isoformat() if mail.date else None,
        "text": mail.text,
        "kind": mail.kind,
        "bounced_recipients": list(mail.bounced_recipients),
        "attachments": [
            {"filename": item.filename, "content_type": item.content_type, "size": item.size}
            for item in mail.attachments
        ],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Arguments after `dealbot mail inspect`: one .eml path, or `-` for stdin. Returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="dealbot mail inspect",
        description="解析一封邮件并输出 JSON / Parse one mail and print what dealbot reads from it as JSON",
    )
    parser.add_argument("file", help="邮件文件 (.eml)，- 表示标准输入 / the .eml file, - for stdin")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as err:
        print(f"无法读取邮件文件 / cannot read mail file {args.file}: {err.strerror or err}", file=sys.stderr)
        return 1
    json.dump(inspect_mail(raw), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
