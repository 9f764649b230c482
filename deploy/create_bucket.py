"""Create the portal's bucket in the object store of deploy/compose.yaml if it is not there yet.

The one-shot `objectstore-init` service of compose.yaml runs it (`python deploy/create_bucket.py`)
before the portal starts, with the portal's own settings (S3_BUCKET, S3_ENDPOINT_URL, S3_REGION,
S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY from portal.env). Running it again changes nothing.

It waits for a store that is still starting (no answer, or a 5xx: SeaweedFS answers before its
volume server has registered) for up to `--wait` seconds, and stops at once on a refusal (a 4xx:
wrong keys, a bucket name that another account owns), which waiting would not cure.

Where the bucket belongs to someone else (a cloud provider, the province's store), its owner
creates it with its policy and lifecycle; this script is for the compose set-up only.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.storage import S3Storage, storage_from_config  # noqa: E402
from config import Config  # noqa: E402


def settings_from_environment() -> dict:
    """The settings as the portal reads them (config.Config reads the environment at import)."""
    return {name: getattr(Config, name) for name in dir(Config) if name.isupper()}


def _refused(error: Exception) -> bool:
    """A 4xx from the store: a configuration fault, not a store that is still starting."""
    response = getattr(error, "response", None) or {}
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return isinstance(status, int) and 400 <= status < 500


def ensure_bucket(config: Mapping, *, wait_seconds: float = 120.0, pause_seconds: float = 2.0) -> S3Storage:
    storage = storage_from_config(config)
    if not isinstance(storage, S3Storage):
        raise SystemExit("STORAGE_BACKEND is not 's3': there is no bucket to create")
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            storage.ensure_bucket()
            return storage
        except Exception as error:
            if _refused(error) or time.monotonic() >= deadline:
                raise SystemExit(f"cannot create bucket {storage.bucket!r} at "
                                 f"{storage.client.meta.endpoint_url}: {type(error).__name__}: {error}") from error
            time.sleep(pause_seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wait", type=float, default=120.0, help="seconds to wait for the store (default 120)")
    args = parser.parse_args(argv)
    storage = ensure_bucket(settings_from_environment(), wait_seconds=args.wait)
    print(f"bucket {storage.bucket!r} ready at {storage.client.meta.endpoint_url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
