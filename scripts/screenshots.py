"""Screenshots of what maintainers see: every body autorecover posts, rendered as GitHub
renders Markdown, photographed with headless Chromium for the README and docs/action.md.

    python scripts/screenshots.py [--out docs/images]

The bodies are those of testing/bodies.py (a realistic run: a pytest matrix that failed
three times the same way, and a black failure), rendered by the built-in templates and by
markdown-it with GitHub's extensions, in a stylesheet close to github.com's. Needs the
Debian package `chromium`; the test suite does not run this (CI has no browser), but
tests/adapters/test_render.py checks the same HTML's structure.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from testing.bodies import rendered  # noqa: E402
from testing.markdown import MD  # noqa: E402

WIDTH = 980
# (file name, template, what the page is, open the <details> blocks)
SHOTS = (
    ("pr-body.png", "pr_body.md.j2", "Pull request: autorecover: format with black", False),
    ("issue-body.png", "issue_body.md.j2", "Issue opened for a failing test", False),
    ("comment.png", "comment.md.j2", "Comment on a recurrence", False),
    ("dashboard.png", "dashboard.md.j2", "Auto-recovery dashboard", False),
    ("summary-dry-run.png", "summary.md.j2", "Step summary of a dry run", False),
    ("summary-dry-run-open.png", "summary.md.j2", "Step summary of a dry run, opened", True),
)

CSS = """
body { margin: 0; background: #f6f8fa; font-family: -apple-system, BlinkMacSystemFont,
  "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; font-size: 14px; line-height: 1.5;
  color: #1f2328; }
.frame { margin: 16px; background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; }
.frame > header { padding: 8px 16px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0;
  border-radius: 6px 6px 0 0; font-weight: 600; }
.markdown-body { padding: 16px 24px; }
.markdown-body h2 { font-size: 1.5em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }
.markdown-body h3 { font-size: 1.25em; margin-top: 24px; }
.markdown-body h2, .markdown-body h3 { font-weight: 600; line-height: 1.25; }
a { color: #0969da; text-decoration: none; }
code, pre { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas,
  "Liberation Mono", monospace; font-size: 85%; }
code { background: rgba(129,139,152,.12); padding: .2em .4em; border-radius: 6px; }
pre { background: #f6f8fa; padding: 16px; border-radius: 6px; overflow: auto;
  line-height: 1.45; }
pre code { background: none; padding: 0; font-size: 100%; }
table { border-collapse: collapse; margin: 0 0 16px; display: block; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
th { font-weight: 600; }
tr:nth-child(2n) { background: #f6f8fa; }
blockquote { margin: 0 0 16px; padding: 0 1em; color: #59636e;
  border-left: .25em solid #d1d9e0; }
blockquote.alert { color: inherit; }
blockquote.alert-note { border-left-color: #0969da; }
blockquote.alert-warning { border-left-color: #9a6700; }
blockquote.alert-caution { border-left-color: #cf222e; }
blockquote.alert > p:first-child { font-weight: 600; margin-bottom: 4px; }
.alert-note > p:first-child { color: #0969da; }
.alert-warning > p:first-child { color: #9a6700; }
.alert-caution > p:first-child { color: #cf222e; }
details { margin: 0 0 16px; }
summary { cursor: pointer; }
hr { border: 0; height: .25em; background: #d1d9e0; margin: 24px 0; }
sub { color: #59636e; }
"""

_ALERT = re.compile(r"<blockquote>\n<p>\[!(NOTE|WARNING|CAUTION|TIP|IMPORTANT)\]\n?", re.I)


def page(markdown: str, title: str, open_details: bool) -> str:
    body = MD.render(markdown)
    # GitHub's alerts (`> [!NOTE]`): markdown-it renders them as plain quotes.
    body = _ALERT.sub(
        lambda m: f'<blockquote class="alert alert-{m.group(1).lower()}">'
        f"<p>{m.group(1).title()}</p>\n<p>",
        body,
    )
    if open_details:
        body = body.replace("<details>", "<details open>")
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><style>{CSS}</style></head>"
        f"<body><div class='frame'><header>{html.escape(title)}</header>"
        f"<div class='markdown-body'>{body}</div></div></body></html>"
    )


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit("chromium is not installed (Debian: apt-get install -y chromium)")


def _height(browser: str, path: Path) -> int:
    """The page's full height, asked of the browser itself (a screenshot is one window)."""
    probe = path.with_suffix(".probe.html")
    probe.write_text(
        path.read_text(encoding="utf-8").replace(
            "</body>",
            "<script>document.body.setAttribute('data-h',"
            " Math.ceil(document.querySelector('.frame').getBoundingClientRect().bottom))"
            "</script></body>",
        ),
        encoding="utf-8",
    )
    dom = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", f"--window-size={WIDTH},800",
         "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    found = re.search(r'data-h="(\d+)"', dom)
    return int(found.group(1)) + 16 if found else 2000


def shoot(browser: str, html_path: Path, png: Path) -> None:
    height = _height(browser, html_path)
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--window-size={WIDTH},{height}", f"--screenshot={png}", html_path.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args(argv)
    browser = chromium()
    bodies = rendered()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="autorecover-shots-") as temp:
        for name, template, title, open_details in SHOTS:
            html_path = Path(temp) / (name + ".html")
            html_path.write_text(page(bodies[template], title, open_details), encoding="utf-8")
            shoot(browser, html_path, args.out / name)
            print(args.out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
