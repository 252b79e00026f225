"""Real HTTP receivers for delivery tests: a thread serving on 127.0.0.1:<free port>, answering from a script.

Each request takes the next step of the script (the last step repeats): answer with a status, headers and
body; drop the connection without answering; or stall past the client's timeout. Every request is
recorded (path, headers, body, time) so tests can check what arrived and verify signatures.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Step:
    action: str = "answer"  # "answer" | "drop" | "stall"
    status: int = 200
    body: bytes = b'{"ok":true}'
    headers: dict[str, str] = field(default_factory=dict)
    stall_s: float = 0.0

    @classmethod
    def answer(cls, status: int, body: Any = None, headers: dict[str, str] | None = None) -> Step:
        raw = body if isinstance(body, bytes) else json.dumps(body if body is not None else {}).encode()
        return cls("answer", status, raw, headers or {})

    @classmethod
    def drop(cls) -> Step:
        return cls("drop")

    @classmethod
    def stall(cls, seconds: float) -> Step:
        return cls("stall", stall_s=seconds)


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    def __init__(self, script: list[Step]) -> None:
        self.script = list(script) or [Step()]
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                step = receiver._record(self.path, dict(self.headers.items()), body)
                if step.action == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if step.action == "stall":
                    time.sleep(step.stall_s)
                    self.close_connection = True
                    return
                self.send_response(step.status)
                for name, value in step.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(step.body)))
                self.end_headers()
                self.wfile.write(step.body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _record(self, path: str, headers: dict[str, str], body: bytes) -> Step:
        with self._lock:
            index = len(self.requests)
            self.requests.append(Received(path, headers, body, time.monotonic()))
            return self.script[min(index, len(self.script) - 1)]

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def closed_port_url() -> str:
    """A URL on which nothing listens (the port was just freed): connection refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"
