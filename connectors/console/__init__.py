"""The console channel: a terminal chat with the bot (`dealbot chat --as <user>`)."""

from connectors.console.connector import ConsoleConnector

__all__ = ["ConsoleConnector"]
