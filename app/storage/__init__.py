"""Where the portal keeps uploaded and generated files: one small interface, two backends.

The rest of the portal only sees `Storage` (put / get / delete / exists by key), so the same code
runs against a directory on the server's disk (development, tests, a single machine) and against
an S3-compatible object store (production, several web and worker machines sharing the files).

Keys are made by the portal itself (e.g. "applications/2026/123/evidence-1.pdf"), never taken
from a request, and `valid_key` holds both backends to the same narrow alphabet: a key that would
escape the local root, or that an object store would quietly rewrite, is refused instead.

What a backend does *not* keep: the content type is sent to S3 (so a file served straight from the
bucket has the right header) but not kept by the local backend; the portal's database records
each file's media type, which is the one that counts.
"""
from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol, runtime_checkable

from flask import current_app

__all__ = [
    "LocalStorage", "S3Storage", "Storage", "StoredFileMissing", "get_storage", "storage_from_config",
    "valid_key",
]

MAX_KEY_LENGTH = 200
_KEY_CHARACTERS = re.compile(r"[A-Za-z0-9/_.-]+")


class StoredFileMissing(Exception):
    """No file is stored under this key (raised by `Storage.get`).

    One exception for both backends, so callers never catch `FileNotFoundError` or botocore's
    `ClientError` and stay unaware of which backend is configured.
    """

    def __init__(self, key: str):
        self.key = key
        super().__init__(f"no stored file under key {key!r}")


@runtime_checkable
class Storage(Protocol):
    """A flat store of files by key: what the portal needs, and nothing a backend cannot promise."""

    def put(self, key: str, data: bytes, *, content_type: str) -> None:
        """Store `data` under `key`, replacing what was there; no reader ever sees part of a file."""

    def get(self, key: str) -> bytes:
        """The bytes stored under `key`; raises `StoredFileMissing` if there are none."""

    def delete(self, key: str) -> None:
        """Remove the file under `key`; a key that holds nothing is not an error (retries, clean-ups)."""

    def exists(self, key: str) -> bool:
        """Whether a file is stored under `key`."""


def valid_key(key: str) -> str:
    """Return `key` if it is a key the portal may use, else raise `ValueError`.

    Allowed: letters, digits and `/ _ . -`, at most 200 characters, segments separated by single
    slashes. Refused: an empty key, a leading or trailing slash, an empty segment ("a//b"), and
    "." or ".." segments. ".." would leave the local root; the others name the same file twice on
    disk ("a//b" is "a/b"), and SeaweedFS rewrites "a//b" to "a/b" and rejects "a/./b", so the two
    backends would not agree on what was stored.
    """
    if not isinstance(key, str):
        raise ValueError(f"a storage key must be a string, not {type(key).__name__}")
    if not key:
        raise ValueError("a storage key must not be empty")
    if len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"a storage key must be at most {MAX_KEY_LENGTH} characters (got {len(key)})")
    if not _KEY_CHARACTERS.fullmatch(key):
        raise ValueError(f"a storage key may only contain A-Z a-z 0-9 / _ . - (got {key!r})")
    if key.startswith("/"):
        raise ValueError(f"a storage key must not start with '/' (got {key!r})")
    for segment in key.split("/"):
        if segment in ("", ".", ".."):
            raise ValueError(f"a storage key must not have empty, '.' or '..' segments (got {key!r})")
    return key


