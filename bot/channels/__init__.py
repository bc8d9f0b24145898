"""Which channels run, built from config. Each channel module offers `build(config, clock, uow_factory)`.

A connector that serves HTTP callbacks has `add_routes(web_app)`; `make_web_app` mounts them.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.config import Config
from bot.esign.build import build_esign
from connectors.base import Connector
from domain.ports import UnitOfWork


def build_channels(config: Config, uow_factory: Callable[[], UnitOfWork]) -> dict[str, Connector]:
    """The connectors the config enables (a channel is enabled by having its section)."""
    from bot.channels import (  # local import: each channel's edit stays inside this body
        dingtalk,
        email,
        sms,  # issue #16
        webhooks,  # issue #16
        wecom,
    )

    channels: dict[str, Connector] = {}
    if (wecom_connector := wecom.build_default(config, uow_factory)) is not None:
        channels["wecom"] = wecom_connector
    if (dingtalk_connector := dingtalk.build_default(config, uow_factory)) is not None:
        channels["dingtalk"] = dingtalk_connector
    if (email_connector := email.build(config, uow_factory)) is not None:
        channels["email"] = email_connector
    if (webhook_connector := webhooks.build(config, uow_factory)) is not None:  # issue #16 outgoing webhooks
        channels["webhook"] = webhook_connector
    if (sms_connector := sms.build(config, uow_factory)) is not None:
        channels["sms"] = sms_connector
    if (esign_channel := build_esign(config, uow_factory)) is not None:  # issue #16: provider calls, callback
        channels["esign"] = esign_channel
    return channels
