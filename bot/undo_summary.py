"""What `撤销` / undo says it undid: the kinds of records it removed and those it restored, in zh and en.

"已撤销：新建 报价 1 个、拜访签到 1 次；恢复 商机 #1" / "Undone: created 1 quote, 1 visit; restored deal #1".
Logs that only accompany a change (the pool's events, close-date moves) and approval requests (said apart:
bot.handlers.undo.withdrawn_reply) are not named; records kept because others use them neither.
"""

from __future__ import annotations

from collections import Counter

from bot.i18n import Text
from domain.audit import AuditEntry
from domain.dependencies import LABELS, label

UNNAMED = frozenset({"pool_event", "close_move", "approval", "project_event"})
MEASURES = {"visit": "次", "followup": "条", "reminder": "条", "payment": "笔", "invoice": "张", "contract": "份",
            "milestone": "个"}
SHOWN = 5  # restored records named one by one; more are counted


def undone_summary(entries: list[AuditEntry], spared: set[tuple[str, int]]) -> Text:
    """The undo's first line, from its audit entries (newest first) and the new records it kept."""
    made = Counter(e.entity for e in reversed(entries) if e.action == "create" and e.entity not in UNNAMED
                   and (e.entity, e.entity_id) not in spared)
    created = {(e.entity, e.entity_id) for e in entries if e.action == "create"}
    restored = list(dict.fromkeys((e.entity, e.entity_id) for e in reversed(entries)
                                  if e.action != "create" and e.entity not in UNNAMED and (e.entity, e.entity_id)
                                  not in created and "before" in e.changes))
    zh = "、".join(f"{LABELS.get(k, (k, k, ''))[0]} {n} {MEASURES.get(k, '个')}" for k, n in made.items())
    en = ", ".join(f"{n} {_noun(k, n)}" for k, n in made.items())
    back_zh, back_en = _restored(restored, "zh"), _restored(restored, "en")
    parts_zh = ([f"新建 {zh}"] if zh else []) + ([f"恢复 {back_zh}"] if back_zh else [])
    parts_en = ([f"created {en}"] if en else []) + ([f"restored {back_en}"] if back_en else [])
    if not parts_zh:
        return Text("已撤销上一次操作。", "Undone: your last action.")
    return Text("已撤销：" + "；".join(parts_zh) + "。", "Undone: " + "; ".join(parts_en) + ".")


def _noun(entity: str, count: int) -> str:
    noun = LABELS.get(entity, (entity, entity, ""))[1]
    return noun if count == 1 else noun + "s"


def _restored(records: list[tuple[str, int]], locale: str) -> str:
    named = [label(entity, entity_id, locale) for entity, entity_id in records[:SHOWN]]
    more = len(records) - SHOWN
    if more > 0:
        named.append(f"等另 {more} 处" if locale == "zh" else f"{more} more")
    return ("、" if locale == "zh" else ", ").join(named)
