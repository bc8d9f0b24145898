"""Who uses the bot: reps, managers and admins, organised in teams."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

CHANNEL_ORDER = ("wecom", "dingtalk", "console", "email")  # where a person is reached first


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
    quiet_hours: str = ""  # "21:00-08:00" in `timezone`; "" = the configured default
    active: bool = True
    identities: dict[str, str] = field(default_factory=dict)  # {"wecom": "zhangsan", "email": "a@b.cn"}
    email: str = ""
    id: int | None = None

    def preferred_channel(self, order: Sequence[str] = CHANNEL_ORDER) -> tuple[str, str] | None:
        """(channel, this person's id on it) for the first channel of `order` they can be reached on."""
        return next(((c, self.identities[c]) for c in order if self.identities.get(c)), None)

    @property
    def is_manager(self) -> bool:
        return self.role in (Role.MANAGER, Role.ADMIN)
