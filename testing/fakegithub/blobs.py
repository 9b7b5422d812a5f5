"""The log-blob host: where `GET .../logs` redirects to.

On GitHub the 302 points at a signed, short-lived URL on another host
(`...?urlExpires=...&urlSigningMethod=HMACV1&urlSignature=...`, "This link expires after 1
minute"). Here it is a second server on another port, so a client that forwards its
`Authorization` header across the redirect is caught: every request's headers are recorded.
An expired URL answers 403 `{"count": 11, "value": "Uri expired"}` as observed in the wild.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
import threading
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from .httpd import RawRequest, RawResponse, Server
from .state import Job, LogSource

if TYPE_CHECKING:
    from .fake import FakeGitHub

CHUNK = 64 * 1024


@dataclass
class BlobRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int


def iter_source(source: LogSource | None) -> Iterator[bytes]:
    if source is None:
        return
    if isinstance(source, bytes | bytearray):
        for start in range(0, len(source), CHUNK):
            yield bytes(source[start : start + CHUNK])
        return
    yield from source()


def sanitize_entry_name(name: str) -> str:
    return "".join("_" if c in '/\\:<>|*?"' else c for c in name)


class BlobHost:
    def __init__(self, fake: FakeGitHub, ttl_seconds: int = 60) -> None:
        self.fake = fake
        self.ttl_seconds = ttl_seconds
        self.requests: list[BlobRequest] = []
        self._key = os.urandom(16)
        self._lock = threading.Lock()
        self._server = Server(self._app, "fakegithub-blobs")

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def busy_seconds(self) -> float:
        return self._server.busy.seconds

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def _sign(self, path: str, exp: int) -> str:
        return hmac.new(self._key, f"{path}\n{exp}".encode(), hashlib.sha256).hexdigest()[:32]

    def signed_url(self, kind: str, *ids: int) -> str:
        path = f"/{kind}/" + "/".join(str(i) for i in ids)
        exp = self.fake.state.clock.epoch() + self.ttl_seconds
        return f"{self.url}{path}?" + urlencode({"exp": exp, "sig": self._sign(path, exp)})

    def _app(self, request: RawRequest) -> RawResponse:
        response = self._serve(request)
        with self._lock:
            self.requests.append(
                BlobRequest(
                    request.method,
                    request.raw_path,
                    request.query,
                    request.headers,
                    response.status,
                )
            )
        return response

    def _serve(self, request: RawRequest) -> RawResponse:
        try:
            exp = int(request.query.get("exp", ["0"])[0])
        except ValueError:
            exp = 0
        sig = request.query.get("sig", [""])[0]
        if not hmac.compare_digest(sig, self._sign(request.raw_path, exp)):
            return _json(
                403, {"code": "AuthenticationFailed", "message": "Signature did not match"}
            )
        if self.fake.state.clock.epoch() > exp:
            return _json(403, {"count": 11, "value": "Uri expired"})
        kind, *ids = request.raw_path.strip("/").split("/")
        if kind == "job":
            with self.fake.state.lock:
                job = self.fake.state.jobs.get(int(ids[0]))
            if job is None:
                return _json(404, {"message": "BlobNotFound"})
            return RawResponse(
                200, {"Content-Type": "text/plain; charset=utf-8"}, self.job_log(job)
            )
        if kind == "run":
            return RawResponse(
                200, {"Content-Type": "application/zip"}, self.run_zip(int(ids[0]), int(ids[1]))
            )
        return _json(404, {"message": "BlobNotFound"})

    def job_log(self, job: Job) -> Iterable[bytes]:
        source = job.log if job.log is not None else self.fake.default_log(job)
        return iter_source(source)

    def run_zip(self, run_id: int, attempt_number: int) -> Iterable[bytes]:
        """`{index}_{job name}.txt` per job of the attempt (step files are often absent on GitHub
        too). Built in a spooled temp file so generator-backed logs never sit in memory."""
        with self.fake.state.lock:
            run = self.fake.state.runs[run_id]
            custom = run.logs_zip
            attempt = run.attempt(attempt_number)
            jobs = list(attempt.jobs) if attempt else []
        if custom is not None:
            return iter_source(custom)
        # Closed by _drain once the response is fully sent.
        spool = tempfile.SpooledTemporaryFile(max_size=16 << 20)  # noqa: SIM115
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for index, job in enumerate(jobs):
                with archive.open(
                    f"{index}_{sanitize_entry_name(job.name)}.txt", "w", force_zip64=True
                ) as entry:
                    for chunk in self.job_log(job):
                        entry.write(chunk)
        spool.seek(0)
        return _drain(spool)


def _drain(spool: tempfile.SpooledTemporaryFile[bytes]) -> Iterator[bytes]:
    with spool:
        while chunk := spool.read(CHUNK):
            yield chunk


def _json(status: int, body: object) -> RawResponse:
    return RawResponse(
        status, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(body).encode()
    )
