"""Configuration: a TOML file, every key overridable by DEALBOT_<SECTION>_<KEY> environment variables."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SECRET_WORDS = ("password", "secret", "token", "aes_key", "key", "robots")

DEFAULTS: dict[str, dict[str, Any]] = {
    "database": {"url": "sqlite+aiosqlite:///var/dealbot.db"},
    "http": {"host": "127.0.0.1", "port": 8080},
    "bot": {"locale": "zh", "timezone": "Asia/Shanghai", "max_message_chars": 4000, "default_team": ""},
    "scheduler": {"enabled": True, "outbox_interval": 2.0, "reminder_interval": 30.0, "shutdown_grace": 10.0},
    "queue": {"lease_seconds": 60, "sweep_interval": 5.0, "max_attempts": 5, "retry_base_delay": 2.0},
}


class ConfigError(ValueError):
    """The config cannot be used; the message names the section and entry, never a secret value."""


@dataclass(slots=True)
class Config:
    sections: dict[str, Any] = field(default_factory=dict)
    source: str = "embedded defaults"

    def get(self, section: str, key: str, default: Any = None) -> Any:
        return self.sections.get(section, {}).get(key, default)

    def section(self, name: str) -> dict[str, Any]:
        value = self.sections.get(name, {})
        return value if isinstance(value, dict) else {}

    def list(self, name: str) -> list[dict[str, Any]]:
        value = self.sections.get(name, [])
        return value if isinstance(value, list) else []

    def redacted(self) -> dict[str, Any]:
        view: dict[str, Any] = _redact(self.sections)
        return view


def load_config(path: str | Path | None = None, environ: dict[str, str] | None = None) -> Config:
    sections: dict[str, Any] = {name: dict(values) for name, values in DEFAULTS.items()}
    source = "embedded defaults"
    if path is not None:
        with open(path, "rb") as fh:
            loaded = tomllib.load(fh)
        for name, values in loaded.items():
            if isinstance(values, dict) and isinstance(sections.get(name), dict):
                sections[name].update(values)
            else:
                sections[name] = values
        source = str(path)
    _apply_env(sections, os.environ if environ is None else environ)
    return Config(sections, source)


def _apply_env(sections: dict[str, Any], environ: Any) -> None:
    """DEALBOT_DATABASE_URL=... sets [database] url; values are parsed as TOML scalars when they can be."""
    for name, raw in environ.items():
        if not name.startswith("DEALBOT_") or name.startswith("DEALBOT_TEST_"):
            continue
        parts = name[len("DEALBOT_"):].lower().split("_", 1)
        if len(parts) != 2:
            continue
        section, key = parts
        target = sections.setdefault(section, {})
        if isinstance(target, dict):
            target[key] = _scalar(raw)


def _scalar(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _redact(value: Any, key: str = "", secret: bool = False) -> Any:
    secret = secret or any(word in key.lower() for word in SECRET_WORDS)
    if isinstance(value, dict):
        return {k: _redact(v, k, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, key, secret) for v in value]
    return "***" if secret and value else value
