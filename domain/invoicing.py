"""Invoice states: issued → red-reversed (红冲, with a negative red record) or void (作废).

Totals (`payments.invoiced_total`) count every invoice except void ones, red records negatively: a red
reversal therefore frees the amount it reversed for a new invoice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain.billing import Invoice, InvoiceStatus
from domain.errors import DomainError
from domain.money import Money

LABELS: dict[InvoiceStatus, tuple[str, str]] = {
    InvoiceStatus.ISSUED: ("已开", "issued"), InvoiceStatus.REQUESTED: ("申请中", "requested"),
    InvoiceStatus.VOID: ("已作废", "void"), InvoiceStatus.REVERSED: ("已红冲", "red-reversed"),
    InvoiceStatus.RED: ("红字发票", "red invoice"),
}


class InvoiceStateError(DomainError):
    zh = "发票 {ref} 当前状态是「{state}」，不能{action}：{why}"
    en = "Invoice {ref} is {state_en} and cannot be {action_en}: {why_en}"


def label(status: InvoiceStatus, locale: str) -> str:
    zh, en = LABELS[status]
    return en if locale == "en" else zh


def _refuse(invoice: Invoice, action: tuple[str, str], why: tuple[str, str]) -> InvoiceStateError:
    return InvoiceStateError(ref=f"F{invoice.id}", state=label(invoice.status, "zh"),
                             state_en=label(invoice.status, "en"), action=action[0], action_en=action[1],
                             why=why[0], why_en=why[1])


def red_reverse(invoice: Invoice, today: date, note: str = "") -> tuple[Invoice, Invoice]:
    """The original marked reversed, and its negative red record (to be added). Only issued invoices."""
    if invoice.status is not InvoiceStatus.ISSUED:
        why = {InvoiceStatus.REQUESTED: ("还没有开出，直接作废即可", "it was never issued; void it instead"),
               InvoiceStatus.RED: ("它本身就是红字发票", "it is itself a red invoice")}.get(
            invoice.status, ("只有已开的发票可以红冲", "only issued invoices can be red-reversed"))
        raise _refuse(invoice, ("红冲", "red-reversed"), why)
    red = Invoice(opportunity_id=invoice.opportunity_id, amount=Money(-invoice.amount.amount, invoice.amount.currency),
                  status=InvoiceStatus.RED, number=invoice.number, issued_on=today,
                  note=note or f"红冲 F{invoice.id}", reverses_id=invoice.id)
    return replace(invoice, status=InvoiceStatus.REVERSED), red


def void(invoice: Invoice) -> Invoice:
    """The invoice marked void; refused for reversed, red and already void invoices."""
    if invoice.status in (InvoiceStatus.REVERSED, InvoiceStatus.RED):
        raise _refuse(invoice, ("作废", "voided"), ("红冲已经冲销了这张发票，不能再作废",
                                                    "the red reversal already cancels it out"))
    if invoice.status is InvoiceStatus.VOID:
        raise _refuse(invoice, ("作废", "voided"), ("它已经作废了", "it is void already"))
    return replace(invoice, status=InvoiceStatus.VOID)
