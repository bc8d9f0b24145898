"""`[web]`: where the pages are reached and how long links live; the link secret every process shares.

- `public_url`: the address people open (links in chat are built from it); https makes cookies Secure.
- `secret`: the HMAC key of every link (bot.web.links). Empty: one is generated once and stored in the
  settings table (`web.secret`), so every `dealbot serve` process on one database signs alike.
- `link_days` (customer portal links), `login_minutes` (dashboard login links), `session_hours`.
No aiohttp here: chat handlers build links with these settings too.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.ports import UnitOfWork

SECRET_KEY = "web.secret"
VERSION_KEY = "web.link_version.{purpose}.{subject_id}"


@dataclass(frozen=True, slots=True)
class WebSettings:
    public_url: str = "http://127.0.0.1:8080"
    secret: str = ""  # resolved by load_web_settings; never empty once the bot runs
    link_days: int = 30
    login_minutes: int = 15
    session_hours: int = 8

    def __repr__(self) -> str:  # never the secret
        return (f"WebSettings(public_url={self.public_url!r}, link_days={self.link_days}, "
                f"login_minutes={self.login_minutes}, session_hours={self.session_hours})")

    @property
    def secure(self) -> bool:
        """Cookies carry Secure when people reach us over https."""
        return self.public_url.lower().startswith("https://")

    def url(self, path: str) -> str:
        """`path` ("/dash/login/<token>") under the public address."""
        return self.public_url.rstrip("/") + "/" + path.lstrip("/")

    @classmethod
    def from_section(cls, section: Mapping[str, Any], secret: str = "") -> WebSettings:
        base = cls()
        return cls(public_url=str(section.get("public_url", base.public_url)) or base.public_url,
                   secret=secret or str(section.get("secret", "")),
                   link_days=int(section.get("link_days", base.link_days)),
                   login_minutes=int(section.get("login_minutes", base.login_minutes)),
                   session_hours=int(section.get("session_hours", base.session_hours)))


async def shared_secret(uow_factory: Callable[[], UnitOfWork]) -> str:
    """The generated secret stored in the settings table; created by whichever process asks first."""
    async with uow_factory() as uow:
        found = await uow.settings.get(SECRET_KEY)
        if found:
            return str(found)
        await uow.settings.claim(SECRET_KEY, secrets.token_urlsafe(32))
        await uow.commit()
    async with uow_factory() as uow:  # whoever won the claim, everyone reads the same one
        return str(await uow.settings.get(SECRET_KEY))


async def load_web_settings(section: Mapping[str, Any], uow_factory: Callable[[], UnitOfWork]) -> WebSettings:
    """`[web]` with its secret resolved (the configured one, else the shared generated one)."""
    configured = str(section.get("secret", ""))
    return WebSettings.from_section(section, configured or await shared_secret(uow_factory))


async def link_version(uow: UnitOfWork, purpose: str, subject_id: int) -> int:
    """The current link counter of a subject (1 until revoked): links signed with another one are void."""
    found = await uow.settings.get(VERSION_KEY.format(purpose=purpose, subject_id=subject_id))
    return int(found) if found else 1


async def revoke_links(uow: UnitOfWork, purpose: str, subject_id: int) -> int:
    """Void every `purpose` link of the subject issued so far; the new counter (caller commits)."""
    version = await link_version(uow, purpose, subject_id) + 1
    await uow.settings.put(VERSION_KEY.format(purpose=purpose, subject_id=subject_id), version)
    return version
