"""Fit text into a chat platform's byte limits. Cuts never split a character."""

from __future__ import annotations

ELLIPSIS = "…"
DEFAULT_LIMIT = 4096


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def truncate_utf8(text: str, limit: int = DEFAULT_LIMIT, marker: str = ELLIPSIS) -> str:
    """`text` if it fits in `limit` bytes, else its longest prefix that fits with `marker` appended."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    budget = limit - utf8_len(marker)
    if budget < 0:
        raise ValueError("marker longer than limit")
    # The prefix of valid UTF-8 can only end inside its last character: drop that partial character.
    head = data[:budget].decode("utf-8", errors="ignore")
    return head + marker


def _hard_split(line: str, limit: int) -> list[str]:
    pieces: list[str] = []
    data = line.encode("utf-8")
    while len(data) > limit:
        piece = data[:limit].decode("utf-8", errors="ignore")
        pieces.append(piece)
        data = data[len(piece.encode("utf-8")):]
    pieces.append(data.decode("utf-8"))
    return pieces


def split_markdown(text: str, limit: int = DEFAULT_LIMIT, max_parts: int | None = None) -> list[str]:
    """Split at line boundaries into parts of at most `limit` bytes each (over-long lines are cut
    at character boundaries). With `max_parts`, the last part is truncated with an ellipsis."""
    if limit < 4:
        raise ValueError("limit too small")
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        for piece in _hard_split(line, limit):
            candidate = f"{current}\n{piece}" if current else piece
            if current and utf8_len(candidate) > limit:
                parts.append(current)
                candidate = piece
            current = candidate
    if current or not parts:
        parts.append(current)
    if max_parts is not None and len(parts) > max_parts:
        rest = "\n".join(parts[max_parts - 1:])
        parts = [*parts[: max_parts - 1], truncate_utf8(rest, limit)]
    return parts
