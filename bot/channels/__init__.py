"""Which channels run, built from config. Each channel module offers `build(config, clock, uow_factory)`.

A connector that serves HTTP callbacks has `add_routes(web_app)`; `make_web_app` mounts them.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.config import Config
from connectors.base import Connector
from domain.ports import UnitOfWork


def build_channels(config: Config, uow_factory: Callable[[], UnitOfWork]) -> dict[str, Connector]:
    """The connectors the config enables (a channel is enabled by having its section)."""
    channels: dict[str, Connector] = {}
    return channels
