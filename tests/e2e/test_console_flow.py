"""End-to-end console sessions on SQLite and PostgreSQL: a deal from customer to won and paid."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import Console


async def test_walks_a_deal_from_customer_to_won_and_paid(console: Console) -> None:
    out = await console.say("新客户 杭州明途信息技术有限公司 行业 制造 区域 华东 标签 重点")
    assert "已创建客户" in out and "明途" in out
    assert "杭州明途信息技术有限公司" in await console.say("客户 明途")

    out = await console.say("新线索 杭州明途信息技术有限公司 联系人 何总 预算 60万")
    assert "L1" in out and "60万" in out and "张伟" in out
    assert "#1" in await console.say("线索 转商机 L1 智能工厂MES")

    out = await console.say("跟进 #1 电话沟通了报价 下次 2026-12-01 带方案拜访")
    assert "已记录跟进" in out and "2026年12月1日" in out

    assert "不能从" in await console.say("阶段 #1 赢单")
    assert "方案提案" in await console.say("阶段 #1 方案")
    assert "v1" in await console.say("报价 #1 52.8万 含三年运维")
    assert "v2" in await console.say("报价 #1 49.5万 含两年运维")
    history = await console.say("报价历史 #1")
    assert "v1" in history and "v2" in history and "52.8万" in history and "49.5万" in history

    assert "谈判" in await console.say("阶段 #1 谈判")
    assert "赢单" in await console.say("赢单 #1 96万")
    assert "HT-" in await console.say("合同 #1 96万")
    plan = await console.say("回款计划 #1 30% 2026-12-15 70% 2027-03-01")
    assert "28.8万" in plan and "67.2万" in plan
    paid = await console.say("回款 #1 28.8万")
    assert "67.2万" in paid  # outstanding
    assert "发票已登记" in await console.say("发票 #1 已开 28.8万")

    card = await console.say("#1")
    assert "赢单" in card and "96万" in card and "v2" in card and "28.8万" in card


async def test_lead_is_assigned_round_robin_inside_the_team(console: Console) -> None:
    owners = []
    for name in ("甲公司有限公司", "乙公司有限公司", "丙公司有限公司", "丁公司有限公司"):
        out = await console.say(f"新线索 {name} 区域 华东")
        owners.append(next(line for line in out.splitlines() if "负责人" in line).split()[-1])
    assert owners == ["张伟", "李娜", "张伟", "李娜"]  # reps take turns; the manager is not in the rotation


async def test_south_china_leads_go_to_the_named_rep_who_is_notified(console: Console) -> None:
    out = await console.say("新线索 广州某某科技有限公司 区域 华南")
    assert "陈晨" in out
    assert "[→ chen]" in out  # the owner hears about it on their channel


async def test_reminder_is_delivered_when_due(console: Console) -> None:
    await console.say("新客户 苏州恒瑞智能装备有限公司 区域 华东")
    await console.say("新商机 恒瑞 产线改造 80万")
    await console.say("跟进 #1 拜访了周总 下次 2026-11-25 发送方案")
    assert await console.tick(timedelta(hours=1)) == ""
    reminder = await console.tick(timedelta(days=1))
    assert "提醒" in reminder and "#1" in reminder
    assert await console.tick(timedelta(days=1)) == ""  # once only


async def test_english_user_gets_english_replies(console: Console) -> None:
    out = await console.say("help", as_user="chen")
    assert "Usage" in out or "commands" in out
    assert "Could not tell what this message is about" in await console.say("blah blah", as_user="chen")
    assert "Did you mean: quote" in await console.say("qoute #1 5k", as_user="chen")


async def test_a_rep_cannot_touch_another_reps_deal_but_the_manager_can(console: Console) -> None:
    await console.say("新客户 青岛海纳电子有限公司")
    await console.say("新商机 海纳 ERP升级 100万")
    out = await console.say("报价 #1 90万", as_user="lina")
    assert "找不到商机 #1" in out
    assert "v1" in await console.say("报价 #1 90万", as_user="wang")
    deals = await console.say("我的商机", as_user="wang")
    assert "#1" in deals and "@张伟" in deals


async def test_a_shared_deal_is_visible_and_workable_for_the_colleague(console: Console) -> None:
    await console.say("新客户 青岛海纳电子有限公司")
    await console.say("新商机 海纳 ERP升级 100万")
    assert "找不到商机 #1" in await console.say("#1", as_user="lina")
    out = await console.say("共享 #1 李娜", as_user="zhangwei")
    assert "已共享给 李娜" in out and "[→ lina]" in out  # she is told, in her channel
    assert "ERP升级" in await console.say("#1", as_user="lina")
    assert "v1" in await console.say("报价 #1 95万", as_user="lina")
    assert "#1" in await console.say("我的商机", as_user="lina")
    assert "已取消" in await console.say("取消共享 #1 李娜", as_user="zhangwei")
    assert "找不到商机 #1" in await console.say("#1", as_user="lina")


async def test_sharing_with_someone_unknown_is_refused(console: Console) -> None:
    await console.say("新客户 青岛海纳电子有限公司")
    await console.say("新商机 海纳 ERP升级 100万")
    assert "找不到同事" in await console.say("共享 #1 王五")
