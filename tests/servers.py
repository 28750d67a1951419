"""Real gunicorn workers on a test database, for the tests and benchmarks that need several processes."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(
    database_url: str,
    log_dir: Path,
    workers: int = 2,
    options: tuple[str, ...] = (),
    **settings: str,
) -> Iterator[str]:
    """Serve ``wsgi:app`` on ``database_url`` until the block ends; yields the base URL.

    ``settings`` become environment variables of the server (``REDIS_URL=...``). Its
    error log is ``log_dir/gunicorn.log``; the access log, one ``pid method path status``
    line per request, is ``log_dir/access.log``.
    """
    port = free_port()
    env = {
        **os.environ,
        "LOBBY_ENV": "development",
        "SECRET_KEY": "gunicorn-test",
        "DATABASE_URL": database_url,
        **settings,
    }
    log = log_dir / "gunicorn.log"
    with log.open("wb") as errors:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                *("--workers", str(workers)),
                *("--bind", f"127.0.0.1:{port}"),
                *("--access-logfile", str(log_dir / "access.log")),
                *("--access-logformat", "%(p)s %(m)s %(U)s %(s)s"),
                *("--graceful-timeout", "5"),  # a busy machine must not hold the test up for 30 s
                *options,
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass  # still booting
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()  # its workers notice their master is gone and exit on their own
            process.wait(timeout=15)


def csrf(session: requests.Session, url: str) -> str:
    """The CSRF token of the form on the page at ``url``, as a browser would send it back."""
    page = session.get(url, timeout=30).text
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def sign_in_guest(session: requests.Session, base: str, room: str = "204", surname: str = "Garcia"):
    """Sign ``session`` in as a guest through the real form; the answer is a 302 when it worked."""
    return session.post(
        f"{base}/signin",
        data={
            "csrf_token": csrf(session, f"{base}/signin"),
            "method": "room",
            "room-room": room,
            "room-surname": surname,
        },
        allow_redirects=False,
        timeout=30,
    )
