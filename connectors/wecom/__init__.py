"""WeCom (企业微信) channel: encrypted callback in, app messages and group robots out."""

from connectors.throttle import MEMBER_LIMITS, ROBOT_LIMITS, RateLimit, Throttle
from connectors.wecom.callback import add_routes, make_callback_handler
from connectors.wecom.client import WeComAppClient
from connectors.wecom.config import WeComConfig
from connectors.wecom.connector import WeComConnector
from connectors.wecom.inbound import parse_wecom_xml, to_inbound
from connectors.wecom.robot import WeComRobot
from connectors.wecom.token import AccessTokenProvider, InMemoryTokenStore, TokenStore

__all__ = [
    "MEMBER_LIMITS",
    "ROBOT_LIMITS",
    "AccessTokenProvider",
    "InMemoryTokenStore",
    "RateLimit",
    "Throttle",
    "TokenStore",
    "WeComAppClient",
    "WeComConfig",
    "WeComConnector",
    "WeComRobot",
    "add_routes",
    "make_callback_handler",
    "parse_wecom_xml",
    "to_inbound",
]
