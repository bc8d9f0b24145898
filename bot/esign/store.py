"""The e-signature requests of a unit of work (a repository beyond the UnitOfWork protocol, like visits)."""

from __future__ import annotations

from domain.esign import ContractSignatureRepository
from domain.ports import UnitOfWork


def signature_repo(uow: UnitOfWork) -> ContractSignatureRepository:
    found: ContractSignatureRepository = getattr(uow, "signatures")  # noqa: B009 - beyond the UnitOfWork protocol
    return found
