"""The contract as a one-page A4 PDF for signature (issue #16), drawn with matplotlib and the CJK font the
charts use (bot.digest.fonts: Debian's Noto CJK or the one mplfonts ships). Blocking: call `render_pdf` in a
worker thread (`asyncio.to_thread`), never on the event loop.

The contract number is also written into the PDF's Title, Subject and Keywords, so the file can be matched
to its contract without reading the drawing. The lower right corner is left empty for the signature.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from bot.digest.fonts import find_cjk_font

A4 = (8.27, 11.69)  # inches
LINE = 0.032  # of the page height


@dataclass(frozen=True, slots=True)
class ContractSheet:
    number: str
    title: str  # the deal's name
    buyer: str  # 甲方: the customer
    seller: str  # 乙方: our company
    amount: str  # formatted, with its currency
    dated: str  # the contract's date (ISO)
    signer: str  # who signs for the buyer
    plan: tuple[tuple[str, str, str], ...] = field(default=())  # (seq, due date, amount) per milestone
    note: str = ""


def sheet_lines(sheet: ContractSheet) -> list[str]:
    lines = [f"合同编号 Contract No.: {sheet.number}", f"项目 Deal: {sheet.title}",
             f"甲方（客户）Buyer: {sheet.buyer}", f"乙方 Seller: {sheet.seller}",
             f"合同金额 Amount: {sheet.amount}", f"合同日期 Date: {sheet.dated}", ""]
    if sheet.plan:
        lines.append("回款计划 Payment plan:")
        lines += [f"  第{seq}笔 / #{seq}   {due}   {amount}" for seq, due, amount in sheet.plan]
        lines.append("")
    if sheet.note:
        lines.append(f"备注 Note: {sheet.note}")
    return lines


def render_pdf(sheet: ContractSheet, font_path: str = "") -> bytes:
    from matplotlib.backends.backend_pdf import FigureCanvasPdf
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    font = FontProperties(fname=str(find_cjk_font(font_path)))
    figure = Figure(figsize=A4)
    FigureCanvasPdf(figure)
    figure.text(0.5, 0.93, "销售合同 / Sales Contract", ha="center", fontsize=20, fontproperties=font)
    y = 0.86
    for line in sheet_lines(sheet):
        figure.text(0.1, y, line, fontsize=11, fontproperties=font)
        y -= LINE
    figure.text(0.1, 0.2, f"甲方签署 Buyer: {sheet.signer}", fontsize=11, fontproperties=font)
    figure.text(0.55, 0.2, "签章 Signature:", fontsize=11, fontproperties=font)
    out = io.BytesIO()
    figure.savefig(out, format="pdf", metadata={
        "Title": f"Contract {sheet.number}", "Subject": sheet.number, "Keywords": sheet.number,
        "Creator": "dealbot"})
    return out.getvalue()
