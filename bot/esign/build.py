"""The `esign` channel from config: on when [esign] app_id is set."""

from __future__ import annotations

from collections.abc import Callable

from bot.config import Config
from bot.delivery.files import FileSettings
from bot.esign.settings import esign_settings
from bot.esign.worker import EsignChannel
from domain.people import CHANNEL_ORDER
from domain.ports import UnitOfWork


def build_esign(config: Config, uow_factory: Callable[[], UnitOfWork]) -> EsignChannel | None:
    settings = esign_settings(config)
    if settings is None:
        return None
    files = FileSettings.from_section(config.section("files")).store()
    return EsignChannel(uow_factory, settings.provider(), settings, files, CHANNEL_ORDER)
