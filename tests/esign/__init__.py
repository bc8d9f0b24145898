"""E-signature (issue #16) against a local fake of e签宝's open API v3."""
