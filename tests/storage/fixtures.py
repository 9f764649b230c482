"""Storage fixtures, importable by any conftest: `from tests.storage.fixtures import any_storage, s3_server`.

`s3_server` is one private SeaweedFS server per test process (session scope; each xdist worker
starts its own). `any_storage` runs a test once per backend: a local directory under the test's
tmp_path, and a fresh bucket on that server, dropped afterwards. The server is only started
when an S3 case actually runs (`-k local` never starts it).
"""
from __future__ import annotations

import contextlib
import uuid

import pytest

from app.storage import LocalStorage, Storage
from tests.storage.seaweed import SeaweedS3, SeaweedUnavailable, seaweed_s3, unavailable

BACKENDS = ["local", "s3"]


def fresh_bucket_name() -> str:
    """A bucket name no other test uses (S3 names: 3-63 lower-case letters, digits, hyphens)."""
    return f"test-{uuid.uuid4().hex}"


@pytest.fixture(scope="session")
def s3_server() -> SeaweedS3:
    """A running SeaweedFS S3 server; skips (or, with CI=true, fails) the test if it cannot start."""
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(seaweed_s3())
        except SeaweedUnavailable as error:
            unavailable(str(error))
        yield server


@pytest.fixture
def s3_bucket(s3_server: SeaweedS3):
    """A fresh, empty bucket name on `s3_server`, emptied and deleted after the test."""
    bucket = fresh_bucket_name()
    yield bucket
    s3_server.drop_bucket(bucket)


@pytest.fixture(params=BACKENDS)
def any_storage(request, tmp_path) -> Storage:
    """The test runs once with each backend, each empty at the start."""
    if request.param == "local":
        return LocalStorage(tmp_path / "files")
    server: SeaweedS3 = request.getfixturevalue("s3_server")
    return server.s3_storage(request.getfixturevalue("s3_bucket"))
