"""The bare baseline for uploads (ARCHITECTURE.md §5): Flask receiving one multipart file and
writing its bytes to a file under a random name, nothing else (no checks, no database). Served
by the same gunicorn as the portal, so the portal's upload figures read as a share of it.

    UPLOAD_DIR=/tmp/x gunicorn bench.baseline_upload:app
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, jsonify, request

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 64 * 1024 * 1024
DIRECTORY = Path(os.environ.get("UPLOAD_DIR", "/tmp/baseline-uploads"))


@app.post("/upload")
def upload():
    data = request.files["file"].read()
    DIRECTORY.mkdir(parents=True, exist_ok=True)
    (DIRECTORY / f"{secrets.token_hex(16)}.bin").write_bytes(data)
    return jsonify({"size": len(data)}), 201
