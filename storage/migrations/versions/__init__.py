"""Revision files; each one is frozen once released."""
