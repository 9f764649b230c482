"""Static files under names that change with their content: every `url_for('static', …)`
gets `?v=<hash of the file>`, and a versioned URL may be cached for a year (a new release
gives new URLs). Unversioned static URLs keep Flask's default (revalidated)."""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from flask import Flask, request

ONE_YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    root = Path(app.static_folder)

    @functools.lru_cache(maxsize=256)
    def version(filename: str) -> str | None:
        path = (root / filename).resolve()
        if root.resolve() not in path.parents or not path.is_file():
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]

    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            tag = version(values["filename"])
            if tag:
                values["v"] = tag

    @app.after_request
    def cache_versioned(response):
        versioned = request.endpoint == "static" and request.args.get("v")
        if versioned and response.status_code == 200 and versioned == version(request.view_args.get("filename", "")):
            response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        return response
