"""The S3 server of the storage tests, for deploy/create_bucket.py."""
from tests.storage.fixtures import s3_server  # noqa: F401 (fixture)
