"""A formatter failure reported by a pre-commit hook is fixed only when the hook is the tool's
own (psf/black, PyCQA/isort, astral-sh/ruff-pre-commit), so running that tool at the hook's
`rev` (`_versions`) is what the hook does. A `repo: local` hook, or a hook of the same id
from another repository, runs whatever its `entry` says: that is the repository's code
(docs/security.md#s2), so no fix is made. Hook `args` that change the output (black's
`--line-length`, ruff's `--select`) would make the fix differ from the hook's: refused too.

Pure: the configuration's text in, a reason (or None) out.
"""

from __future__ import annotations

import yaml

from autorecover.constants import FIXER_BLACK, FIXER_ISORT, FIXER_RUFF_FIX, FIXER_RUFF_FORMAT
from autorecover.core.models import Diagnosis
from autorecover.fixers._versions import PRECOMMIT_REPOS, repo_key

CONFIG = ".pre-commit-config.yaml"
# fixer -> (the tool, the hook ids of its own repository, hook args that leave output alone)
HOOKS: dict[str, tuple[str, frozenset[str], frozenset[str]]] = {
    FIXER_BLACK: ("black", frozenset({"black"}), frozenset({"--quiet", "-q"})),
    FIXER_ISORT: ("isort", frozenset({"isort"}), frozenset({"--filter-files"})),
    # ruff-pre-commit's formatter hook id is the fixer's own name.
    FIXER_RUFF_FORMAT: ("ruff", frozenset({FIXER_RUFF_FORMAT}), frozenset()),
    FIXER_RUFF_FIX: (
        "ruff",
        frozenset({"ruff", "ruff-check"}),
        frozenset({"--fix", "--show-fixes", "--exit-non-zero-on-fix"}),
    ),
}


def is_hook_failure(diagnosis: Diagnosis | None) -> bool:
    """Whether the job failed in a pre-commit hook (the rules of precommit.yaml matched)."""
    return diagnosis is not None and any(
        finding.rule.startswith("pre-commit-") for finding in diagnosis.findings
    )


def hook_refusal(fixer: str, text: str | None) -> str | None:
    """Why the failing hook must not be answered by running `fixer` (None: it may)."""
    if fixer not in HOOKS:
        return None
    tool, ids, harmless = HOOKS[fixer]
    if text is None:
        return f"{CONFIG} is not a tracked regular file: the hook that failed is unknown"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return f"{CONFIG} does not parse: the hook that failed is unknown"
    repos = data.get("repos") if isinstance(data, dict) else None
    found = False
    for repo in repos if isinstance(repos, list) else []:
        hooks = repo.get("hooks") if isinstance(repo, dict) else None
        for hook in hooks if isinstance(hooks, list) else []:
            if not isinstance(hook, dict) or hook.get("id") not in ids:
                continue
            source = str(repo.get("repo", ""))
            if PRECOMMIT_REPOS.get(repo_key(source)) != tool:
                return (
                    f"the {hook['id']} hook comes from {source[:100]!r}, not {tool}'s own hook "
                    "repository: it runs the repository's own command, which autorecover never runs"
                )
            args = hook.get("args") or []
            extra = (
                [str(a) for a in args if str(a) not in harmless]
                if isinstance(args, list)
                else ["?"]
            )
            if extra:
                return (
                    f"the {hook['id']} hook runs with {' '.join(extra)[:200]}: a fix without "
                    "them would not match what the hook does"
                )
            found = True
    return None if found else f"no {'/'.join(sorted(ids))} hook in {CONFIG}"
