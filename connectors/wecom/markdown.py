"""Fit text into WeCom's markdown subset and byte limits.

WeCom renders headings (`#`..`###` here), **bold**, [links](url), `inline code`, `> quotes` and
`<font color="info|comment|warning">`; no tables, images or code blocks. Limits are in UTF-8
bytes: 4,096 for robot markdown, 2,048 for app text/markdown. Cuts never split a character.
"""

from __future__ import annotations

import re
from typing import Literal

from connectors.text import ELLIPSIS, split_markdown, truncate_utf8, utf8_len

ROBOT_MARKDOWN_LIMIT = 4096
APP_TEXT_LIMIT = 2048
__all__ = ["ELLIPSIS", "escape_html", "escape_markdown", "split_markdown", "to_wecom_markdown",
           "truncate_utf8", "utf8_len"]
FontColor = Literal["info", "comment", "warning"]

_HEADING = re.compile(r"^(#{4,})(\s)")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_FONT = re.compile(r'<font\s+color\s*=\s*["\']?([#\w]+)["\']?\s*>', re.IGNORECASE)
_COLORS = {"info": "info", "green": "info", "comment": "comment", "gray": "comment", "grey": "comment",
           "warning": "warning", "red": "warning", "orange": "warning"}


def _font(match: re.Match[str]) -> str:
    color = _COLORS.get(match.group(1).lower(), "comment")
    return f'<font color="{color}">'


def _table_row(line: str) -> str:
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
    return " · ".join(cell for cell in cells if cell)


def to_wecom_markdown(text: str) -> str:
    """Rewrite common markdown into WeCom's subset: deep headings become `###`, images become
    links, table rows become `a · b` lines, fenced code becomes inline code, font colours map to
    info/comment/warning."""
    out: list[str] = []
    in_fence = False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence:
            out.append(f"`{line}`" if line.strip() else "")
            continue
        if _TABLE_RULE.match(line) and "|" in line:
            continue
        line = _HEADING.sub(r"###\2", line)
        line = _IMAGE.sub(lambda m: f"[{m.group(1) or '图片 image'}]({m.group(2)})", line)
        line = _FONT.sub(_font, line)
        if line.lstrip().startswith("|"):
            line = _table_row(line)
        out.append(line)
    return "\n".join(out)


_HTML_SPECIAL = str.maketrans({"<": "&lt;", ">": "&gt;", '"': "&quot;"})
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_MD_SPECIAL = re.compile(r"[\\`*\[\]~|]|(?<!\w)_|_(?!\w)")
_MD_LINE_START = re.compile(r"^(\s*\d*)([#\-+.)])(?=[#\s]|$)", re.MULTILINE)  # heading, list item


def escape_html(text: str) -> str:
    """Text as it reads, inside HTML: no tag, no attribute end, no entity can come out of it."""
    return _ENTITY_LIKE.sub("&amp;", text).translate(_HTML_SPECIAL)


def escape_markdown(text: str) -> str:
    """Outside text (a mail's subject, body, sender name) as plain words inside WeCom/DingTalk markdown:
    no link, image, emphasis, code, heading, list or quote, and no HTML tag (`<font>`, `<a>`). The one
    escaping function for every card renderer (bot.reply.render_markdown, textcards)."""
    text = _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), escape_html(text))
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def font(text: str, color: FontColor) -> str:
    return f'<font color="{color}">{text}</font>'


def bold(text: str) -> str:
    return f"**{text}**"


def link(label: str, url: str) -> str:
    return f"[{label}]({url})"


def quote(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.split("\n"))
