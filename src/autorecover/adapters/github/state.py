"""The ledger's storage: `ledger.json` on the bot-owned branch `autorecover/state`
(constants.STATE_BRANCH).

Writes are compare-and-swap: the contents API replaces the file only when the caller names
the blob it read (409 otherwise), so two runs updating at once never lose an update; the
loser re-reads and re-applies its updates (ledger.py). The branch is created once as an
orphan (only the ledger on it, no project files, so nothing runs on it).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

from autorecover.adapters.github.client import GitHub
from autorecover.adapters.github.errors import (
    Conflict,
    GitHubError,
    NotFound,
    Uncertain,
    Unprocessable,
)
from autorecover.constants import LEDGER_PATH, STATE_BRANCH
from autorecover.core import ledger as ledgerlib
from autorecover.core.ledger import Ledger, Update

MAX_ATTEMPTS = 5


class StateStore:
    def __init__(self, client: GitHub) -> None:
        self.client = client
        self.writes = 0
        self.damaged = False  # the last read found a ledger that did not validate

    def read(self) -> tuple[Ledger, str | None]:
        """The stored ledger and its blob sha (None when there is none yet)."""
        path = f"{self.client.repo_path}/contents/{LEDGER_PATH}"
        try:
            response = self.client.request("GET", path, params={"ref": STATE_BRANCH})
        except NotFound:
            return ledgerlib.empty(), None
        data = response.data if isinstance(response.data, dict) else {}
        text = base64.b64decode(data.get("content") or "").decode("utf-8", "replace")
        ledger = ledgerlib.loads(text)
        self.damaged = ledgerlib.replaced_damaged(text, ledger)
        return ledger, str(data.get("sha") or "") or None

    def update(
        self, run_key: str, updates: Iterable[Update], current: tuple[Ledger, str | None]
    ) -> tuple[Ledger, str | None]:
        """Apply `updates` (once per run key) and store the result, retrying on conflicts;
        returns the stored ledger and its blob sha."""
        updates = list(updates)
        stored, sha = current
        for _ in range(MAX_ATTEMPTS):
            new = ledgerlib.apply_once(stored, run_key, updates)
            if new == stored:
                return stored, sha
            try:
                return new, self._write(new, sha, run_key)
            except _Conflict:
                stored, sha = self.read()
            except Uncertain:
                stored, sha = self.read()
                if run_key in stored.get("runs", []):
                    return stored, sha  # the write went through after all
        raise GitHubError(
            f"the ledger on branch {STATE_BRANCH} kept changing under us; "
            f"gave up after {MAX_ATTEMPTS} attempts"
        )

    def _write(self, ledger: Ledger, sha: str | None, run_key: str) -> str | None:
        if sha is None and not self._branch_exists():
            return self._create_branch(ledger, run_key)
        body = {
            "message": f"autorecover: record {run_key}",
            "content": base64.b64encode(ledgerlib.dumps(ledger).encode()).decode("ascii"),
            "branch": STATE_BRANCH,
        }
        if sha:
            body["sha"] = sha
        try:
            response = self.client.request(
                "PUT", f"{self.client.repo_path}/contents/{LEDGER_PATH}", body=body
            )
        except (Conflict, Unprocessable):  # someone wrote first (stale sha, or file now exists)
            raise _Conflict from None
        self.writes += 1
        content = response.data.get("content") if isinstance(response.data, dict) else None
        return str(content.get("sha")) if isinstance(content, dict) else None

    def _branch_exists(self) -> bool:
        try:
            self.client.request("GET", f"{self.client.repo_path}/git/ref/heads/{STATE_BRANCH}")
        except NotFound:
            return False
        return True

    def _create_branch(self, ledger: Ledger, run_key: str) -> str:
        """An orphan commit holding only the ledger (git data API), then the ref."""
        repo = self.client.repo_path
        content = base64.b64encode(ledgerlib.dumps(ledger).encode()).decode("ascii")
        blob = self.client.request(
            "POST", f"{repo}/git/blobs", body={"content": content, "encoding": "base64"}
        ).data["sha"]
        tree = self.client.request(
            "POST",
            f"{repo}/git/trees",
            body={"tree": [{"path": LEDGER_PATH, "mode": "100644", "type": "blob", "sha": blob}]},
        ).data["sha"]
        commit = self.client.request(
            "POST",
            f"{repo}/git/commits",
            body={"message": f"autorecover: ledger ({run_key})", "tree": tree, "parents": []},
        ).data["sha"]
        try:
            self.client.request(
                "POST",
                f"{repo}/git/refs",
                body={"ref": f"refs/heads/{STATE_BRANCH}", "sha": commit},
            )
        except Unprocessable:  # another run created the branch first
            raise _Conflict from None
        self.writes += 1
        return str(blob)


class _Conflict(Exception):
    pass
