"""A signed contract filed on its deal's delivery project (issue #16): the signed PDF, once fetched into the file
store, is listed with the project's files (downloaded from the team's project page by those who may view the
project) and noted on its internal timeline. A deal without a project yet keeps the file on the request only."""

from __future__ import annotations

from datetime import datetime

from bot.delivery.files import record_file, safe_name
from domain.delivery import ProjectFile
from domain.esign import ContractSignature, contract_ref
from domain.ports import UnitOfWork


async def file_on_projects(uow: UnitOfWork, request: ContractSignature, sha: str, size: int,
                           now: datetime) -> list[int]:
    """File the signed PDF `sha` on every project of the contract's deal; the projects' ids."""
    contract = await uow.contracts.find(request.contract_id)
    if contract is None:
        return []
    ref = contract_ref(request.contract_id)
    name = safe_name(f"{contract.number or ref}-signed.pdf")
    filed = []
    for project in await uow.projects.for_opportunity(contract.opportunity_id):
        assert project.id is not None
        await record_file(uow, ProjectFile(project.id, name, "application/pdf", size, sha, now, source="esign"),
                          f"合同 {ref} 已完成电子签署，签署文件「{name}」已归档",
                          f"Contract {ref} was signed electronically; the signed file {name} is filed")
        filed.append(project.id)
    return filed
