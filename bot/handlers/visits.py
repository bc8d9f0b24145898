"""Visit check-in (拜访签到, issue #14): `签到 明途` / `check in Mingtu` records a visit now (at the location
shared in the last minutes, if one waits for a customer); `客户地址 明途 上海市浦东新区… 31.2304,121.4737` /
`customer address …` gives a customer the address visits are compared with. A shared location is routed by
bot.visits.location."""

from __future__ import annotations

import re

from bot.args import Args
from bot.capture.customers import find_customers
from bot.context import Context
from bot.errors import AmbiguousMatch
from bot.name_args import leading_quoted, unquote
from bot.registry import command
from bot.reply import Reply
from bot.visits.location import take_location
from bot.visits.record import check_in, deal_for_visit
from domain import permissions
from domain.customer import Customer
from domain.errors import DomainError, InvalidValue, PermissionDenied
from domain.visit import distance_words, parse_place

HOW = ("签到 客户名，例如：签到 明途（在企业微信里也可以直接发送位置）",
       "check in <customer>, e.g. check in Mingtu (in WeCom you can also just send your location)")


MAX_ADDRESS = 200
_REF = re.compile(r"^[Cc](\d{1,9})$")


class NoCustomerToCheckIn(DomainError):
    zh = "没有找到客户「{name}」，没有签到。请写：{how}"
    en = "No customer '{name}' found; nothing was checked in. Write: {how_en}"


class NoCustomerNamed(DomainError):
    zh = "请写客户名，例如：签到 明途（也可以写客户编号：签到 C12）"
    en = "Write the customer, e.g. check in Mingtu (or its number: check in C12)"


class NoCustomerToPlace(DomainError):
    zh = "没有找到客户「{name}」，地址没有保存。客户名称里有空格时请加引号，例如：客户地址 \"Acme Data\" 上海市浦东新区"
    en = ("No customer '{name}' found; no address was saved. Put a name with spaces in quotes, e.g. "
          "customer address \"Acme Data\" 100 Century Ave")


class NoAddressGiven(DomainError):
    zh = "请写客户和地址，例如：客户地址 明途 上海市浦东新区世纪大道100号 31.2304,121.4737（坐标可省略，纬度在前）"
    en = ("Write the customer and the address, e.g. customer address Mingtu 100 Century Ave, Pudong "
          "31.2304,121.4737 (coordinates optional, latitude first)")


async def one_customer(ctx: Context, name: str, placing: bool = False) -> Customer:
    if ref := _REF.match(name):  # C12, as other commands take it
        by_id = await ctx.uow.customers.find(int(ref.group(1)))
        found = [by_id] if by_id is not None else []
    else:
        found = await find_customers(ctx, name)
    if not found:
        raise NoCustomerToPlace(name=name) if placing else NoCustomerToCheckIn(name=name, how=HOW[0], how_en=HOW[1])
    if len(found) > 1:
        raise AmbiguousMatch(text=name, what="客户", what_en="customers", options="、".join(c.name for c in found[:5]))
    return found[0]


@command("签到", "拜访签到", "check in", "checkin", "check-in", section="customers",
         help_zh="拜访签到：记录此刻在客户处（有刚发送的位置就一并记录）",
         help_en="Check in at a customer now (with the location you just shared, if any)",
         usage_zh="签到 明途（或 签到 C12）", usage_en="check in Mingtu (or check in C12)")
async def check_in_at(ctx: Context, args: Args) -> Reply:
    name = args.rest().strip()
    if not name:
        raise NoCustomerNamed()
    customer = await one_customer(ctx, name)  # before the waiting location is taken: a typo keeps it
    waiting = await take_location(ctx)
    if waiting is None:
        return await check_in(ctx, customer)
    here, label, at = waiting
    return await check_in(ctx, customer, here, label, at)


@command("客户地址", "customer address", section="customers",
         help_zh="设置客户地址和坐标（签到时用来比对距离）",
         help_en="Set a customer's address and coordinates (check-ins are compared with them)",
         usage_zh="客户地址 明途 上海市浦东新区世纪大道100号 31.2304,121.4737",
         usage_en="customer address Mingtu 100 Century Ave, Pudong 31.2304,121.4737")
async def set_customer_address(ctx: Context, args: Args) -> Reply:
    text = args.rest().strip()
    quoted = leading_quoted(text)
    name, rest = quoted if quoted else (*text.split(" ", 1), "")[:2]
    place = parse_place(rest)
    place = place._replace(address=unquote(place.address))  # "100 Century Ave" is stored without its quotes
    if not name or not (place.address or place.point):
        raise NoAddressGiven()
    if len(place.address) > MAX_ADDRESS:
        size = len(place.address)
        raise InvalidValue("地址", f"太长（{size} 字），请控制在 {MAX_ADDRESS} 字以内", field_en="address",
                           reason_en=f"too long ({size} characters); keep it under {MAX_ADDRESS}")
    customer = await one_customer(ctx, name, placing=True)
    works = await deal_for_visit(ctx, customer) is not None
    if not permissions.can_place_customer(ctx.rep, customer.owner_id, ctx.directory.team_of, ctx.directory.teams,
                                          works):
        raise PermissionDenied(f"客户「{customer.name}」的地址（只有负责人、其经理或跟进中商机的负责人可以修改）",
                               f"the address of '{customer.name}' (its owner, their manager or whoever works "
                               "an open deal with it may)")
    ctx.remember("customer", customer)
    before = (customer.address, customer.latitude, customer.longitude)
    customer.address = place.address or customer.address
    customer.latitude, customer.longitude = place.point if place.point else (None, None)
    await ctx.update("customer", customer, address=[before[0], customer.address],
                     coordinates=[before[1:], (customer.latitude, customer.longitude)])
    return Reply.text(_address_line(ctx, customer))


def _address_line(ctx: Context, customer: Customer) -> str:
    name = customer.short_name or customer.name
    if customer.latitude is None:
        return ctx.t(f"已设置 {name} 的地址：{customer.address}（没有坐标：签到不比对距离）",
                     f"Address of {name} set: {customer.address} (no coordinates: check-ins are not compared)")
    where = f"{customer.latitude:.6f},{customer.longitude:.6f}"
    far = distance_words(ctx.settings.visits.far_metres, ctx.locale)
    return ctx.t(f"已设置 {name} 的地址：{customer.address} {where}（签到距此超过 {far}会被标记）",
                 f"Address of {name} set: {customer.address} {where} (check-ins farther than {far} are flagged)")
