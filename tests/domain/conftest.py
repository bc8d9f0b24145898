import pytest

from tests.fakes import FakeStore


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()
