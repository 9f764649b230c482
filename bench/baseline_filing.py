"""The bare baseline for filing (ARCHITECTURE.md §5): Flask + SQLAlchemy inserting one row and
one event in one transaction, nothing else. Served by the same gunicorn as the portal, so the
portal's filing figures can be read as a share of what the framework alone does here.

    DATABASE_URL=... gunicorn bench.baseline_filing:app
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets

from flask import Flask, jsonify, request
from sqlalchemy import JSON, Column, ForeignKey, Integer, MetaData, String, Table, create_engine, insert

metadata = MetaData()
applications = Table("baseline_applications", metadata, Column("id", Integer, primary_key=True),
                     Column("token", String(64)), Column("data", JSON))
events = Table("baseline_events", metadata, Column("id", Integer, primary_key=True),
               Column("application_id", ForeignKey("baseline_applications.id")), Column("hash", String(64)))

engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
app = Flask(__name__)


def create_tables() -> None:
    metadata.create_all(engine)


@app.post("/file")
def file():
    data = request.get_json()
    with engine.begin() as connection:
        application_id = connection.execute(
            insert(applications).values(token=secrets.token_urlsafe(24), data=data)).inserted_primary_key[0]
        digest = hashlib.sha256(json.dumps([application_id, data], sort_keys=True).encode()).hexdigest()
        connection.execute(insert(events).values(application_id=application_id, hash=digest))
    return jsonify({"id": application_id}), 201
