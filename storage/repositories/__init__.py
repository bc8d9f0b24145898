"""Repositories: domain objects in, domain objects out (domain.ports implemented on SQLAlchemy)."""
