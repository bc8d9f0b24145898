"""E-signature of contracts (issue #16): the contract PDF, the outbox worker, the callback, the chat use cases."""
