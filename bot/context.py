"""What a handler gets: the open unit of work, who is asking, the clock, the locale."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.analytics_settings import AnalyticsSettings
from bot.delivery.chart_settings import ChartSettings
from bot.delivery.files import FileSettings
from bot.delivery.settings import DeliverySettings
from bot.delivery.weekly import WeeklySettings
from bot.entities import repository
from bot.i18n import Text, pick
from bot.usage.trace import UsageTrace
from bot.web.settings import WebSettings
from domain.approvals import ApprovalRules
from domain.audit import AuditEntry
from domain.messaging import OutboxItem
from domain.people import CHANNEL_ORDER, Rep, Team
from domain.pool import PoolSettings
from domain.ports import UnitOfWork
from domain.quiet import DEFAULT_QUIET
from domain.risks import RiskSettings
from domain.snapshot import snapshot
from domain.visit import VisitSettings


@dataclass(frozen=True, slots=True)
class Settings:
    """Business settings read from config by bootstrap()."""

    assignment_rules: tuple[Any, ...] = ()  # domain.assignment.AssignmentRule
    default_team_id: int | None = None
    channel_order: tuple[str, ...] = CHANNEL_ORDER
    max_message_chars: int = 4000
    charts: ChartSettings = field(default_factory=ChartSettings)  # Gantt: [digest] font (#15)
    parser: Any = None  # bot.nlp.Parser: free text is understood only when set
    known: Any = None  # bot.understanding.known.KnownCustomers
    quiet_hours: str = DEFAULT_QUIET  # [proactive] quiet_hours: everyone's, unless they set their own
    analytics: AnalyticsSettings = field(default_factory=AnalyticsSettings)  # [analytics]
    risks: RiskSettings | None = None  # domain.risks.RiskSettings ([risks]); None: the defaults
    pool: PoolSettings = field(default_factory=PoolSettings)  # [pool] and [[teams]] pool (issue #14)
    visits: VisitSettings = field(default_factory=VisitSettings)  # [visits] (issue #14 check-in)
    approvals: ApprovalRules = field(default_factory=ApprovalRules)  # [approvals] (issue #14)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)  # [delivery] (issue #15)
    card_channels: tuple[str, ...] = ("wecom",)  # channels that show a pushed card's buttons
    handover_approvals: Any = None  # domain.handover.ApprovalsPort; None: bot.handover_approvals (tests swap it)
    files: FileSettings = field(default_factory=FileSettings)  # [files] (issue #15 project files)
    weekly: WeeklySettings = field(default_factory=WeeklySettings)  # [delivery] weekly_summary (issue #15)
    web: WebSettings = field(default_factory=WebSettings)  # [web] with its secret resolved (issue #15)
    sms: Any = None  # bot.sms_config.SmsSettings ([sms], issue #16); None: SMS not enabled
    esign: Any = None  # bot.esign.settings.EsignSettings ([esign], issue #16); None: e-signature is off


@dataclass(frozen=True, slots=True)
class Directory:
    """People and teams, with lookups by id and by (channel, sender id) built once.

    Shared by every message of a process until the directory changes (`bot.directory_cache`): treat the
    reps and teams as read-only (the context gets its own copy of the sender).
    """

    reps: tuple[Rep, ...] = ()
    teams: tuple[Team, ...] = ()
    _by_id: dict[int, Rep] = field(init=False, repr=False, compare=False)
    _by_identity: dict[tuple[str, str], Rep] = field(init=False, repr=False, compare=False)
    _team_of: dict[int, int | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_identity: dict[tuple[str, str], Rep] = {}
        for rep in self.reps:  # the first rep holding an identity wins, as a scan in order would find
            for channel, external_id in rep.identities.items():
                by_identity.setdefault((channel, external_id), rep)
        object.__setattr__(self, "_by_identity", by_identity)
        object.__setattr__(self, "_by_id", {r.id: r for r in reversed(self.reps) if r.id is not None})
        object.__setattr__(self, "_team_of", {r.id: r.team_id for r in self.reps if r.id is not None})

    @classmethod
    async def load(cls, uow: UnitOfWork) -> Directory:
        return cls(tuple(await uow.reps.list()), tuple(await uow.teams.list()))

    def identify(self, channel: str, external_id: str) -> Rep | None:
        return self._by_identity.get((channel, external_id))

    def rep(self, rep_id: int | None) -> Rep | None:
        return None if rep_id is None else self._by_id.get(rep_id)

    @property
    def team_of(self) -> Mapping[int, int | None]:
        return self._team_of


@dataclass(slots=True)
class Context:
    uow: UnitOfWork
    rep: Rep
    now: datetime
    channel: str
    conversation_id: str
    batch: str
    settings: Settings = field(default_factory=Settings)
    directory: Directory = field(default_factory=Directory)
    outbox: list[OutboxItem] = field(default_factory=list)
    before: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    audit_log: list[AuditEntry] = field(default_factory=list)  # written once the handler succeeds
    in_group: bool = False  # said in a group chat (DingTalk conversationType 2), else a private one
    usage: UsageTrace = field(default_factory=UsageTrace)  # what the message was, for its usage event (#16)

    @property
    def locale(self) -> str:
        return self.rep.locale

    @property
    def rep_id(self) -> int:
        assert self.rep.id is not None
        return self.rep.id

    def t(self, zh: str, en: str) -> str:
        return pick(self.locale, zh, en)

    def remember(self, entity: str, obj: Any) -> None:
        """Keep the state read from storage, so the audit entry of a later change can restore it (undo)."""
        if obj.id is not None:
            self.before.setdefault((entity, obj.id), snapshot(obj))

    def question_key(self, kind: str) -> str:
        """The settings key of an open question (`kind`: plan, capture, offer) of this person here."""
        return f"pending:{kind}:{self.rep_id}:{self.channel}:{self.conversation_id}"

    async def open_question(self, kind: str) -> dict[str, Any] | None:
        """That open question's record; None when there is none or it has expired (its "expires")."""
        record = await self.uow.settings.get(self.question_key(kind))
        if not record or datetime.fromisoformat(record["expires"]) <= self.now:
            return None
        return dict(record)

    async def audit(self, entity: str, entity_id: int | None, action: str, **changes: Any) -> None:
        assert entity_id is not None
        record = {k: _jsonable(v) for k, v in changes.items()}
        if action != "create" and (entity, entity_id) in self.before:
            record["before"] = self.before[(entity, entity_id)]
        self.audit_log.append(AuditEntry(
            actor_id=self.rep.id, entity=entity, entity_id=entity_id, action=action, at=self.now,
            changes=record, batch=self.batch))

    async def update(self, entity: str, obj: Any, **changes: Any) -> None:
        """Write back an object read (and remembered) earlier; audited with its previous state."""
        await repository(self.uow, entity).save(obj)
        await self.audit(entity, obj.id, "update", **changes)

    async def notify(self, rep_id: int, text: str | Text, markdown: str | None = None) -> None:
        """Queue a message to another person on their preferred channel (same transaction), in their language."""
        if rep_id == self.rep.id:
            return
        other = self.directory.rep(rep_id)
        if other is None:
            return
        if (target := other.preferred_channel(self.settings.channel_order)) is not None:
            text = text.get(other.locale) if isinstance(text, Text) else text
            self.outbox.append(OutboxItem(channel=target[0], recipient=target[1], text=text,
                                          markdown=markdown, created_at=self.now))


def _jsonable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
