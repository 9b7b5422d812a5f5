"""The documentation pages: each is linked from README.md or docs/action.md, every
relative link points at a file, and the workflow in docs/github-app-token.md passes zizmor
the way examples/workflows/*.yml must."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from testing import ROOT

DOCS = ROOT / "docs"
PAGES = ("first-ten-minutes", "upgrading", "enterprise-server", "self-hosted-runners",
         "github-app-token", "cli")  # fmt: skip
_LINK_RE = re.compile(r"\]\(([^)#\s]+)(#[^)\s]*)?\)")


@pytest.mark.parametrize("page", PAGES)
def test_pages_are_linked_from_readme_and_action_md(page: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    action = (DOCS / "action.md").read_text(encoding="utf-8")
    assert f"(docs/{page}.md" in readme
    assert f"({page}.md" in action


@pytest.mark.parametrize("page", [*PAGES, "action"])
def test_relative_links_point_at_files(page: str) -> None:
    path = DOCS / f"{page}.md"
    for target, _ in _LINK_RE.findall(path.read_text(encoding="utf-8")):
        if "://" in target or target.startswith("mailto:"):
            continue
        assert (path.parent / target).exists(), f"{path.name} links to {target}"


def test_github_app_workflow_passes_zizmor_pedantic(tmp_path: Path) -> None:
    text = (DOCS / "github-app-token.md").read_text(encoding="utf-8")
    block = text.split("<!-- github-app-workflow:", 1)[1].split("```yaml\n", 1)[1]
    workflow = tmp_path / "autorecover.yml"
    workflow.write_text(block.split("```", 1)[0], encoding="utf-8")
    zizmor = shutil.which("zizmor")
    assert zizmor is not None, "zizmor is a dev dependency"
    proc = subprocess.run(
        [zizmor, "--offline", "--persona=pedantic", str(workflow)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Every action in it is pinned by a full commit SHA.
    uses = re.findall(r"uses: (\S+)", block.split("```", 1)[0])
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses)
