"""Files of the repository at a ref, read through the contents API: the config file and the
repository's own templates, always from the default branch (docs/security.md#s7)."""

from __future__ import annotations

import base64

from autorecover.adapters.github.client import GitHub
from autorecover.adapters.github.errors import GitHubError, NotFound


def get_text_file(client: GitHub, path: str, ref: str) -> str | None:
    """A file of the repository at `ref`, or None if absent."""
    try:
        response = client.request("GET", f"{client.repo_path}/contents/{path}", params={"ref": ref})
    except NotFound:
        return None
    data = response.data
    if not isinstance(data, dict) or data.get("type") != "file":
        raise GitHubError(f"{path} on {ref} is not a file")
    return base64.b64decode(data.get("content") or "").decode("utf-8", "replace")
