"""The built-in rules of `pip.yaml` (src/autorecover/core/rules/builtin/pip.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from autorecover.core.models import Category
from testing.rules import _assert_fires, _cases, _job, _scan

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    (
        "pip-no-matching-distribution",
        "ERROR: Could not find a version that satisfies the requirement oso (from versions: none)",
    ),
    ("pip-no-matching-distribution", "ERROR: No matching distribution found for oso"),
    # world/train/c2-upstream-ci-numpy-missing-meson-python-nightly (pydata/xarray#7969): the
    # pip run installing a source build's build dependencies
    (
        "pip-no-matching-distribution",
        "      ERROR: No matching distribution found for meson-python==0.13.1",
    ),
    # world/train/c2-pipenv-resolutionimpossible-protobuf-streamlit-dbt (pypa/pipenv#5823)
    (
        "pip-resolution-impossible",
        "pipenv.patched.pip._vendor.resolvelib.resolvers.ResolutionImpossible: "
        "[RequirementInformation(requirement=SpecifierRequirement('protobuf<4,>=3.12'), "
        "parent=LinkCandidate('https://files.pythonhosted.org/packages/ed/7c/streamlit-1.20.0-"
        "py2.py3-none-any.whl (from https://pypi.org/simple/streamlit/) (requires-python:>=3.7, "
        "!=3.9.7)'))]",
    ),
    # pipenv's install --deploy (find_string hit 3931491111, a Heroku build)
    (
        "pipenv-lock-out-of-date",
        "remote:        Your Pipfile.lock (11aa32) is out of date. Expected: (c9675e).",
    ),
    (
        "pip-resolution-impossible",
        "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/"
        "dependency-resolution/#dealing-with-dependency-conflicts",
    ),
    (
        "pip-resolution-impossible",
        "ERROR: Cannot install certifi==2024.12.14 and certifi==2024.8.30 because these package"
        " versions have conflicting dependencies.",
    ),
    (
        "pip-requirements-file-missing",
        "ERROR: Could not open requirements file: [Errno 2] No such file or directory: "
        "'requirements.txt'",
    ),
    (
        "pip-download-timeout",
        "pip._vendor.urllib3.exceptions.ReadTimeoutError: "
        "HTTPSConnectionPool(host='files.pythonhosted.org', port=443): Read timed out.",
    ),
    (
        "pip-index-unreachable",
        "WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None))"
        " after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection."
        "HTTPConnection object at 0x7f1643374150>: Failed to establish a new connection: "
        "[Errno 111] Connection refused')': /simple/flask/",
    ),
    (
        "pip-network-oserror",
        "ERROR: Could not install packages due to an OSError: "
        "HTTPSConnectionPool(host='files.pythonhosted.org', port=443): Max retries exceeded "
        "with url: /packages/torch-2.2.1-cp311-cp311-manylinux1_x86_64.whl",
    ),
    (
        "pip-permission-denied",
        "ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: "
        "'/usr/lib/python3/dist-packages/requests'",
    ),
    ("pip-externally-managed", "error: externally-managed-environment"),
    (
        "pip-requires-different-python",
        "ERROR: Package 'acme-sdk' requires a different Python: 3.8.18 not in '>=3.9'",
    ),
    (
        "pip-not-installable",
        "ERROR: Directory '.' is not installable. Neither 'setup.py' nor 'pyproject.toml' found.",
    ),
    ("pip-invalid-requirement", "ERROR: Invalid requirement: 'requests=2.32.3'"),
    (
        "pip-hash-mismatch",
        "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE. If you have "
        "updated the package versions, please update the hashes.",
    ),
    (
        "setuptools-scm-no-version",
        "LookupError: setuptools-scm was unable to detect version for /home/runner/work/lib/lib.",
    ),
    (
        "poetry-lock-out-of-date",
        "##[error]pyproject.toml changed significantly since poetry.lock was last generated. "
        "Run `poetry lock [--no-update]` to fix the lock file.",
    ),
    ("poetry-solver-failed", "  SolverProblemError"),
    (
        "poetry-solver-failed",
        "  Because redacted-visualization-plugin depends on dash-cytoscape (0.3.0) which doesn't"
        " match any versions, version solving failed.",
    ),
    ("poetry-package-not-found", "Package requests (2.32.0) not found."),
    (
        "poetry-python-range-incompatible",
        "The current project's supported Python range (>=3.8,<4.0) is not compatible with some"
        " of the required packages Python requirement:",
    ),
    ("uv-no-solution", "error: No solution found when resolving dependencies"),
    ("uv-no-solution", "  × No solution found when resolving dependencies:"),
    (
        "uv-lock-out-of-date",
        "error: The lockfile at `uv.lock` needs to be updated, but `--locked` was provided.",
    ),
    ("uv-network-error", "error: Failed to fetch: https://pypi.invalid/simple/flask/"),
    (
        "uv-network-error",
        "  cause: error sending request for url (https://pypi.invalid/simple/flask/)",
    ),
    (
        "conda-package-not-found",
        "PackagesNotFoundError: The following packages are not available from current channels:",
    ),
    (
        "conda-unsatisfiable",
        "UnsatisfiableError: The following specifications were found to be incompatible with "
        "each other:",
    ),
    (
        "conda-http-error",
        "CondaHTTPError: HTTP 000 CONNECTION FAILED for url "
        "<https://repo.anaconda.com/pkgs/main/linux-64/current_repodata.json>",
    ),
    (
        "pypi-upload-file-exists",
        "ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/",
    ),
    (
        "pypi-upload-forbidden",
        "ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/",
    ),
    ("pypi-upload-forbidden", "Trusted publishing exchange failure:"),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)


def test_pip_unreachable_index_is_a_rerun_but_a_missing_package_is_not() -> None:
    refused = (
        "WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) "
        "after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection."
        "HTTPConnection object at 0x7f16>: Failed to establish a new connection: [Errno 111] "
        "Connection refused')': /simple/requests/"
    )
    missing = (
        "ERROR: Could not find a version that satisfies the requirement requests==2.34.2 "
        "(from versions: none)",
        "ERROR: No matching distribution found for requests==2.34.2",
    )
    assert _scan(_job(refused, *missing)).action == "rerun"
    diagnosis = _scan(_job(*missing))
    assert diagnosis.category is Category.DEPENDENCY_ISSUE
    assert diagnosis.action == "issue"
