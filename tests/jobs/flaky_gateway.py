"""An SMS/e-mail gateway for the worker tests (`NOTIFY_SENDER=tests.jobs.flaky_gateway:factory`):
down while the file named by FLAKY_GATEWAY_DOWN exists, otherwise it appends each message it is
given to FLAKY_GATEWAY_LOG, one line each."""
from __future__ import annotations

import json
import os
from pathlib import Path


class FlakyGateway:
    def __init__(self, down: Path, log: Path):
        self.down, self.log = down, log

    def send(self, message) -> None:
        if self.down.exists():
            raise ConnectionError("gateway down")
        with self.log.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"id": message.id, "channel": message.channel}) + "\n")


def factory(config) -> FlakyGateway:
    return FlakyGateway(Path(os.environ["FLAKY_GATEWAY_DOWN"]), Path(os.environ["FLAKY_GATEWAY_LOG"]))
