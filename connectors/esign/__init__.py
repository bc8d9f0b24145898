"""E-signature providers (issue #16): the interface (base.py) and e签宝's open API v3 (esign_cn.py)."""
