"""SMS through a cloud provider's template API (issue #16). One provider: Tencent Cloud SMS (connectors.sms.tencent)."""
