"""In-memory fakes of domain.ports. One FakeStore holds the committed data; each FakeUnitOfWork works on
a private copy taken when it is entered and writes its changed rows back only on commit().

    store = FakeStore()
    async with store.uow() as uow:
        await uow.customers.add(Customer("明途科技"))
        await uow.commit()

Repositories hand out and keep copies, so a change made to a loaded object is lost unless `save`d, as
with the real storage. Ids come from one counter per table, starting at 1; ids of rolled-back rows are
not reused. Orders, NotFound refs ("#9", leads "L9") and edge cases follow storage/repositories: lists
are by id unless the port says otherwise; outbox `claim` counts an attempt and locks the rows until the
claiming unit of work ends (other units skip them, like SKIP LOCKED); `mark_*` and `mark_processed` on
an unknown id change nothing, like an UPDATE; inbox/outbox uniqueness is re-checked on commit
(FakeIntegrityError, as a unique index would refuse the second writer).
"""

from domain.audit import UNDO_ACTION
from tests.fakes.store import FakeIntegrityError, FakeStore
from tests.fakes.uow import FakeUnitOfWork, as_port

__all__ = ["UNDO_ACTION", "FakeIntegrityError", "FakeStore", "FakeUnitOfWork", "as_port"]
