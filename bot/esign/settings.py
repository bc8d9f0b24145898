"""[esign] (issue #16): the provider's credentials and address, the callback URL registered with it, the
seller's name on the contract PDF. The channel is on once `app_id` is set; secrets are never logged (the config
loader masks `app_secret`, and the settings' repr leaves it out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.config import Config, ConfigError
from connectors.esign.esign_cn import EsignCnProvider, EsignConfig

CALLBACK_PATH = "/esign/callback"
DEFAULT_BASE_URL = "https://openapi.esign.cn"


@dataclass(frozen=True, slots=True)
class EsignSettings:
    app_id: str
    app_secret: str = field(repr=False)
    base_url: str = DEFAULT_BASE_URL
    callback_url: str = ""  # public URL of POST /esign/callback, given to e签宝 as each flow's notifyUrl
    company: str = ""  # 乙方 on the contract PDF
    timeout: float = 20.0
    callback_max_age: float = 900.0
    upload_wait: float = 1.0
    sms_notice: bool = True
    poll_minutes: float = 30.0  # ask e签宝 about requests out this long without news (a lost callback); 0: never
    font: str = ""  # [digest] font: the CJK font the PDF is drawn with ("" = found)

    def provider(self) -> EsignCnProvider:
        return EsignCnProvider(EsignConfig(
            app_id=self.app_id, app_secret=self.app_secret, base_url=self.base_url, timeout=self.timeout,
            callback_max_age=self.callback_max_age, upload_wait=self.upload_wait, sms_notice=self.sms_notice))


def esign_settings(config: Config) -> EsignSettings | None:
    """None unless [esign] app_id is set; a ConfigError naming the key for a missing secret or a bad value."""
    section: dict[str, Any] = dict(config.section("esign"))
    app_id = str(section.get("app_id") or "").strip()
    secret = str(section.get("app_secret") or "").strip()
    if not app_id:
        if secret:
            raise ConfigError("[esign] app_secret is set but app_id is missing (or DEALBOT_ESIGN_APP_ID): "
                              "e-signature needs both")
        return None
    if not secret:
        raise ConfigError("[esign] is missing app_secret (or DEALBOT_ESIGN_APP_SECRET)")
    callback = str(section.get("callback_url") or "").strip()
    if callback and not callback.startswith(("https://", "http://")):
        raise ConfigError("[esign] callback_url must be an http(s) URL ending in /esign/callback")
    return EsignSettings(
        app_id=app_id, app_secret=secret, base_url=str(section.get("base_url") or DEFAULT_BASE_URL).rstrip("/"),
        callback_url=callback, company=str(section.get("company") or ""),
        timeout=_positive(section, "timeout", 20.0), callback_max_age=_positive(section, "callback_max_age", 900.0),
        upload_wait=_positive(section, "upload_wait", 1.0, zero=True),
        sms_notice=bool(section.get("sms_notice", True)),
        poll_minutes=_positive(section, "poll_minutes", 30.0, zero=True),
        font=str(config.get("digest", "font", "") or ""))


def _positive(section: dict[str, Any], key: str, default: float, zero: bool = False) -> float:
    value = section.get(key, default)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"[esign] {key} must be a number of seconds") from None
    if isinstance(value, bool) or number < 0 or (number == 0 and not zero):
        raise ConfigError(f"[esign] {key} must be a positive number of seconds")
    return number
