"""Errors the user sees as a reply. Expected failures subclass DomainError."""

from __future__ import annotations

from domain.errors import DomainError


class UsageError(DomainError):
    zh = "{problem}。用法：{usage}"
    en = "{problem_en}. Usage: {usage_en}"


class UnknownCommand(DomainError):
    zh = "不认识的命令「{word}」。{hint}发送「帮助」查看全部命令。"
    en = "Unknown command '{word}'. {hint_en}Send 'help' for all commands."


class AmbiguousMatch(DomainError):
    zh = "「{text}」匹配到多个{what}：{options}。请写得更具体一些。"
    en = "'{text}' matches several {what_en}: {options}. Please be more specific."


class UnknownSender(DomainError):
    zh = "你好！你还不是 dealbot 的用户，请联系管理员把你的账号（{identity}）加入用户列表。"
    en = "Hello! You are not a dealbot user yet. Please ask an admin to add your account ({identity})."


class InactiveSender(DomainError):
    zh = "{name}，你的 dealbot 账号已停用（例如离职交接之后），不能再使用机器人。如有疑问请联系管理员。"
    en = "{name}, your dealbot account is deactivated (after a handover, for example). Please ask an admin."


class MessageTooLong(DomainError):
    zh = "消息太长（{size} 字），请控制在 {limit} 字以内，或分几条发送。"
    en = "The message is too long ({size} characters). Keep it under {limit}, or send it in parts."


class NothingToUndo(DomainError):
    zh = "没有可以撤销的操作。"
    en = "There is nothing to undo."


class UndoConflict(DomainError):
    zh = "无法撤销：你上一次操作改过的记录之后又被{who}修改过，请直接更正。"
    en = "Cannot undo: {who} has changed the same records since; please correct them directly."


class CorrectionConflict(UndoConflict):
    zh = "无法更正：你上一次记录的内容之后又被{who}修改过，请用命令直接修改（例如 阶段 #12 谈判）。"
    en = "Cannot correct: {who} has changed the same records since; change them with a command (e.g. stage #12 ...)."
