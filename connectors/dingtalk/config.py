"""DingTalk (钉钉) settings. Secrets never appear in repr/str."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_OPENAPI_BASE = "https://api.dingtalk.com"
DEFAULT_OAPI_BASE = "https://oapi.dingtalk.com"
MODES = ("stream", "http")
_HIDDEN = "'***'"


@dataclass(frozen=True, slots=True)
class RobotKey:
    """A custom group robot (自定义机器人): its webhook access_token and its signing secret (加签)."""

    token: str
    secret: str

    def __repr__(self) -> str:
        return f"RobotKey(token={_HIDDEN}, secret={_HIDDEN})"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class DingTalkConfig:
    """One DingTalk app with its robot, plus the custom group robots of each team.

    `mode` "stream": the bot opens a websocket to DingTalk (no public URL needed); "http": DingTalk
    POSTs to `callback_path` (outgoing robot), signed with `client_secret`. `card_template_id` empty:
    buttons are sent as markdown with numbered text replies instead of interactive cards.
    `watchdog_seconds`: a stream that delivers no frame (gateway pings included) for this long is
    dropped and reopened. `client_secret` and the robots' tokens and secrets are masked by `repr()`.
    """

    client_id: str
    client_secret: str
    robot_code: str = ""
    mode: str = "stream"
    openapi_base: str = DEFAULT_OPENAPI_BASE
    oapi_base: str = DEFAULT_OAPI_BASE
    card_template_id: str = ""
    watchdog_seconds: float = 90.0
    robots: Mapping[str, RobotKey] = field(default_factory=dict)
    callback_path: str = "/dingtalk/callback"
    http_timeout: float = 5.0
    token_margin: float = 300.0
    freshness_window: float = 3600.0  # outgoing-robot requests more than 1 h off are refused
    max_body: int = 256 * 1024
    backoff_base: float = 1.0  # stream reconnects: base * 2^n with full jitter, capped
    backoff_max: float = 60.0

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"DingTalk mode must be one of {', '.join(MODES)}")
        if min(self.watchdog_seconds, self.http_timeout, self.backoff_base, self.backoff_max) <= 0:
            raise ValueError("DingTalk watchdog_seconds, http_timeout and backoff must be positive")

    @property
    def robot_code_or_id(self) -> str:
        """robotCode of the app's robot; for an app robot it defaults to the AppKey."""
        return self.robot_code or self.client_id

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every value that must never reach a log line or an exception message."""
        return (self.client_secret, *(v for r in self.robots.values() for v in (r.token, r.secret)))

    def __repr__(self) -> str:
        return (f"DingTalkConfig(client_id={self.client_id!r}, client_secret={_HIDDEN}, "
                f"robot_code={self.robot_code!r}, mode={self.mode!r}, openapi_base={self.openapi_base!r}, "
                f"oapi_base={self.oapi_base!r}, card_template_id={self.card_template_id!r}, "
                f"watchdog_seconds={self.watchdog_seconds!r}, robot_teams={sorted(self.robots)!r})")

    __str__ = __repr__
