"""`parse` on the command line: one message per stdin line, one JSON object per stdout line.

    python -m bot.nlp.cli parse --now 2026-11-24T10:00:00+08:00 [--tz Asia/Shanghai] [--known FILE] [--full]

`dealbot parse` calls `main`. --known names a file of known customers, one per line, aliases after
a "|" (苏州恒瑞智能装备有限公司|恒瑞|恒瑞智能); --full adds confidence, problems and evidence.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

from bot.nlp.gazetteer import Gazetteer, KnownName
from bot.nlp.parser import Parser
from bot.nlp.result import CONTRACT_KEYS, ParseResult
from bot.nlp.when import DEFAULT_TZ, zone

log = logging.getLogger(__name__)
_FALLBACK = json.dumps(dict.fromkeys(CONTRACT_KEYS) | {"intent": "unknown"})


def run_parse(
    now: datetime,
    lines: Iterable[str],
    parser: Parser | None = None,
    known_customers: Sequence[KnownName] = (),
    full: bool = False,
) -> Iterator[str]:
    """One JSON line per input line, in order; a line that breaks the parser still yields an object."""
    parser = parser or Parser()
    known = Gazetteer(known_customers)  # built once for every line
    for line in lines:
        text = line.rstrip("\r\n")
        try:
            result = parser.parse(text, now, known)
        except Exception:  # one bad line must not lose the rest of the batch
            log.exception("parse failed for %r", text[:200])
            yield _FALLBACK
            continue
        yield _dump(result, full)


def _dump(result: ParseResult, full: bool) -> str:
    payload = result.to_json_full() if full else result.to_json()
    return json.dumps(payload, ensure_ascii=False)


def read_known(path: Path) -> list[KnownName]:
    known = []
    for line in path.read_text(encoding="utf-8").splitlines():
        names = [part.strip() for part in line.split("|") if part.strip()]
        if names:
            known.append(KnownName(names[0], tuple(names[1:])))
    return known


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="dealbot", description="Read rep messages into fields.")
    commands = parser.add_subparsers(dest="command", required=True)
    parse = commands.add_parser("parse", help="one message per stdin line -> one JSON object per line")
    parse.add_argument("--now", help="the messages' timestamp, ISO 8601 (default: the current time)")
    parse.add_argument("--tz", default=DEFAULT_TZ, help=f"the user's time zone (default {DEFAULT_TZ})")
    parse.add_argument("--known", type=Path, help="known customers, one per line, aliases after '|'")
    parse.add_argument("--full", action="store_true", help="add confidence, problems and evidence")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """`parse [--now ISO] [--tz ZONE] [--known FILE] [--full]`; the word `parse` may be left out."""
    argv = sys.argv[1:] if argv is None else argv
    args = _arguments(argv if argv[:1] == ["parse"] else ["parse", *argv])
    try:
        tz = zone(args.tz)
        now = datetime.fromisoformat(args.now.replace("Z", "+00:00")) if args.now else datetime.now(tz)
        known = read_known(args.known) if args.known else []
    except (ValueError, KeyError, OSError) as exc:
        print(f"dealbot parse: {exc}", file=sys.stderr)
        return 2
    _utf8(sys.stdin, "replace", newline="\n")  # a stray \r inside a message must not split it in two
    _utf8(sys.stdout, "strict")
    for line in run_parse(now, sys.stdin, Parser(tz), known, args.full):
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    return 0


def _utf8(stream: object, errors: str, newline: str | None = None) -> None:
    """Messages are UTF-8 whatever the locale says (CI may run under LANG=C)."""
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(encoding="utf-8", errors=errors, newline=newline)


if __name__ == "__main__":
    raise SystemExit(main())
