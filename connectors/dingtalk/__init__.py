"""DingTalk (钉钉) channel: stream-mode robot (or outgoing-robot HTTP), robot messages, interactive cards and
custom group robots out."""

from connectors.dingtalk.config import DingTalkConfig, RobotKey
from connectors.dingtalk.connector import DingTalkConnector
from connectors.dingtalk.inbound import card_inbound, chatbot_inbound
from connectors.dingtalk.sign import signature
from connectors.dingtalk.stream import CARD_TOPIC, CHATBOT_TOPIC, DingTalkStream, backoff_delay

__all__ = [
    "CARD_TOPIC",
    "CHATBOT_TOPIC",
    "DingTalkConfig",
    "DingTalkConnector",
    "DingTalkStream",
    "RobotKey",
    "backoff_delay",
    "card_inbound",
    "chatbot_inbound",
    "signature",
]
