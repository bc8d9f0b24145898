"""The portal link of a project: `{public_url}/p/<token>`, a signed token (bot.web.links) with purpose
"portal", the project's id as subject, `project.link_version` as version (bumping it, `门户 P3 撤销`, voids
every link given so far), the reader's language, valid `[web] link_days`."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.web.links import Claims, LinkExpired, LinkInvalid, sign, verify
from bot.web.settings import WebSettings
from domain.delivery import Project
from domain.ports import UnitOfWork

PORTAL = "portal"


class PortalRefused(Exception):
    """`kind`: expired (410) or invalid (403: tampered, another purpose, revoked, project gone)."""

    def __init__(self, kind: str, locale: str | None = None) -> None:
        super().__init__(kind)
        self.kind, self.locale = kind, locale  # locale: an expired link's own (it was genuine)
        self.status = 410 if kind == "expired" else 403


def portal_token(settings: WebSettings, project: Project, now: datetime, locale: str = "zh") -> str:
    assert project.id is not None
    expires = now + timedelta(days=settings.link_days)
    return sign(settings.secret, PORTAL, project.id, expires, project.link_version, locale)


def portal_url(settings: WebSettings, project: Project, now: datetime, locale: str = "zh") -> str:
    return settings.url(f"/p/{portal_token(settings, project, now, locale)}")


async def linked_project(uow: UnitOfWork, settings: WebSettings, token: str,
                         now: datetime) -> tuple[Project, Claims]:
    """The project a genuine, unexpired, unrevoked portal token opens; PortalRefused otherwise."""
    try:
        claims = verify(settings.secret, token, PORTAL, now)
    except LinkExpired as expired:
        raise PortalRefused("expired", expired.locale) from None
    except LinkInvalid:
        raise PortalRefused("invalid") from None
    project = await uow.projects.find(claims.subject_id)
    if project is None or project.link_version != claims.version:
        raise PortalRefused("invalid")
    return project, claims
