"""The storage tests' fixtures: the shared ones from `tests.storage.fixtures`, and `storage`.

Another test package gets the same fixtures with the same import in its own conftest.
"""
from __future__ import annotations

import pytest

from app.storage import Storage
from tests.storage.fixtures import any_storage, s3_bucket, s3_server  # noqa: F401 (fixtures)


@pytest.fixture
def storage(any_storage: Storage) -> Storage:  # noqa: F811 (the imported fixture, requested by name)
    """An empty storage, once per backend ([local] and [s3] in the test ids)."""
    return any_storage
