"""Fixtures for the message-understanding tests: one Parser for the session (jieba loads once)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.nlp import Parser

# The reference clock of shared/eval: a Tuesday morning in Shanghai.
NOW = datetime.fromisoformat("2026-11-24T10:00:00+08:00")


@pytest.fixture(scope="session")
def parser() -> Parser:
    return Parser()
