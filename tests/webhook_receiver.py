"""A real HTTP receiver for webhook deliveries, on a free port, that can be told to fail.

It keeps every request it got (headers and raw body), verifies nothing itself (the
tests check the signature with the README's own snippet), and answers as told: 200,
another status, slower than the sender waits, or not at all (its port closed).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.servers import free_port


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict:
        return json.loads(self.body)


class Receiver:
    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[Received] = []
        self.status = 200
        self.delay = 0.0
        self.answer = "ok"
        self._lock = threading.Lock()
        # With ``wait_for_company`` the first request is held until a second one arrives alongside it
        # (at most a few seconds): proof that two senders were at work at the same moment.
        self.wait_for_company = False
        self.most_at_once = 0
        self._in_flight = 0
        self._company = threading.Condition()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/lobby"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.received.append(Received(self.path, dict(self.headers.items()), body))
                    status, delay, answer = receiver.status, receiver.delay, receiver.answer
                with receiver._company:
                    receiver._in_flight += 1
                    receiver.most_at_once = max(receiver.most_at_once, receiver._in_flight)
                    receiver._company.notify_all()
                    if receiver.wait_for_company:
                        receiver._company.wait_for(lambda: receiver.most_at_once >= 2, timeout=5)
                try:
                    if delay:
                        time.sleep(delay)
                finally:
                    with receiver._company:
                        receiver._in_flight -= 1
                payload = answer.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain; charset=utf-8")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the sender gave up waiting

            def log_message(self, *_args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._server = server

    def stop(self) -> None:
        """Close the port: connections are refused until :meth:`start` again."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def fail_with(self, status: int, answer: str = "not today") -> None:
        self.status, self.answer, self.delay = status, answer, 0.0

    def hang(self, seconds: float) -> None:
        self.delay = seconds

    def recover(self) -> None:
        self.status, self.answer, self.delay = 200, "ok", 0.0
        if self._server is None:
            self.start()

    def events(self) -> list[dict]:
        with self._lock:
            return [item.event for item in self.received]


README = Path(__file__).resolve().parent.parent / "README.md"
SNIPPET_MARK = "<!-- webhook-verify"


def readme_verify():
    """The ``verify`` function of the README's webhook snippet, run from the README's own text."""
    text = README.read_text(encoding="utf-8")
    after_mark = text[text.index(SNIPPET_MARK) :]
    code = after_mark.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(code, "README.md (webhook snippet)", "exec"), namespace)
    return namespace["verify"]
