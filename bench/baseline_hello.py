"""The bare baseline for page speed: Flask answering a short HTML "hello", nothing else (no
database, no templates, no extensions). Served by the same gunicorn as the portal
(`bench.bench_filing.serve`: 2 sync workers, loopback, `--log-level warning`), so that the
portal's pages can be read as a share of what the framework alone does on this machine.

    gunicorn -w 2 -b 127.0.0.1:8000 --log-level warning bench.baseline_hello:app
"""
from __future__ import annotations

from flask import Flask

HELLO = ('<!doctype html>\n<html lang="zh"><head><meta charset="utf-8"><title>警务通办</title></head>'
         "<body><p>hello</p></body></html>\n")

app = Flask(__name__)


@app.get("/")
def hello():
    return HELLO, 200, {"Content-Type": "text/html; charset=utf-8"}
