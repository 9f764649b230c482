"""`flask serve` — the embedded set-up of `make run` — with the portal's clock set.

    python -m tests.jobs.serve_with_clock START_ISO --port N

The portal's clock (`app.timeutil.now`, the only place it reads the wall clock) starts at START
and runs on in real time; everything else is the real command: a development config, no broker,
the web server and the background thread that runs the jobs and the SLA sweep.
"""
from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta

from app import timeutil


def main(argv: list[str]) -> None:
    start, began = datetime.fromisoformat(argv[0]), time.monotonic()
    timeutil.now = lambda: (start + timedelta(seconds=time.monotonic() - began)).astimezone(timeutil.UTC)

    from app import create_app
    from app.cli import serve_command

    app = create_app()
    with app.app_context():
        serve_command.main(argv[1:], prog_name="flask serve", standalone_mode=False)


if __name__ == "__main__":
    main(sys.argv[1:])
