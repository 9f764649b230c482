"""The production configuration for the tests that run it for real (tests/cluster and the HTTPS
browser test): its environment, on the test's database, a private Redis and a private S3 store,
and a self-signed certificate for https://127.0.0.1."""
from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

from tests.storage.seaweed import SeaweedS3


def production_env(*, database_uri: str, redis_url: str, s3: SeaweedS3, bucket: str, public_base_url: str,
                   tmp: Path, secret_key: str | None = None, signing_keys: str | None = None) -> dict[str, str]:
    """PORTAL_CONFIG=production with every setting it requires. `redis_url` is the private
    Redis: database 0 is the broker, 1 the rate limiter's counters. Messages go to the test
    gateway (up: its "down" file is never made)."""
    redis = redis_url.rsplit("/", 1)[0]
    return {
        "PORTAL_CONFIG": "production",
        "SECRET_KEY": secret_key or secrets.token_hex(32),
        "SIGNING_KEYS": signing_keys or f"k1:{secrets.token_hex(32)}",
        "DATABASE_URL": database_uri,
        "BROKER_URL": f"{redis}/0",
        "RATELIMIT_STORAGE_URI": f"{redis}/1",
        "PUBLIC_BASE_URL": public_base_url,
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": s3.endpoint_url,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": s3.access_key,
        "S3_SECRET_ACCESS_KEY": s3.secret_key,
        "NOTIFY_SENDER": "tests.jobs.flaky_gateway:factory",
        "FLAKY_GATEWAY_DOWN": str(tmp / "gateway-down-never-created"),
        "FLAKY_GATEWAY_LOG": str(tmp / "gateway.log"),
        "ALLOW_SIMULATED_REGISTRIES": "1",
        "PYTHONUNBUFFERED": "1",
        # Nothing from the test process's own environment decides these.
        "JOBS_MODE": "", "PROXY_HOPS": "0", "RATELIMIT_ENABLED": "1",
    }


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """(certificate, key) for CN=127.0.0.1 with the IP as subjectAltName (what clients check)."""
    cert, key = directory / "portal.crt", directory / "portal.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key
