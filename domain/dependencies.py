"""Which records point at which: undo never deletes a record another record still depends on."""

from __future__ import annotations

# entity -> (dependent entity, its field holding the id). Entity names are the audit trail's.
DEPENDENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "customer": (("contact", "customer_id"), ("lead", "customer_id"), ("opportunity", "customer_id"),
                 ("followup", "customer_id")),
    "contact": (("opportunity", "contact_id"), ("lead", "contact_id"), ("followup", "contact_id")),
    "lead": (("opportunity", "lead_id"), ("followup", "lead_id")),
    "opportunity": (("followup", "opportunity_id"), ("quote", "opportunity_id"), ("contract", "opportunity_id"),
                    ("milestone", "opportunity_id"), ("payment", "opportunity_id"),
                    ("invoice", "opportunity_id"), ("reminder", "opportunity_id")),
    "followup": (("reminder", "followup_id"),),
    "project": (("project_milestone", "project_id"), ("task", "project_id")),
    "project_milestone": (("task", "milestone_id"),),
    "task": (("task", "parent_id"),),
}

LABELS: dict[str, tuple[str, str, str]] = {  # entity -> (zh, en, reference prefix)
    "customer": ("客户", "customer", "C"), "contact": ("联系人", "contact", "#"), "lead": ("线索", "lead", "L"),
    "opportunity": ("商机", "deal", "#"), "followup": ("跟进", "follow-up", "#"), "reminder": ("提醒", "reminder", "#"),
    "quote": ("报价", "quote", "#"), "contract": ("合同", "contract", "#"), "milestone": ("回款节点", "milestone", "#"),
    "payment": ("回款", "payment", "#"), "invoice": ("发票", "invoice", "#"),
    "visit": ("拜访签到", "visit", "#"),
    "project": ("交付项目", "project", "P"), "project_milestone": ("里程碑", "project milestone", "M"),
    "task": ("任务", "task", "T"),
}


def label(entity: str, entity_id: int, locale: str) -> str:
    """联系人 #5 / contact #5; 客户 C3 / customer C3."""
    zh, en, prefix = LABELS.get(entity, (entity, entity, "#"))
    return f"{zh if locale != 'en' else en} {prefix}{entity_id}"
