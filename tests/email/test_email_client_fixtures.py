"""Mails shaped like the clients our customers use: Outlook, Foxmail, QQ Mail, 163, Gmail, Apple Mail."""

from __future__ import annotations

from email_samples import fixture

from connectors.email import PlusAddress, parse_mail


def test_outlook_zh_reply_keeps_only_the_new_text_and_finds_the_plus_token() -> None:
    mail = parse_mail(fixture("outlook_reply_zh.eml"))
    assert (mail.from_name, mail.from_address) == ("张三", "zhangsan@customer.cn")
    assert mail.subject == "答复: 报价单 V2"
    assert mail.text == "王经理，您好：\n\n报价单已收到，我们下周二开会讨论，预算大约 35 万。\n\n张三"
    assert "张总您好" in mail.full_text
    assert mail.to == ("sales+q42@ourco.cn",) and mail.cc == ("lisi@customer.cn",)
    assert mail.plus_addresses == (PlusAddress("sales@ourco.cn", "q42"),)
    assert mail.thread_refs == ("<20240301070000.abc123@ourco.cn>", "<first.1@ourco.cn>")
    assert mail.kind == "human"


def test_outlook_en_reply_drops_the_from_sent_block_and_its_rule() -> None:
    mail = parse_mail(fixture("outlook_reply_en.eml"))
    assert mail.text == ("Hi Fang,\n\nWe can sign the contract on Monday. Please send the final PDF.\n\n"
                         "Best regards,\nJohn")
    assert mail.in_reply_to == "<20240301.contract@ourco.cn>"


def test_foxmail_reply_with_full_width_colons_and_encoded_word_attachment_name() -> None:
    mail = parse_mail(fixture("foxmail.eml"))
    assert mail.subject == "回复：报价单"
    assert mail.text == "好的，周三上午十点电话沟通。\n\n李四"
    assert [(a.filename, a.size) for a in mail.attachments] == [("报价单-2024.xlsx", 1024)]


def test_qq_mail_reply_ignores_inline_logo_and_reads_rfc2231_pdf_name() -> None:
    mail = parse_mail(fixture("qqmail.eml"))
    assert (mail.from_name, mail.subject) == ("赵六", "回复：合同")
    assert mail.text == "收到，合同我们法务在看。"
    assert [(a.filename, a.content_type, a.size) for a in mail.attachments] == [
        ("合同(盖章版).pdf", "application/pdf", 2048)]


def test_163_reply_cuts_at_zai_xie_dao_attribution() -> None:
    mail = parse_mail(fixture("netease163.eml"))
    assert mail.from_name == "周七"
    assert mail.text == "王经理：\n    样品已经收到，质量没问题，下个月初下单 500 台。"


def test_gmail_reply_with_wrapped_on_wrote_line() -> None:
    mail = parse_mail(fixture("gmail_reply_en.eml"))
    assert mail.text == "Sounds good, let's meet next Tuesday at 10am."
    assert mail.message_id == "<CAF=abc123+XyZ@mail.gmail.com>"


def test_gmail_zh_reply_cuts_at_yu_xie_dao() -> None:
    mail = parse_mail(fixture("gmail_reply_zh.eml"))
    assert (mail.from_name, mail.subject) == ("陈总", "Re: 合同金额")
    assert mail.text == "可以，合同金额按 28 万走。"


def test_apple_mail_reply_drops_quote_and_sent_from_iphone_footer() -> None:
    mail = parse_mail(fixture("apple_mail_reply.eml"))
    assert mail.text == "好的，下周三上午 10 点见。"
    assert mail.date is not None and mail.date.utcoffset() is not None


def test_gbk_only_characters_survive_a_gb2312_label() -> None:
    mail = parse_mail(fixture("gb2312_gbk_only.eml"))
    assert mail.from_name == "王喆"
    assert mail.subject == "李瑄来访"
    assert mail.text == "朱镕基、王喆、李瑄三位同事下周到访，请安排会议室。"


def test_big5_body_keeps_hkscs_characters_and_unlabelled_big5_subject_is_read() -> None:
    mail = parse_mail(fixture("big5.eml"))
    assert mail.from_name == "林小姐"
    assert mail.subject == "回覆：報價單"
    assert mail.text == "陳先生您好：\n報價單已經收到，我哋下星期回覆。\n林小姐"


def test_html_only_mail_becomes_readable_text_without_scripts_or_styles() -> None:
    mail = parse_mail(fixture("html_only.eml"))
    assert mail.text.startswith("您好：\n\n附件是 2024 年&第二季度的价格表，价格 <含税>。")
    assert "A100¥1,200" in mail.text and mail.text.endswith("谢谢\n钱八")
    assert "alert" not in mail.text and "color" not in mail.text


def test_base64_and_qp_headers_with_a_character_split_across_encoded_words() -> None:
    mail = parse_mail(fixture("encoded_headers.eml"))
    assert mail.subject == "关于“智慧园区”项目的补充报价"
    assert mail.from_name == "孙悟空"
    assert mail.to == ("sales@ourco.cn", "lisi@customer.cn")
    assert mail.cc == ("li.si@customer.cn", "plain@customer.cn")


def test_rfc2231_chinese_attachment_names_with_continuations_and_gbk() -> None:
    mail = parse_mail(fixture("rfc2231_attachments.eml"))
    assert [(a.filename, a.size) for a in mail.attachments] == [
        ("智慧园区项目技术方案（第三版）.docx", 3002), ("报价单.xlsx", 10)]
    assert mail.text == "两个附件。"


def test_out_of_office_replies_are_automatic_in_chinese_and_english() -> None:
    assert parse_mail(fixture("ooo_zh.eml")).kind == "auto_reply"
    english = parse_mail(fixture("ooo_en.eml"))
    assert english.kind == "auto_reply"
    assert english.subject == "Automatic reply: Contract draft"


def test_dsn_bounce_lists_the_failed_recipient_but_not_the_delayed_one() -> None:
    mail = parse_mail(fixture("dsn_bounce.eml"))
    assert mail.kind == "bounce"
    assert mail.bounced_recipients == ("nobody@customer.cn",)
    assert mail.attachments == ()


def test_mailing_list_mail_is_list_kind() -> None:
    assert parse_mail(fixture("mailing_list.eml")).kind == "list"


def test_every_client_reply_is_human() -> None:
    for name in ("outlook_reply_zh.eml", "outlook_reply_en.eml", "foxmail.eml", "qqmail.eml",
                 "netease163.eml", "gmail_reply_en.eml", "gmail_reply_zh.eml", "apple_mail_reply.eml"):
        assert parse_mail(fixture(name)).kind == "human", name
