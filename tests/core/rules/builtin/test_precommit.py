"""The built-in rules of `precommit.yaml` (src/autorecover/core/rules/builtin/precommit.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
The behaviour tests below check what the hook lines propose together: a formatter hook in fix
mode gets its formatter's fix, any other hook blocks it.
"""

from __future__ import annotations

import pytest

from autorecover.core.models import Category
from testing.rules import _assert_fires, _cases, _fired, _job, _scan

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    # https://github.com/kserve/kserve/pull/3604
    ("pre-commit-black-hook", "- hook id: black"),
    # https://github.com/Chia-Network/chia-blockchain/pull/16393
    ("pre-commit-isort-hook", "- hook id: isort"),
    # https://github.com/astral-sh/ruff-pre-commit/issues/145
    ("pre-commit-ruff-format-hook", "- hook id: ruff-format"),
    # https://github.com/astral-sh/ruff/issues/1667
    ("pre-commit-ruff-hook", "- hook id: ruff"),
    ("pre-commit-ruff-hook", "- hook id: ruff-check"),
    # https://github.com/SENATOROVAI/Data-Science-For-Beginners-from-scratch-course/issues/239
    ("pre-commit-hook-id", "- hook id: jupytext"),
    # https://github.com/100-Devs-1-Game/All-the-Incrementals/pull/13
    ("pre-commit-hook-id", "- hook id: gdformat"),
    # pre-commit 1.x (public/precommit-black-failed-no-output.log's format)
    ("pre-commit-hook-id", "hookid: flake8"),
    (
        "pre-commit-standard-hook-failed",
        "trim trailing whitespace.................................................Failed",
    ),
    (
        "pre-commit-standard-hook-failed",
        "Fix End of Files.........................................................Failed",
    ),
    (
        "pre-commit-hook-failed",
        "Format python files with black...........................................Failed",
    ),
    (
        "pre-commit-hook-failed",
        "bandit...................................................................Failed",
    ),
    (
        "pre-commit-unexpected-error",
        "An unexpected error has occurred: CalledProcessError: command: ('/usr/bin/git', "
        "'fetch', 'origin', '--tags')",
    ),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)


@pytest.mark.parametrize(
    "hook_id",
    [
        "black-jupyter",
        "nbqa-black",
        "blacken-docs",
        "nbqa-isort",
        "format-python-files-with-black",
        "ruff-format-docs",
    ],
)
def test_hook_ids_that_merely_contain_a_formatter_name_neither_fix_nor_block(
    hook_id: str,
) -> None:
    fired = _fired(_scan(_job(f"- hook id: {hook_id}")))
    assert not fired & {
        "pre-commit-black-hook",
        "pre-commit-isort-hook",
        "pre-commit-ruff-format-hook",
        "pre-commit-ruff-hook",
        "pre-commit-hook-id",
    }


@pytest.mark.parametrize(
    ("lines", "fixes"),
    [
        pytest.param(
            (
                "black....................................................................Failed",
                "- hook id: black",
                "- files were modified by this hook",
            ),
            ["black"],
            id="black",
        ),
        pytest.param(
            (
                "isort....................................................................Failed",
                "- hook id: isort",
                "- files were modified by this hook",
                "",
                "Fixing /home/runner/work/app/app/app/cli.py",
                "",
                "black....................................................................Failed",
                "- hook id: black",
                "- files were modified by this hook",
                "",
                "reformatted app/cli.py",
                "1 file reformatted.",
            ),
            ["black", "isort"],
            id="isort-and-black",
        ),
        pytest.param(
            (
                "ruff.....................................................................Failed",
                "- hook id: ruff",
                "- files were modified by this hook",
                "",
                "Found 1 error (1 fixed, 0 remaining).",
                "",
                "ruff-format..............................................................Failed",
                "- hook id: ruff-format",
                "- files were modified by this hook",
                "",
                "1 file reformatted, 130 files left unchanged",
            ),
            ["ruff-fix", "ruff-format"],
            id="ruff-and-ruff-format",
        ),
    ],
)
def test_formatter_hooks_in_fix_mode_propose_their_formatter(
    lines: tuple[str, ...], fixes: list[str]
) -> None:
    diagnosis = _scan(_job(*lines))
    assert diagnosis.category is Category.LINTING_ERROR
    assert diagnosis.action == "fix_pr"
    assert sorted(fix.spec for fix in diagnosis.fixes) == fixes


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param(
            (
                "jupytext.................................................................Failed",
                "- hook id: jupytext",
                "- files were modified by this hook",
                "black....................................................................Failed",
                "- hook id: black",
                "- files were modified by this hook",
                "",
                "reformatted notebooks/chapter_3.py",
            ),
            id="jupytext-next-to-black",
        ),
        pytest.param(
            (
                "trim trailing whitespace.................................................Failed",
                "- hook id: trailing-whitespace",
                "- exit code: 1",
                "- files were modified by this hook",
                "isort....................................................................Failed",
                "- hook id: isort",
                "- files were modified by this hook",
            ),
            id="trailing-whitespace-next-to-isort",
        ),
        pytest.param(
            (
                "ruff.....................................................................Failed",
                "- hook id: ruff",
                "- exit code: 1",
                "- files were modified by this hook",
                "",
                "Found 3 errors (2 fixed, 1 remaining).",
            ),
            id="ruff-with-violations-left",
        ),
        pytest.param(
            (
                "black....................................................................Failed",
                "- hook id: black",
                "- exit code: 123",
                "",
                "error: cannot format app/cli.py: Cannot parse: 5:10: print 'total:', total",
            ),
            id="black-cannot-parse",
        ),
    ],
)
def test_hooks_without_a_fixer_of_ours_block_the_fix(lines: tuple[str, ...]) -> None:
    diagnosis = _scan(_job(*lines))
    assert diagnosis.action == "issue"
    assert diagnosis.fixes == ()