class LocalStorage:
    """Files in a directory on this machine: `root/<key>`, with the key's slashes as subdirectories.

    Writes go to a temporary file in the target's own directory and are then renamed over the
    target (`os.replace`, atomic on one file system), so a reader or a crash mid-write never leaves
    half a file under the key. Files are readable by the portal's own user only (0600, from
    `mkstemp`): they are applicants' documents. Empty directories left behind by `delete` are
    not removed: removing them could race with a `put` that has just created one.

    One difference from S3 that valid keys cannot rule out: a key cannot be both a file and a
    "directory" of other keys ("a/b" and "a/b/c"); the portal's key scheme never does that.
    """

    def __init__(self, root: Path):
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        return self.root / valid_key(key)

    def put(self, key: str, data: bytes, *, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as temp:
                temp.write(data)
                temp.flush()
                os.fsync(temp.fileno())  # the data is on disk before the name points at it
            os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            # A directory (other keys below it) or a path through a file is not a stored file either.
            raise StoredFileMissing(key) from None

    def delete(self, key: str) -> None:
        path = self._path(key)
        if path.is_dir():
            return  # only other keys below it: nothing is stored under this one
        with contextlib.suppress(NotADirectoryError):  # a parent is a file: nothing can be stored here
            path.unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()


class S3Storage:
    """Objects in one bucket of an S3-compatible store (AWS S3, SeaweedFS, MinIO, Ceph …).

    Credentials left as None fall back to boto3's usual chain (environment, config files, an
    instance role). Path-style addressing ("endpoint/bucket/key") is used because self-hosted
    stores are reached by a host name that has no per-bucket DNS ("bucket.seaweed:8333" would
    not resolve). Retries are botocore's "standard" mode, for throttling and transient 5xx
    answers; botocore's `max_attempts` counts *retries*, so 3 means up to 4 requests in all
    (it reports `total_max_attempts: 4`), unlike AWS_MAX_ATTEMPTS, which counts the first one.
    boto3 is imported here, not at module level, so the local backend works without it and the
    web process does not pay for importing it when it is not used.
    """

    def __init__(self, bucket: str, *, endpoint_url: str | None = None, region: str | None = None,
                 access_key: str | None = None, secret_key: str | None = None):
        import boto3
        from botocore.config import Config

        if not bucket:
            raise ValueError("S3Storage needs a bucket name")
        self.bucket = bucket
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None,
            config=Config(
                retries={"max_attempts": 3, "mode": "standard"},
                s3={"addressing_style": "path"},
                # A store that does not answer should fail a request in seconds, not a minute.
                connect_timeout=5,
                read_timeout=60,
            ),
        )

    def __repr__(self) -> str:
        return f"S3Storage({self.bucket!r}, endpoint_url={self.client.meta.endpoint_url!r})"

    def put(self, key: str, data: bytes, *, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=valid_key(key), Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=valid_key(key))
        except self.client.exceptions.ClientError as error:
            if _is_missing_object(error):
                raise StoredFileMissing(key) from None
            raise  # a missing bucket, denied access, …: a configuration fault, not a missing file
        with response["Body"] as body:
            return body.read()

    def delete(self, key: str) -> None:
        # S3's DeleteObject succeeds for a key that does not exist, which is exactly the contract.
        self.client.delete_object(Bucket=self.bucket, Key=valid_key(key))

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=valid_key(key))
        except self.client.exceptions.ClientError as error:
            if _is_missing_object(error):
                return False
            raise
        return True

    def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist (for tests and local set-ups; the portal never calls it).

        In production the bucket, its policy and lifecycle belong to whoever runs the store.
        Creating a bucket that another process has just created is not an error.
        """
        try:
            self.client.head_bucket(Bucket=self.bucket)
            return
        except self.client.exceptions.ClientError as error:
            if _status(error) != 404:
                raise
        region = self.client.meta.region_name
        options = {}
        if region and region != "us-east-1":  # AWS refuses a LocationConstraint of us-east-1
            options["CreateBucketConfiguration"] = {"LocationConstraint": region}
        with contextlib.suppress(self.client.exceptions.BucketAlreadyOwnedByYou):
            self.client.create_bucket(Bucket=self.bucket, **options)


def _status(error) -> int | None:
    return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")


def _is_missing_object(error) -> bool:
    """GetObject answers "NoSuchKey"; HeadObject has no body, so botocore reports its bare status "404".

    A GetObject on a missing bucket ("NoSuchBucket") is deliberately not a missing file. HeadObject
    cannot tell the two apart, so `exists` is False in a missing bucket; `get` and `put` then say why.
    """
    return error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound")


def storage_from_config(config: Mapping) -> Storage:
    """The backend a configuration asks for.

    STORAGE_BACKEND: "local" (the default) with STORAGE_LOCAL_ROOT, or "s3" with S3_BUCKET and
    optionally S3_ENDPOINT_URL, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY. A missing or
    unknown setting is refused here, at start-up, rather than at the first upload.
    """
    backend = config.get("STORAGE_BACKEND") or "local"
    if backend == "local":
        root = config.get("STORAGE_LOCAL_ROOT")
        if not root:
            raise ValueError("STORAGE_BACKEND is 'local' but STORAGE_LOCAL_ROOT is not set")
        return LocalStorage(Path(root))
    if backend == "s3":
        bucket = config.get("S3_BUCKET")
        if not bucket:
            raise ValueError("STORAGE_BACKEND is 's3' but S3_BUCKET is not set")
        return S3Storage(
            bucket,
            endpoint_url=config.get("S3_ENDPOINT_URL"),
            region=config.get("S3_REGION"),
            access_key=config.get("S3_ACCESS_KEY_ID"),
            secret_key=config.get("S3_SECRET_ACCESS_KEY"),
        )
    raise ValueError(f"unknown STORAGE_BACKEND {backend!r}: expected 'local' or 's3'")


_create_lock = threading.Lock()


def get_storage() -> Storage:
    """The current Flask app's storage, made from its config on first use and then kept.

    Kept in `app.extensions["storage"]`, so each app (and each test's app) has its own, and an
    S3 client (thread-safe, with its connection pool) is made once, not per request. The lock
    keeps two threads of a fresh app from making two.
    """
    app = current_app._get_current_object()
    storage = app.extensions.get("storage")
    if storage is None:
        with _create_lock:
            storage = app.extensions.get("storage")
            if storage is None:
                storage = app.extensions["storage"] = storage_from_config(app.config)
    return storage
