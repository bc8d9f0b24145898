"""Who uses the bot: reps, managers and admins, organised in teams."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    REP = "rep"
    MANAGER = "manager"
    ADMIN = "admin"


@dataclass(slots=True)
class Team:
    name: str
    region: str = ""
    manager_id: int | None = None
    id: int | None = None


@dataclass(slots=True)
class Rep:
    """A person on the sales side. `identities` maps a channel to that person's id on it."""

    name: str
    role: Role = Role.REP
    team_id: int | None = None
    regions: list[str] = field(default_factory=list)
    locale: str = "zh"
    timezone: str = "Asia/Shanghai"
    active: bool = True
    identities: dict[str, str] = field(default_factory=dict)  # {"wecom": "zhangsan", "email": "a@b.cn"}
    email: str = ""
    id: int | None = None

    @property
    def is_manager(self) -> bool:
        return self.role in (Role.MANAGER, Role.ADMIN)
