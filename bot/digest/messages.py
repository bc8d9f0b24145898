"""A digest as the messages one manager receives: chat markdown split to the channel's limit, or one HTML
email with the funnel and trend charts as inline PNGs. Each is a `scheduler.push.Push` of kind "digest"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from bot.digest.html import render_html, title
from bot.digest.markdown import render_markdown, split_for_channel
from bot.digest.model import Digest
from connectors.email.rich import encode
from scheduler.push import Push

KIND = "digest"
_MARKUP = re.compile(r"\*\*|^#{1,6} |<font[^>]*>|</font>", re.MULTILINE)
_ESCAPED = re.compile(r"\\(.)")


def plain(markdown: str) -> str:
    """The markdown as readable plain text (the fallback of a markdown message)."""
    return _ESCAPED.sub(r"\1", _MARKUP.sub("", markdown))


def period_of(d: Digest, part: int = 0) -> str:
    """"2026-12-04" for the digest (its first message); "2026-12-04#2", ... for further chat parts."""
    return d.day.isoformat() if part == 0 else f"{d.day.isoformat()}#{part + 1}"


def chat_pushes(d: Digest, locale: str, channel: str) -> list[Push]:
    parts = split_for_channel(d, locale, channel)
    return [Push(KIND, period_of(d, i), plain(part), markdown=part, subject=title(d, locale))
            for i, part in enumerate(parts)]


def email_push(d: Digest, locale: str, font: Path | None) -> Push:
    """HTML with the charts as inline PNGs (none without a CJK font). CPU work: call it in a thread."""
    from bot.digest.charts import charts  # matplotlib is loaded when the first chart is drawn
    images = charts(d, locale, font) if font is not None else []
    cids = {name: f"{name}-{d.team_id or 0}-{d.day:%Y%m%d}@dealbot" for name, _ in images}
    inline = [{"cid": cids[name], "data": encode(png), "content_type": "image/png", "filename": f"{name}.png"}
              for name, png in images]
    html = render_html(d, locale, {name: f"cid:{cid}" for name, cid in cids.items()})
    return Push(KIND, period_of(d), plain(render_markdown(d, locale)), subject=title(d, locale),
                extra={"html": html, "inline_images": inline, "automatic": True})


def html_file(d: Digest, locale: str, font: Path | None) -> str:
    """A standalone HTML page (charts as data: URIs), for `dealbot digest --html FILE`."""
    from bot.digest.charts import charts
    images = charts(d, locale, font) if font is not None else []
    return render_html(d, locale, {name: f"data:image/png;base64,{encode(png)}" for name, png in images})


def digest_pushes(d: Digest, locale: str, channel: str, font: Path | None) -> Sequence[Push]:
    """One HTML email, or the chat parts."""
    return [email_push(d, locale, font)] if channel == "email" else chat_pushes(d, locale, channel)
