"""The browser harness itself: without Chromium, CI fails loudly instead of skipping."""

from __future__ import annotations

import pytest

from tests.browser.conftest import _missing


def test_without_chromium_ci_fails_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"chromium.*fonts-noto-cjk"):
        _missing("/usr/bin/chromium not found")


def test_without_chromium_a_workstation_skips_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="make system-deps"):
        _missing("/usr/bin/chromium not found")

