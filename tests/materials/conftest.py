"""Material tests run on both storage backends: a local directory and a real S3 server
(SeaweedFS, started once per test process), each with the database the suite runs on."""
from __future__ import annotations

import pytest

from app import create_app
from app.storage import get_storage
from tests.storage.fixtures import s3_bucket, s3_server  # noqa: F401 (fixtures)


@pytest.fixture(params=["local", "s3"])
def storage_app(request, database_uri, clock, tmp_path):
    """The app with one backend for its files ([local] / [s3] in the test ids)."""
    from app.extensions import db

    if request.param == "local":
        config = {"STORAGE_BACKEND": "local", "STORAGE_LOCAL_ROOT": str(tmp_path / "files")}
    else:
        server = request.getfixturevalue("s3_server")
        bucket = request.getfixturevalue("s3_bucket")
        server.s3_storage(bucket)  # creates the bucket
        config = {"STORAGE_BACKEND": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": server.endpoint_url,
                  "S3_ACCESS_KEY_ID": server.access_key, "S3_SECRET_ACCESS_KEY": server.secret_key,
                  "S3_REGION": "us-east-1"}
    application = create_app("testing", SQLALCHEMY_DATABASE_URI=database_uri, **config)
    application.storage_backend = request.param
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(storage_app):
    """Every fixture of the suite that asks for `app` gets the storage-parametrised one."""
    return storage_app


def stored(app, key: str) -> bytes:
    with app.app_context():
        return get_storage().get(key)
