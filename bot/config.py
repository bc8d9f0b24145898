"""Configuration: a TOML file, every key overridable by DEALBOT_<SECTION>_<KEY> environment variables.

`load_config` checks every section and key against bot.config_schema: a bad value is one ConfigError
naming the file (or environment variable), the section and the key. Secrets never appear in a repr.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.redaction import SECRET_WORDS, mask_url, redact

__all__ = ["DEFAULTS", "SECRET_WORDS", "Config", "ConfigError", "load_config", "mask_url"]

DEFAULTS: dict[str, dict[str, Any]] = {
    "database": {"url": "sqlite+aiosqlite:///var/dealbot.db"},
    "http": {"host": "127.0.0.1", "port": 8080},
    "bot": {"locale": "zh", "timezone": "Asia/Shanghai", "max_message_chars": 4000, "default_team": ""},
    "scheduler": {"enabled": True, "outbox_interval": 2.0, "reminder_interval": 30.0, "shutdown_grace": 10.0},
    "queue": {"lease_seconds": 60, "sweep_interval": 5.0, "max_attempts": 5, "retry_base_delay": 2.0},
    "retention": {"inbox_days": 14, "outbox_days": 7, "failed_days": 90, "audit_days": 730,
                  "interval_hours": 24.0, "chunk": 1000},
}


class ConfigError(ValueError):
    """The config cannot be used; the message names the section and entry, never a secret value."""


@dataclass(slots=True)
class Config:
    sections: dict[str, Any] = field(default_factory=dict)
    source: str = "embedded defaults"
    origins: dict[tuple[str, str], str] = field(default_factory=dict)  # (section, key) -> DEALBOT_ variable

    def __repr__(self) -> str:
        return f"Config(source={self.source!r}, sections={self.redacted()!r})"

    def get(self, section: str, key: str, default: Any = None) -> Any:
        return self.sections.get(section, {}).get(key, default)

    def section(self, name: str) -> dict[str, Any]:
        value = self.sections.get(name, {})
        return value if isinstance(value, dict) else {}

    def list(self, name: str) -> list[dict[str, Any]]:
        value = self.sections.get(name, [])
        return value if isinstance(value, list) else []

    def redacted(self) -> dict[str, Any]:
        """The sections with secret values as *** and the password of every URL masked."""
        view: dict[str, Any] = redact(self.sections)
        return view


def load_config(path: str | Path | None = None, environ: dict[str, str] | None = None) -> Config:
    """Embedded defaults, then the file, then DEALBOT_* variables; raises ConfigError if anything is wrong."""
    from bot.config_schema import schema_with
    from bot.config_validate import validate

    sections: dict[str, Any] = {name: dict(values) for name, values in DEFAULTS.items()}
    source = "embedded defaults"
    if path is not None:
        source = str(path)
        for name, values in _read(Path(path)).items():
            if isinstance(values, dict) and isinstance(sections.get(name), dict):
                sections[name].update(values)
            else:
                sections[name] = values
    schema = schema_with(DEFAULTS)
    origins = _apply_env(sections, os.environ if environ is None else environ, schema)
    try:
        validate(sections, schema, origins)
    except ConfigError as err:
        raise ConfigError(f"{source if path is not None else 'environment'}: {err}") from None
    return Config(sections, source, origins)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a config file") from None
    except PermissionError:
        raise ConfigError(f"{path}: cannot read the config file (permission denied)") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as err:  # its message carries "(at line L, column C)"
        raise ConfigError(f"{path}: not valid TOML: {err}") from None


def _apply_env(sections: dict[str, Any], environ: Any, schema: Any) -> dict[tuple[str, str], str]:
    """DEALBOT_DATABASE_URL=... sets [database] url; values are parsed as TOML scalars when they can be,
    except for keys that take text (a secret of digits stays text). Variables of sections nowhere near a
    known one belong to other tools and are left alone. Returns where each value came from."""
    from bot.config_checks import text
    from bot.config_schema import key_kind
    from bot.config_validate import closest

    origins: dict[tuple[str, str], str] = {}
    for name, raw in environ.items():
        if not name.startswith("DEALBOT_") or name.startswith("DEALBOT_TEST_"):
            continue
        parts = name[len("DEALBOT_"):].lower().split("_", 1)
        if len(parts) != 2:
            continue
        section, key = parts
        if section not in schema and closest(section, schema) is None:
            continue  # another tool's variable (DEALBOT_PEER_MAIL); a misspelt section is still refused
        target = sections.setdefault(section, {})
        if isinstance(target, dict):
            target[key] = raw if key_kind(schema, section, key) is text else _scalar(raw)
            origins[(section, key)] = name
    return origins


def _scalar(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw
