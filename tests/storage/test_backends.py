"""The storage contract, on both backends: a directory on disk and a real S3 server (SeaweedFS).

Every test taking `storage` runs twice, [local] and [s3]; what only one backend promises (the
file layout on disk, the content type on S3) is tested on that backend alone.
"""
from __future__ import annotations

import os
import socket

import pytest
from flask import Flask

from app.storage import (
    LocalStorage,
    S3Storage,
    Storage,
    StoredFileMissing,
    get_storage,
    storage_from_config,
    valid_key,
)
from tests.storage import fixtures, seaweed

BINARY = bytes(range(256)) * 3 + b"\x00\r\n\x1a\xff"  # every byte value, NUL, CR LF, ^Z
INVALID_KEYS = [
    "../x", "/abs", "a/../b", "", "a b", "k" * 300,
    "a//b", "a/./b", "a/", ".", "..", "a\\b", "a\x00b", "ключ.pdf", "a?b", "%2e%2e/x",
]


def test_both_backends_are_storages(storage):
    assert isinstance(storage, Storage)


def test_put_then_get_gives_back_the_same_bytes(storage):
    storage.put("applications/2026/1/evidence.bin", BINARY, content_type="application/octet-stream")
    assert storage.get("applications/2026/1/evidence.bin") == BINARY


def test_a_six_megabyte_file_comes_back_whole(storage):
    # Larger than SeaweedFS's 4 MB chunk size, so it is stored as several chunks and joined again.
    data = os.urandom(6 * 1024 * 1024)
    storage.put("scans/big.pdf", data, content_type="application/pdf")
    assert storage.get("scans/big.pdf") == data


def test_an_empty_file_is_a_file(storage):
    storage.put("empty.txt", b"", content_type="text/plain")
    assert storage.exists("empty.txt")
    assert storage.get("empty.txt") == b""


def test_get_of_a_missing_key_raises_stored_file_missing(storage):
    with pytest.raises(StoredFileMissing) as raised:
        storage.get("never/stored.pdf")
    assert raised.value.key == "never/stored.pdf"


def test_a_prefix_of_stored_keys_is_not_a_file(storage):
    storage.put("folder/inner.pdf", b"%PDF-", content_type="application/pdf")
    assert not storage.exists("folder")
    with pytest.raises(StoredFileMissing):
        storage.get("folder")
    storage.delete("folder")  # nothing stored there: nothing to do, and the file below stays
    assert storage.get("folder/inner.pdf") == b"%PDF-"


def test_exists_before_and_after_put_and_delete(storage):
    assert not storage.exists("photo.jpg")
    storage.put("photo.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    assert storage.exists("photo.jpg")
    storage.delete("photo.jpg")
    assert not storage.exists("photo.jpg")
    with pytest.raises(StoredFileMissing):
        storage.get("photo.jpg")


def test_delete_is_idempotent(storage):
    storage.delete("never/stored.pdf")  # a missing key is fine
    storage.put("once.pdf", b"x", content_type="application/pdf")
    storage.delete("once.pdf")
    storage.delete("once.pdf")  # and so is deleting twice
    assert not storage.exists("once.pdf")


def test_delete_removes_only_its_own_key(storage):
    storage.put("a/1.pdf", b"1", content_type="application/pdf")
    storage.put("a/2.pdf", b"2", content_type="application/pdf")
    storage.delete("a/1.pdf")
    assert storage.get("a/2.pdf") == b"2"


def test_overwrite_replaces_the_content(storage):
    storage.put("doc.pdf", b"a much longer first version", content_type="application/pdf")
    storage.put("doc.pdf", b"short", content_type="application/pdf")
    assert storage.get("doc.pdf") == b"short"  # replaced, not written over the old bytes


@pytest.mark.parametrize("key", INVALID_KEYS, ids=repr)
def test_invalid_keys_are_refused_by_every_operation(storage, key):
    for operation in (lambda: storage.put(key, b"x", content_type="text/plain"), lambda: storage.get(key),
                      lambda: storage.delete(key), lambda: storage.exists(key)):
        with pytest.raises(ValueError):
            operation()


def test_the_longest_allowed_key_works(storage):
    key = "k/" * 50 + "x" * 99 + "."  # 200 characters
    assert len(key) == 200
    storage.put(key, b"x", content_type="text/plain")
    assert storage.get(key) == b"x"


@pytest.mark.parametrize("key", ["a", "A-Z_0-9.pdf", "applications/2026/0001/evidence-1.jpg", ".hidden",
                                 "x" * 200])
def test_valid_key_returns_the_key(key):
    assert valid_key(key) == key


@pytest.mark.parametrize("key", INVALID_KEYS + [None, b"bytes", 12], ids=repr)
def test_valid_key_refuses(key):
    with pytest.raises(ValueError):
        valid_key(key)


# --- local backend only -------------------------------------------------------------------------


def test_local_files_live_under_root_by_key(tmp_path):
    storage = LocalStorage(tmp_path / "root")
    storage.put("a/b/c.txt", b"hello", content_type="text/plain")
    assert (tmp_path / "root" / "a" / "b" / "c.txt").read_bytes() == b"hello"
    assert [p.name for p in (tmp_path / "root" / "a" / "b").iterdir()] == ["c.txt"]  # no temp file left


def test_local_failed_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path, monkeypatch):
    storage = LocalStorage(tmp_path)
    storage.put("doc.pdf", b"old", content_type="application/pdf")

    def failing_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        storage.put("doc.pdf", b"new", content_type="application/pdf")
    monkeypatch.undo()
    assert storage.get("doc.pdf") == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.pdf"]


def test_local_files_are_private_to_the_portal_user(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.put("doc.pdf", b"x", content_type="application/pdf")
    assert (tmp_path / "doc.pdf").stat().st_mode & 0o077 == 0


# --- S3 backend only ----------------------------------------------------------------------------


def test_s3_keeps_the_content_type(s3_server, s3_bucket):
    storage = s3_server.s3_storage(s3_bucket)
    storage.put("scan.pdf", b"%PDF-1.7", content_type="application/pdf")
    storage.put("photo.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    client = s3_server.client()
    assert client.head_object(Bucket=s3_bucket, Key="scan.pdf")["ContentType"] == "application/pdf"
    assert client.head_object(Bucket=s3_bucket, Key="photo.jpg")["ContentType"] == "image/jpeg"


def test_s3_objects_are_stored_under_the_key_itself(s3_server, s3_bucket):
    storage = s3_server.s3_storage(s3_bucket)
    storage.put("a/b/c.txt", b"hello", content_type="text/plain")
    listed = s3_server.client().list_objects_v2(Bucket=s3_bucket)
    assert [item["Key"] for item in listed["Contents"]] == ["a/b/c.txt"]


def test_s3_a_missing_bucket_is_an_error_not_a_missing_file(s3_server):
    storage = S3Storage("no-such-bucket-here", endpoint_url=s3_server.endpoint_url,
                        access_key=s3_server.access_key, secret_key=s3_server.secret_key)
    with pytest.raises(Exception) as raised:
        storage.get("anything")
    assert not isinstance(raised.value, StoredFileMissing)


def test_s3_wrong_credentials_are_refused(s3_server, s3_bucket):
    s3_server.s3_storage(s3_bucket).put("doc.pdf", b"x", content_type="application/pdf")
    intruder = S3Storage(s3_bucket, endpoint_url=s3_server.endpoint_url, access_key=s3_server.access_key,
                         secret_key="not-the-secret")
    with pytest.raises(Exception, match="SignatureDoesNotMatch"):
        intruder.get("doc.pdf")


def test_ensure_bucket_is_idempotent(s3_server, s3_bucket):
    storage = s3_server.s3_storage(s3_bucket)
    storage.ensure_bucket()
    storage.put("k", b"v", content_type="text/plain")
    storage.ensure_bucket()
    assert storage.get("k") == b"v"


# --- configuration ------------------------------------------------------------------------------


def test_config_local_is_the_default(tmp_path):
    storage = storage_from_config({"STORAGE_LOCAL_ROOT": str(tmp_path)})
    assert isinstance(storage, LocalStorage)
    assert storage.root == tmp_path
    explicit = storage_from_config({"STORAGE_BACKEND": "local", "STORAGE_LOCAL_ROOT": str(tmp_path)})
    assert isinstance(explicit, LocalStorage)


def test_config_local_needs_a_root():
    with pytest.raises(ValueError, match="STORAGE_LOCAL_ROOT"):
        storage_from_config({"STORAGE_BACKEND": "local"})


def test_config_s3_builds_a_path_style_client_with_retries():
    storage = storage_from_config({
        "STORAGE_BACKEND": "s3", "S3_BUCKET": "portal-files", "S3_ENDPOINT_URL": "http://seaweed:8333",
        "S3_REGION": "cn-north-1", "S3_ACCESS_KEY_ID": "id", "S3_SECRET_ACCESS_KEY": "secret",
    })
    assert isinstance(storage, S3Storage)
    assert storage.bucket == "portal-files"
    meta = storage.client.meta
    assert meta.endpoint_url == "http://seaweed:8333"
    assert meta.region_name == "cn-north-1"
    assert meta.config.s3["addressing_style"] == "path"
    # botocore's max_attempts counts retries; it reports total_max_attempts, the first try included.
    assert meta.config.retries == {"total_max_attempts": 4, "mode": "standard"}


def test_config_s3_needs_a_bucket():
    with pytest.raises(ValueError, match="S3_BUCKET"):
        storage_from_config({"STORAGE_BACKEND": "s3"})


def test_config_rejects_an_unknown_backend():
    with pytest.raises(ValueError, match=r"unknown STORAGE_BACKEND 'ftp'.*'local' or 's3'"):
        storage_from_config({"STORAGE_BACKEND": "ftp", "STORAGE_LOCAL_ROOT": "/tmp"})


def test_config_s3_talks_to_the_server(s3_server, s3_bucket):
    s3_server.s3_storage(s3_bucket)  # the bucket exists, as it would in production
    storage = storage_from_config({
        "STORAGE_BACKEND": "s3", "S3_BUCKET": s3_bucket, "S3_ENDPOINT_URL": s3_server.endpoint_url,
        "S3_ACCESS_KEY_ID": s3_server.access_key, "S3_SECRET_ACCESS_KEY": s3_server.secret_key,
    })
    storage.put("from-config.txt", b"ok", content_type="text/plain")
    assert storage.get("from-config.txt") == b"ok"


def test_get_storage_is_made_once_per_app(tmp_path):
    first, second = Flask("first"), Flask("second")
    first.config["STORAGE_LOCAL_ROOT"] = str(tmp_path / "first")
    second.config["STORAGE_LOCAL_ROOT"] = str(tmp_path / "second")
    with first.app_context():
        storage = get_storage()
        assert get_storage() is storage
        assert first.extensions["storage"] is storage
    with second.app_context():
        assert get_storage() is not storage
        assert get_storage().root == tmp_path / "second"
    with first.app_context():
        assert get_storage() is storage


# --- the test server's own failure handling ---------------------------------------------------


def test_without_weed_the_server_is_unavailable(monkeypatch):
    monkeypatch.setattr(seaweed, "find_weed", lambda: None)
    with pytest.raises(seaweed.SeaweedUnavailable, match="no weed binary"), seaweed.seaweed_s3():
        pass


def test_a_weed_that_does_not_start_is_reported_with_its_log(monkeypatch, tmp_path):
    fake = tmp_path / "weed"
    fake.write_text("#!/bin/sh\necho 'F1201 master.go:212 Master startup error: disk on fire'\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(seaweed, "find_weed", lambda: str(fake))
    with pytest.raises(seaweed.SeaweedUnavailable) as raised, seaweed.seaweed_s3():
        pass
    assert "exited with status 3" in str(raised.value)
    assert "disk on fire" in str(raised.value)  # the log's tail is in the message


def test_an_unavailable_server_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        seaweed.unavailable("no weed")


@pytest.mark.parametrize("ci", [None, "false", "1"])
def test_an_unavailable_server_skips_elsewhere_with_a_notice(monkeypatch, capsys, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.warns(seaweed.SeaweedSkipped), pytest.raises(pytest.skip.Exception, match="no weed"):
        seaweed.unavailable("no weed")
    assert "NOTICE: SeaweedFS S3 server did not start" in capsys.readouterr().err


def test_a_port_taken_between_picking_and_binding_is_retried_with_other_ports(monkeypatch):
    # What two xdist workers starting at the same moment may do to each other.
    real_pick_ports = seaweed.pick_ports
    taken = real_pick_ports(1)[0]
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", taken))
        squatter.listen()
        picks = iter([[taken, *real_pick_ports(3)]])
        monkeypatch.setattr(seaweed, "pick_ports", lambda count: next(picks, None) or real_pick_ports(count))
        with seaweed.seaweed_s3() as server:
            assert server.ports["master"] != taken
            assert "address already in use" in (server.workdir / "weed-1.log").read_text()
            assert server.s3_storage(fixtures.fresh_bucket_name()).exists("nothing") is False
