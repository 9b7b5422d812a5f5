"""Minimal threaded HTTP/1.1 plumbing shared by the API server and the log-blob server.

HTTP/1.1 with keep-alive matters: `requests`/PyGithub reuse connections, and a fake that only
spoke HTTP/1.0 would hide connection-reuse bugs. Bodies are sent with Content-Length, or
chunked when they are iterables (log streams of unknown, possibly huge, size).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class RawRequest:
    method: str
    raw_path: str  # still percent-encoded
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b""


App = Callable[[RawRequest], RawResponse]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    app: App  # set on the per-server subclass
    busy: BusyTime

    def version_string(self) -> str:
        return "GitHub.com"

    def log_message(self, format: str, *args: object) -> None:
        return  # keep test output clean; every request is recorded by the app instead

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        split = urlsplit(self.path)
        request = RawRequest(
            method=self.command,
            raw_path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=self._read_body(),
        )
        started = time.perf_counter()
        response = type(self).app(request)
        type(self).busy.add(time.perf_counter() - started)
        try:
            self._send(response)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client stopped reading (e.g. a capped log reader)

    def _send(self, response: RawResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        body = response.body
        if isinstance(body, bytes | bytearray):
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD" and body:
                self.wfile.write(body)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in body:
            if chunk:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _handle


class _ThreadingServer(ThreadingHTTPServer):
    # The default backlog of 5 makes bursts of concurrent clients wait for SYN retries (1 s).
    request_queue_size = 128


class BusyTime:
    """Seconds the fake spent producing answers (not streaming them), so benchmarks can
    report the bot's own wall time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.seconds = 0.0

    def add(self, seconds: float) -> None:
        with self._lock:
            self.seconds += seconds


class Server:
    """A ThreadingHTTPServer on 127.0.0.1:<ephemeral> running in a daemon thread."""

    def __init__(self, app: App, name: str) -> None:
        self.busy = BusyTime()
        handler = type(f"{name}Handler", (_Handler,), {"app": staticmethod(app), "busy": self.busy})
        self._httpd = _ThreadingServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True  # a parked (blocked) request must not delay shutdown
        # A short poll interval keeps shutdown (every fixture teardown) fast.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name=name, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
