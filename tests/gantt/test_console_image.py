"""The console names a picture it cannot show (file name, type, size) on its own line, and saves it when told
where."""

from __future__ import annotations

import io
from pathlib import Path

from connectors.base import OutboundMessage, image_extra
from connectors.console.connector import ConsoleConnector

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 1992


def message(recipient: str = "zhangwei") -> OutboundMessage:
    return OutboundMessage(channel="console", recipient=recipient, text="网页版：http://127.0.0.1:8080/team/projects/3",
                           extra={"image": image_extra(PNG, "gantt-P3.png")})


async def test_the_image_line_names_the_file_and_its_size_before_the_text() -> None:
    out = io.StringIO()
    await ConsoleConnector("zhangwei", stdin=io.StringIO(), stdout=out).send(message())
    image_line, text_line = out.getvalue().splitlines()
    assert "gantt-P3.png, image/png, 2,000 bytes" in image_line and "not saved" in image_line
    assert text_line == "网页版：http://127.0.0.1:8080/team/projects/3"


async def test_with_an_image_dir_the_png_is_saved_and_the_line_says_where(tmp_path: Path) -> None:
    out = io.StringIO()
    console = ConsoleConnector("zhangwei", stdin=io.StringIO(), stdout=out, image_dir=tmp_path / "images")
    await console.send(message("lisi"))
    saved = tmp_path / "images" / "gantt-P3.png"
    assert saved.read_bytes() == PNG
    line = out.getvalue().splitlines()[0]
    assert line == f"[→ lisi] [图片 image: gantt-P3.png, image/png, 2,000 bytes — saved to {saved}]"
