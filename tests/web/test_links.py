"""Signed links (bot.web.links): what verifies, what is refused and how."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from bot.web.links import LinkExpired, LinkInvalid, sign, verify
from bot.web.security import csrf_token

SECRET = "s3cret-for-tests"
NOW = datetime(2026, 12, 15, 2, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=30)


def test_a_signed_link_verifies_with_its_claims() -> None:
    token = sign(SECRET, "portal", 42, LATER, version=3, locale="en")
    claims = verify(SECRET, token, "portal", NOW)
    assert (claims.purpose, claims.subject_id, claims.version, claims.locale) == ("portal", 42, 3, "en")
    assert claims.expires_at == LATER


def test_a_link_is_url_safe_and_compact() -> None:
    token = sign(SECRET, "login", 123456, LATER)
    assert len(token) < 80
    assert all(ch.isalnum() or ch in "-_." for ch in token)


def test_an_expired_link_is_refused_as_expired() -> None:
    token = sign(SECRET, "login", 7, NOW + timedelta(minutes=15))
    assert verify(SECRET, token, "login", NOW + timedelta(minutes=14)).subject_id == 7
    with pytest.raises(LinkExpired):
        verify(SECRET, token, "login", NOW + timedelta(minutes=15))


def test_every_changed_character_is_refused_as_invalid() -> None:
    token = sign(SECRET, "portal", 5, LATER)
    for i, ch in enumerate(token):
        if ch == ".":
            continue
        swapped = "A" if ch != "A" else "B"
        tampered = token[:i] + swapped + token[i + 1:]
        with pytest.raises(LinkInvalid):
            verify(SECRET, tampered, "portal", NOW)


def test_a_forged_payload_with_a_copied_signature_is_refused() -> None:
    body, signature = sign(SECRET, "portal", 5, LATER).split(".")
    payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).replace(b":5:", b":6:")
    forged = base64.urlsafe_b64encode(payload).rstrip(b"=").decode() + "." + signature
    with pytest.raises(LinkInvalid):
        verify(SECRET, forged, "portal", NOW)


def test_another_purpose_or_secret_is_refused() -> None:
    token = sign(SECRET, "portal", 5, LATER)
    with pytest.raises(LinkInvalid):
        verify(SECRET, token, "login", NOW)
    with pytest.raises(LinkInvalid):
        verify("another-secret", token, "portal", NOW)


def test_an_expired_link_with_a_bad_signature_is_invalid_not_expired() -> None:
    token = sign("another-secret", "login", 5, NOW - timedelta(days=1))
    with pytest.raises(LinkInvalid):
        verify(SECRET, token, "login", NOW)


@pytest.mark.parametrize("token", ["", ".", "abc", "abc.", ".abc", "a.b.c", "***.***", "é.é", "x" * 600 + ".y",
                                   "bG9naW46eDox.AAAA"])
def test_malformed_tokens_are_invalid(token: str) -> None:
    with pytest.raises(LinkInvalid):
        verify(SECRET, token, "login", NOW)


def test_signing_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError):
        sign(SECRET, "Bad Purpose", 1, LATER)
    with pytest.raises(ValueError):
        sign(SECRET, "login", 1, LATER.replace(tzinfo=None))
    with pytest.raises(ValueError):
        sign("", "login", 1, LATER)
    with pytest.raises(ValueError):
        sign(SECRET, "login", 1, LATER, locale="fr")


def test_csrf_tokens_depend_on_the_binding_and_the_secret() -> None:
    assert csrf_token(SECRET, "a") == csrf_token(SECRET, "a")
    assert csrf_token(SECRET, "a") != csrf_token(SECRET, "b")
    assert csrf_token(SECRET, "a") != csrf_token("other", "a")
