"""Checking one spreadsheet row and turning it into a customer (and maybe a contact)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.handlers.customers import customer_from_options
from domain.customer import Contact, Customer, normalize_name, normalize_phone
from domain.errors import DomainError
from domain.visit import Point, parse_place

MAX_NAME = 200
MAX_TEXT = 100
MAX_ADDRESS = 200
MAX_EMAIL = 254
PHONE_DIGITS = (7, 15)
_EMAIL = re.compile(r"^[^@\s,;，；]+@[^@\s,;，；]+\.[^@\s,;，；.]{2,}$")
_LIST_SEPARATORS = re.compile(r"[,，、;；]")
_PLACEHOLDERS = frozenset({"-", "--", "—", "/", "无", "暂无", "n/a", "na", "null", "none"})
# Mail providers whose domain says nothing about the customer.
_FREE_MAIL = frozenset({
    "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "sina.com", "sina.cn", "sohu.com",
    "aliyun.com", "139.com", "189.cn", "gmail.com", "outlook.com", "hotmail.com", "live.com",
    "yahoo.com", "icloud.com", "me.com",
})
_LABELS = {
    "short_name": ("简称", "short name"), "industry": ("行业", "industry"), "region": ("区域", "region"),
    "contact": ("联系人", "contact"), "title": ("职位", "title"),
}


@dataclass(frozen=True, slots=True)
class RowError:
    """Why one spreadsheet row cannot be imported. `row` is the number a spreadsheet shows (header = 1)."""

    row: int
    zh: str
    en: str

    def render(self) -> str:
        return f"第 {self.row} 行：{self.zh} / row {self.row}: {self.en}"


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One valid row, cleaned."""

    row: int
    name: str
    short_name: str = ""
    industry: str = ""
    region: str = ""
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    phone: str = ""
    email: str = ""
    contact: str = ""
    title: str = ""
    address: str = ""
    point: Point | None = None
    name_key: str = field(init=False, default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "name_key", normalize_name(self.name))

    @property
    def phone_key(self) -> str:
        return normalize_phone(self.phone)

    @property
    def email_key(self) -> str:
        return self.email.casefold()

    @property
    def domain(self) -> str:
        domain = self.email.rpartition("@")[2].casefold()
        return "" if domain in _FREE_MAIL else domain

    def to_customer(self, now: datetime) -> Customer:
        options = {"short_name": self.short_name, "industry": self.industry, "region": self.region,
                   "tags": ",".join(self.tags), "aliases": ",".join(self.aliases),
                   "phone": self.phone, "email": self.email}
        customer = customer_from_options(self.name, {k: v for k, v in options.items() if v})
        customer.domain, customer.created_at = self.domain, now
        customer.address = self.address
        if self.point is not None:
            customer.latitude, customer.longitude = self.point
        return customer

    def to_contact(self, customer_id: int) -> Contact:
        return Contact(customer_id=customer_id, name=self.contact, title=self.title,
                       phone=self.phone, email=self.email)


def split_values(text: str) -> tuple[str, ...]:
    """'重点, 央企、华东；重点' → ('重点', '央企', '华东').

    Splits on , ， 、 ; ；, trims each value and keeps the first spelling of repeats (case-insensitive).
    """
    seen: dict[str, str] = {}
    for part in _LIST_SEPARATORS.split(text):
        value = part.strip()
        if value and value.casefold() not in seen:
            seen[value.casefold()] = value
    return tuple(seen.values())


def parse_row(number: int, cells: Mapping[str, str]) -> ImportRow | list[RowError]:
    """The cleaned row, or every problem found in it."""
    values = clean_cells(cells)
    name = values.get("name", "")
    errors = list(check_name(number, name))
    email, phone = values.get("email", ""), values.get("phone", "")
    if email and (len(email) > MAX_EMAIL or not _EMAIL.match(email)):
        errors.append(RowError(number, f"邮箱格式不正确：{email}", f"invalid email: {email}"))
    digits = len(normalize_phone(phone))
    if phone and not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        errors.append(RowError(number, f"电话号码应为 7–15 位数字：{phone}",
                               f"a phone number needs 7–15 digits: {phone}"))
    errors += check_lengths(number, values, _LABELS)
    address, point = values.get("address", ""), _point(number, values.get("coordinates", ""), errors)
    if len(address) > MAX_ADDRESS:
        errors.append(RowError(number, f"地址超过 {MAX_ADDRESS} 个字符", f"the address is longer than {MAX_ADDRESS} "
                                                                       "characters"))
    if errors:
        return errors
    return ImportRow(
        row=number, name=name, short_name=values.get("short_name", ""), industry=values.get("industry", ""),
        region=values.get("region", ""), tags=split_values(values.get("tags", "")),
        aliases=split_values(values.get("aliases", "")), phone=phone, email=email,
        contact=values.get("contact", ""), title=values.get("title", ""), address=address, point=point)


def _point(number: int, text: str, errors: list[RowError]) -> Point | None:
    """The coordinates cell, `31.2304,121.4737` (latitude first); a problem is added to `errors`."""
    if not text:
        return None
    try:
        place = parse_place(text)
    except DomainError:
        place = None
    if place is None or place.point is None or place.address:
        errors.append(RowError(number, f"坐标应写成 纬度,经度，例如 31.2304,121.4737：{text}",
                               f"coordinates are latitude,longitude, e.g. 31.2304,121.4737: {text}"))
        return None
    return place.point


def clean_cells(cells: Mapping[str, str]) -> dict[str, str]:
    """Whitespace runs become one space; placeholders ("-", "无", "n/a"…) become empty."""
    return {key: "" if value.strip().casefold() in _PLACEHOLDERS else " ".join(value.split())
            for key, value in cells.items()}


def check_name(number: int, name: str) -> Iterable[RowError]:
    """What is wrong with a customer name (missing, too long, no letters or digits)."""
    if not name:
        yield RowError(number, "缺少客户名称", "the customer name is missing")
    elif len(name) > MAX_NAME:
        yield RowError(number, f"客户名称超过 {MAX_NAME} 个字符（{len(name)}）",
                       f"the customer name is longer than {MAX_NAME} characters ({len(name)})")
    elif not normalize_name(name):
        yield RowError(number, f"客户名称无效：{name}", f"the customer name has no letters or digits: {name}")


def check_lengths(number: int, values: Mapping[str, str],
                   labels: Mapping[str, tuple[str, str]]) -> list[RowError]:
    return [RowError(number, f"{zh}超过 {MAX_TEXT} 个字符", f"the {en} is longer than {MAX_TEXT} characters")
            for key, (zh, en) in labels.items() if len(values.get(key, "")) > MAX_TEXT]
