"""WeCom markdown subset and UTF-8 byte limits."""

from __future__ import annotations

from connectors.wecom.markdown import (
    ELLIPSIS,
    font,
    split_markdown,
    to_wecom_markdown,
    truncate_utf8,
)

CHINESE_LINE = "客户华为已确认第二阶段报价，下周三上午十点在深圳总部签约。"  # 3 bytes per character


def test_text_within_the_limit_is_unchanged() -> None:
    text = "中" * (4096 // 3) + "a"  # exactly 4,096 bytes
    assert truncate_utf8(text, 4096) == text


def test_truncation_fits_the_byte_limit_and_never_splits_a_character() -> None:
    for limit in range(50, 60):
        cut = truncate_utf8("中文" * 100, limit)
        assert len(cut.encode("utf-8")) <= limit
        assert cut.endswith(ELLIPSIS)
        assert set(cut[:-1]) <= {"中", "文"}
        assert len(cut.encode("utf-8")) > limit - 3 - len(ELLIPSIS.encode())


def test_long_chinese_markdown_splits_at_lines_within_4096_bytes() -> None:
    lines = [f"> {i:03d} {CHINESE_LINE}" for i in range(300)]
    text = "\n".join(lines)
    parts = split_markdown(text, 4096)
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= 4096 for p in parts)
    assert "\n".join(parts) == text
    assert all(p.split("\n")[0] in lines for p in parts)  # every part starts at a line boundary


def test_a_single_line_longer_than_the_limit_is_cut_between_characters() -> None:
    text = "长" * 5000
    parts = split_markdown(text, 4096)
    assert all(len(p.encode("utf-8")) <= 4096 for p in parts)
    assert "".join(parts) == text


def test_too_many_parts_are_capped_with_an_ellipsis() -> None:
    text = "\n".join([CHINESE_LINE] * 1000)
    parts = split_markdown(text, 4096, max_parts=3)
    assert len(parts) == 3
    assert parts[-1].endswith(ELLIPSIS)
    assert all(len(p.encode("utf-8")) <= 4096 for p in parts)


def test_unsupported_markdown_is_rewritten_into_the_wecom_subset() -> None:
    source = "\n".join([
        "#### 细节", "![合同](https://x.example/c.png)", "| 客户 | 金额 |", "|---|---:|", "| 华为 | 12万 |",
        "```", "code line", "```", '<font color="red">逾期</font>',
    ])
    assert to_wecom_markdown(source).split("\n") == [
        "### 细节", "[合同](https://x.example/c.png)", "客户 · 金额", "华为 · 12万",
        "`code line`", '<font color="warning">逾期</font>',
    ]


def test_supported_markdown_passes_through() -> None:
    text = f"# 标题\n**粗体** [链接](https://a.example) `code`\n> 引用 {font('完成', 'info')}"
    assert to_wecom_markdown(text) == text
