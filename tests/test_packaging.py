"""Static checks of the action's packaging and of the workflow lint gates.

The image is built and run in tests/test_container.py (slow, needs a Docker engine); here
its recipe is checked by reading it: the base image pinned by digest, the dependencies
installed from a hash-pinned lock that covers pyproject.toml, no USER, an exec-form
entrypoint. The workflows (ours, the example users
copy, and the known-bad canaries) go through zizmor and through the Scorecard-equivalent
checks of reference/security.md (d), written here as small functions so that each canary
can prove the check that is meant to catch it still does.

docs/action.md holds two generated blocks (the inputs/outputs tables and the example
workflow); `python tests/test_packaging.py --update-docs` rewrites them after a change to
action.yml or to the example.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
ACTION = ROOT / "action.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
LOCK = ROOT / "requirements" / "action.txt"
PYPROJECT = ROOT / "pyproject.toml"
DOCS = ROOT / "docs" / "action.md"
EXAMPLE = ROOT / "examples" / "workflows" / "autorecover.yml"
EXAMPLES = sorted((ROOT / "examples" / "workflows").glob("*.y*ml"))
PROJECT_WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
CI = ROOT / ".github" / "workflows" / "ci.yml"
RELEASE = ROOT / ".github" / "workflows" / "release.yml"
BAD = sorted((ROOT / "tests" / "fixtures" / "workflows" / "bad").glob("*.y*ml"))

EXPECTED_INPUTS = {
    "github-token": "${{ github.token }}",
    "config": ".github/autorecover.yml",
    "dry-run": "false",
    "min-confidence": "0.7",
    "max-reruns": "2",
    "rerun-backoff-seconds": "30",
    "rerun-backoff-max-seconds": "300",
    "report-path": "",
}
EXPECTED_OUTPUTS = {
    "result",
    "category",
    "severity",
    "confidence",
    "fingerprint",
    "report",
    "pr-url",
    "issue-url",
}
# The job-level permissions of the example and nothing else (docs/security.md#s9).
EXAMPLE_PERMISSIONS = {
    "actions": "write",
    "checks": "read",
    "contents": "write",
    "pull-requests": "write",
    "issues": "write",
}
# The audits the canaries exist for (docs/security.md (d), gate 3).
TARGETED_AUDITS = {
    "template-injection",
    "excessive-permissions",
    "unpinned-uses",
    "artipacked",
    "overprovisioned-secrets",
}

SHA40 = re.compile(r"^[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)\s*(?:#\s*(?P<comment>.*))?$")
VERSION_COMMENT = re.compile(r"^v\d+(?:\.\d+){0,2}\b")
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)


# ----------------------------------------------------------------------------- helpers


def load_yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path}: not a YAML mapping"
    return data


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    """The `on:` mapping; PyYAML (YAML 1.1) reads the bare key `on` as True."""
    value = workflow.get("on", workflow.get(True))
    if isinstance(value, str):
        return {value: None}
    if isinstance(value, list):
        return dict.fromkeys(value)
    return dict(value or {})


def steps(workflow: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for job in (workflow.get("jobs") or {}).values():
        yield from job.get("steps") or []


def expressions(text: str) -> list[str]:
    return [" ".join(found.split()) for found in EXPRESSION.findall(text)]


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def tool(name: str) -> str | None:
    """The tool beside this interpreter (the venv's bin/) or on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def need_tool(name: str) -> str:
    found = tool(name)
    if found is None:
        pytest.skip(f"{name} is not installed; `pip install -e '.[dev]'` installs it")
    return found


def run_tool(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(argv), cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


# ------------------------------------------------- Scorecard-equivalent static checks
# Each returns the problems it found; [] means the workflow passes.


def check_no_pull_request_target(path: Path, workflow: dict[str, Any]) -> list[str]:
    if "pull_request_target" in triggers(workflow):
        return ["pull_request_target runs fork code with a write token"]
    return []


def check_workflow_run_placement(path: Path, workflow: dict[str, Any]) -> list[str]:
    examples = ROOT / "examples"
    if "workflow_run" in triggers(workflow) and examples not in path.parents:
        return ["workflow_run belongs only in examples/ (the project's CI never needs it)"]
    return []


def check_no_expression_in_run(path: Path, workflow: dict[str, Any]) -> list[str]:
    return [
        f"step {step.get('name', '?')!r}: `${{{{` inside run: (pass values through env:)"
        for step in steps(workflow)
        if "${{" in str(step.get("run", ""))
    ]


def _read_only(permissions: Any) -> bool:
    if permissions in ({}, "read-all"):
        return True
    return isinstance(permissions, dict) and all(
        v in ("read", "none") for v in permissions.values()
    )


def check_top_level_permissions(path: Path, workflow: dict[str, Any]) -> list[str]:
    if "permissions" not in workflow:
        return ["no top-level permissions: the token gets the repository's default scopes"]
    if not _read_only(workflow["permissions"]):
        return [f"top-level permissions {workflow['permissions']!r} are not {{}} or read"]
    return []


def check_pinned_uses(path: Path, workflow: dict[str, Any]) -> list[str]:
    problems = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = USES_LINE.match(line)
        if not match:
            continue
        ref, comment = match["ref"].strip("'\""), (match["comment"] or "").strip()
        if ref.startswith("./") or re.fullmatch(r"docker://\S+@sha256:[0-9a-f]{64}", ref):
            continue
        _, _, version = ref.partition("@")
        if not SHA40.match(version):
            problems.append(f"line {number}: {ref} is not pinned to a full commit SHA")
        elif not VERSION_COMMENT.match(comment):
            problems.append(f"line {number}: {ref} has no `# vX.Y.Z` comment naming the version")
    return problems


def check_no_cache_or_artifacts(path: Path, workflow: dict[str, Any]) -> list[str]:
    """A privileged (workflow_run) job must not restore caches or artifacts (docs/security.md#tm20)."""
    if "workflow_run" not in triggers(workflow):
        return []
    problems = []
    for step in steps(workflow):
        uses = str(step.get("uses", ""))
        if uses.startswith("actions/cache"):
            problems.append(f"{uses}: cache restored in a privileged job")
        if "download-artifact" in uses:
            problems.append(f"{uses}: artifacts of the watched run are attacker-controlled")
        if "cache" in (step.get("with") or {}):
            problems.append(f"{uses}: `cache:` input restores a cache in a privileged job")
    return problems


def check_concurrency_run_id(path: Path, workflow: dict[str, Any]) -> list[str]:
    """workflow_run workflows group by the numeric run id only, never by branch
    (docs/security.md#tm16)."""
    if "workflow_run" not in triggers(workflow):
        return []
    concurrency = workflow.get("concurrency")
    if not isinstance(concurrency, dict) or "group" not in concurrency:
        return ["no concurrency group keyed by github.event.workflow_run.id"]
    used = expressions(str(concurrency["group"]))
    if used != ["github.event.workflow_run.id"]:
        return [f"concurrency group uses {used}; only github.event.workflow_run.id is safe"]
    return []


STATIC_CHECKS = {
    "no-pull-request-target": check_no_pull_request_target,
    "workflow-run-placement": check_workflow_run_placement,
    "no-expression-in-run": check_no_expression_in_run,
    "top-level-permissions": check_top_level_permissions,
    "pinned-uses": check_pinned_uses,
    "no-cache-or-artifacts": check_no_cache_or_artifacts,
    "concurrency-run-id": check_concurrency_run_id,
}


@pytest.mark.parametrize("path", PROJECT_WORKFLOWS + EXAMPLES, ids=rel)
@pytest.mark.parametrize("check", sorted(STATIC_CHECKS))
def test_static_check_passes(path: Path, check: str) -> None:
    assert STATIC_CHECKS[check](path, load_yaml(path)) == []


def expectations(path: Path, kind: str) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return set(re.findall(rf"^# expect-{kind}: (\S+)$", text, re.M))


@pytest.mark.parametrize("path", BAD, ids=rel)
def test_canary_declares_what_catches_it(path: Path) -> None:
    expected = expectations(path, "zizmor") | expectations(path, "static")
    assert expected, f"{rel(path)}: no `# expect-zizmor:` or `# expect-static:` line"
    assert expectations(path, "static") <= set(STATIC_CHECKS)


@pytest.mark.parametrize("path", [p for p in BAD if expectations(p, "static")], ids=rel)
def test_static_checks_still_catch_their_canary(path: Path) -> None:
    workflow = load_yaml(path)
    for check in sorted(expectations(path, "static")):
        assert STATIC_CHECKS[check](path, workflow), f"{check} no longer catches {rel(path)}"


def test_project_has_workflows_and_canaries() -> None:
    assert [rel(p) for p in PROJECT_WORKFLOWS] == [rel(CI), rel(RELEASE)]
    assert EXAMPLES == [EXAMPLE]
    targeted = set().union(*(expectations(p, "zizmor") for p in BAD))
    assert targeted >= TARGETED_AUDITS


# ----------------------------------------------------------------------------- zizmor


def zizmor_json(*inputs: str, extra: tuple[str, ...] = ()) -> tuple[int, list[dict[str, Any]]]:
    result = run_tool(need_tool("zizmor"), "--offline", "--format", "json", *extra, *inputs)
    assert result.returncode in (0, 11, 12, 13, 14), result.stderr[-2000:]
    return result.returncode, json.loads(result.stdout or "[]")


def lint_inputs() -> list[str]:
    return [".github/", "action.yml", *(rel(p) for p in EXAMPLES)]


def test_zizmor_pedantic_is_clean() -> None:
    result = run_tool(need_tool("zizmor"), "--offline", "--persona=pedantic", *lint_inputs())
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]


def test_zizmor_without_ignores_finds_only_dangerous_triggers_in_example() -> None:
    # The example's single inline ignore must not hide anything but the trigger itself.
    _, findings = zizmor_json(*(rel(p) for p in EXAMPLES), extra=("--no-ignores",))
    assert [f["ident"] for f in findings] == ["dangerous-triggers"]


def test_only_one_zizmor_ignore_and_no_config_to_widen_it() -> None:
    ignores = [
        (rel(path), line)
        for path in [ACTION, *PROJECT_WORKFLOWS, *EXAMPLES]
        for line in path.read_text(encoding="utf-8").splitlines()
        if "zizmor: ignore" in line
    ]
    assert len(ignores) == 1 and ignores[0][0] == rel(EXAMPLE), ignores
    assert "# zizmor: ignore[dangerous-triggers]" in ignores[0][1]
    assert " -- " in ignores[0][1], "the ignore must say why"
    for name in ("zizmor.yml", ".github/zizmor.yml", "zizmor.yaml", ".github/zizmor.yaml"):
        assert not (ROOT / name).exists(), f"{name} could disable audits for the whole repo"


def test_zizmor_fails_the_canaries() -> None:
    code, findings = zizmor_json(*(rel(p) for p in BAD))
    assert code >= 13
    assert {f["ident"] for f in findings} >= TARGETED_AUDITS


@pytest.mark.parametrize("path", [p for p in BAD if expectations(p, "zizmor")], ids=rel)
def test_zizmor_catches_each_canary(path: Path) -> None:
    _, findings = zizmor_json(rel(path))
    assert expectations(path, "zizmor") <= {f["ident"] for f in findings}


# ---------------------------------------------------------------------------- hadolint


def test_hadolint_passes() -> None:
    result = run_tool(need_tool("hadolint"), "Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_is_really_linting() -> None:
    bad = "FROM python:3.12-slim\nRUN pip install requests\nUSER root\n"
    result = subprocess.run(
        [need_tool("hadolint"), "-"],
        input=bad,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0 and "DL3013" in result.stdout


def test_hadolint_ignores_give_a_reason() -> None:
    lines = DOCKERFILE.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if "hadolint ignore=" in line:
            assert (
                index > 0
                and lines[index - 1].startswith("#")
                and "hadolint" not in (lines[index - 1])
            ), f"Dockerfile line {index + 1}: say why above the ignore"


# -------------------------------------------------------------------------- action.yml


def action() -> dict[str, Any]:
    return load_yaml(ACTION)


def test_action_metadata() -> None:
    data = action()
    for key in ("name", "description", "author"):
        assert isinstance(data.get(key), str) and data[key].strip(), key
    assert data["branding"].keys() == {"icon", "color"}
    assert data["runs"] == {"using": "docker", "image": "Dockerfile"}


def test_action_inputs() -> None:
    inputs = action()["inputs"]
    assert {name: str(spec.get("default")) for name, spec in inputs.items()} == EXPECTED_INPUTS
    for name, spec in inputs.items():
        assert name == name.lower() and "_" not in name, f"{name}: inputs are kebab-case"
        assert str(spec.get("description", "")).strip(), f"{name}: no description"
        assert spec.get("required", False) is False, f"{name}: every input has a default"


def test_action_outputs() -> None:
    outputs = action()["outputs"]
    assert set(outputs) == EXPECTED_OUTPUTS
    for name, spec in outputs.items():
        assert str(spec.get("description", "")).strip(), f"{name}: no description"


def test_inputs_read_by_the_code_are_declared() -> None:
    # The runner sets INPUT_<NAME> only for inputs declared in action.yml: an input the
    # code reads but action.yml lacks would silently be empty.
    pattern = re.compile(r"get_(?:bool_|int_|float_)?input\(\s*\"([a-z0-9-]+)\"")
    read = {
        name
        for path in (ROOT / "src" / "autorecover").rglob("*.py")
        for name in pattern.findall(path.read_text(encoding="utf-8"))
    }
    assert read, "no get_*input(...) call found in src/autorecover"
    assert read <= set(action()["inputs"]), f"read but not declared: {read - set(EXPECTED_INPUTS)}"
    assert (
        set(action()["inputs"]) <= read
    ), f"declared but never read: {set(EXPECTED_INPUTS) - read}"


def test_outputs_set_by_the_code_are_declared() -> None:
    from autorecover.core.report import RunReport

    assert set(RunReport(None, "skipped", False).outputs()) | {"report"} == EXPECTED_OUTPUTS


# ---------------------------------------------------------------------------- Dockerfile


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined, current = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        current += line.rstrip()
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        joined.append(current.strip())
        current = ""
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in joined]


def base_image() -> str:
    """The default of the BASE_IMAGE build argument (declared before the first FROM)."""
    args = [args for name, args in instructions() if name == "ARG" and "BASE_IMAGE=" in args]
    assert len(args) == 1, args
    return args[0].split("=", 1)[1]


def test_base_image_pinned_by_digest() -> None:
    assert re.fullmatch(r"python:3\.\d+-slim-bookworm@sha256:[0-9a-f]{64}", base_image())
    # Two stages: the pinned base installs everything; the image is the tree cut from it.
    froms = [args for name, args in instructions() if name == "FROM"]
    assert froms == ["${BASE_IMAGE} AS build", "scratch"], froms
    assert instructions()[0][0] == "ARG", "BASE_IMAGE must be declared before the first FROM"


def test_lock_is_resolved_for_the_base_images_python() -> None:
    minor = re.match(r"python:(3\.\d+)-", base_image())
    assert minor
    header = LOCK.read_text(encoding="utf-8").splitlines()[1]
    assert f"--python-version {minor[1]} " in header, header


def test_no_user_and_no_workdir() -> None:
    names = [name for name, _ in instructions()]
    # Docker actions must run as root, or GITHUB_WORKSPACE is unreadable; the runner
    # replaces WORKDIR with /github/workspace.
    assert "USER" not in names
    assert "WORKDIR" not in names


def test_exec_form_entrypoint() -> None:
    entrypoints = [args for name, args in instructions() if name == "ENTRYPOINT"]
    assert len(entrypoints) == 1
    assert json.loads(entrypoints[0]) == ["autorecover", "action"]


def test_python_environment() -> None:
    env = " ".join(args for name, args in instructions() if name == "ENV")
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    assert "PYTHONUNBUFFERED=1" in env


def test_dependencies_from_the_hash_pinned_lock() -> None:
    runs = [args for name, args in instructions() if name == "RUN"]
    pip = [args for args in runs if "pip install" in args]
    assert len(pip) == 2, pip
    lock_install, own_install = pip
    assert "--require-hashes" in lock_install and "--no-cache-dir" in lock_install
    assert re.search(r"-r \S*requirements/action\.txt", lock_install)
    assert "--no-deps" in own_install and "--no-cache-dir" in own_install
    # No other package source: anything installed besides the lock is the project itself.
    assert "--no-build-isolation" in own_install, "setuptools must come from the lock"


def test_git_from_apt_cleanly() -> None:
    apt = [args for name, args in instructions() if name == "RUN" and "apt-get install" in args]
    assert len(apt) == 1
    assert "--no-install-recommends" in apt[0] and re.search(r"\bgit\b", apt[0])
    assert "rm -rf /var/lib/apt/lists/*" in apt[0]


def test_no_user_comment_cites_the_docs() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert "Docker actions must be run by the default Docker user (root)" in text


def test_dockerignore_is_an_allow_list_matching_the_copies() -> None:
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert patterns[0] == "*"
    allowed = {p[1:].rstrip("/") for p in patterns if p.startswith("!")}
    copied = set()
    for name, args in instructions():
        if name in ("COPY", "ADD"):
            assert name == "COPY", "ADD fetches and unpacks; COPY is enough"
            if args.startswith("--from="):
                continue  # from the build stage, not from the context
            copied.update(a.rstrip("/") for a in args.split()[:-1] if not a.startswith("--"))
    assert copied == allowed
    for secret_or_bulky in (".git", ".venv", "tests", "benchmarks", ".github"):
        assert not any(a == secret_or_bulky or a.startswith(secret_or_bulky + "/") for a in allowed)


# ------------------------------------------------------------------------ requirements


def lock_entries() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) from requirements/action.txt."""
    text = re.sub(r"\\\n", " ", LOCK.read_text(encoding="utf-8"))
    entries: dict[str, tuple[str, list[str]]] = {}
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        assert not line.startswith("-"), f"option or editable install in the lock: {line}"
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)\s+(.*)$", line)
        assert match, f"not pinned with == and hashes: {line[:80]}"
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})\b", match[3])
        assert hashes, f"{match[1]}: no --hash=sha256"
        entries[canonicalize_name(match[1])] = (match[2], hashes)
    return entries


def pyproject() -> dict[str, Any]:
    with PYPROJECT.open("rb") as handle:
        return tomllib.load(handle)


def test_every_lock_line_is_pinned_with_hashes() -> None:
    entries = lock_entries()
    assert len(entries) >= 10


@pytest.mark.parametrize("section", ["runtime", "build"])
def test_lock_covers_pyproject(section: str) -> None:
    data = pyproject()
    specs = (
        data["project"]["dependencies"]
        if section == "runtime"
        else data["build-system"]["requires"]
    )
    entries = lock_entries()
    for spec in specs:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        assert name in entries, f"{requirement.name} ({section}) is missing from {rel(LOCK)}"
        version = entries[name][0]
        assert requirement.specifier.contains(
            version, prereleases=True
        ), f"{requirement.name}=={version} in the lock does not satisfy {spec!r}"


def test_lock_includes_the_fixers() -> None:
    assert {"black", "isort", "ruff"} <= set(lock_entries())


def test_lock_is_closed_under_installed_metadata() -> None:
    """Each locked package's own dependencies are locked too (pip --require-hashes would
    refuse the build otherwise). Checked with the metadata of the installed distribution
    where its version equals the locked one; other packages are left to the image build."""
    from importlib import metadata

    from packaging.markers import default_environment

    # The image's interpreter, not this one.
    environment = {
        **default_environment(),
        "python_version": "3.11",
        "python_full_version": "3.11.16",
        "sys_platform": "linux",
        "platform_system": "Linux",
    }
    entries = lock_entries()
    checked = 0
    for name, (version, _) in entries.items():
        try:
            if metadata.version(name) != version:
                continue
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        checked += 1
        for spec in requires:
            requirement = Requirement(spec)
            marker = requirement.marker
            if marker is not None and not marker.evaluate({**environment, "extra": ""}):
                continue
            assert (
                canonicalize_name(requirement.name) in entries
            ), f"{name} {version} needs {requirement.name}, which the lock lacks"
    if checked == 0:
        pytest.skip("no locked version is installed here to read metadata from")


# ---------------------------------------------------------------- example workflow


def test_example_shape() -> None:
    workflow = load_yaml(EXAMPLE)
    assert workflow.get("name")
    assert triggers(workflow) == {"workflow_run": {"workflows": ["CI"], "types": ["completed"]}}
    assert workflow["permissions"] == {}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    (job,) = workflow["jobs"].values()
    assert job.get("name") and job["runs-on"] == "ubuntu-latest"
    assert isinstance(job.get("timeout-minutes"), int)
    assert job["permissions"] == EXAMPLE_PERMISSIONS


def test_example_permission_lines_say_why() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for permission in EXAMPLE_PERMISSIONS:
        (line,) = [x for x in lines if re.match(rf"^\s+{permission}:\s", x)]
        assert re.search(r"#\s*\S.{10,}", line), f"{permission}: comment why it is needed"


def test_example_uses_no_event_field_in_expressions() -> None:
    # Only the numeric run id (concurrency) and the token; the action reads the event
    # from GITHUB_EVENT_PATH itself.
    used = set(expressions(EXAMPLE.read_text(encoding="utf-8")))
    assert used <= {"github.event.workflow_run.id", "github.token"}, used


def test_example_checks_out_nothing_risky() -> None:
    workflow = load_yaml(EXAMPLE)
    for step in steps(workflow):
        uses = str(step.get("uses", ""))
        if uses.startswith("actions/checkout"):
            with_ = step.get("with") or {}
            assert with_.get("persist-credentials") is False
            assert "ref" not in with_, "check out the default branch only, never the failing code"


def test_example_pins_the_action() -> None:
    refs = [
        match
        for line in EXAMPLE.read_text(encoding="utf-8").splitlines()
        if (match := USES_LINE.match(line))
    ]
    (ref,) = [m for m in refs if "autorecover" in m["ref"]]
    assert SHA40.match(ref["ref"].partition("@")[2])
    assert re.fullmatch(r"v\d+\.\d+\.\d+", (ref["comment"] or "").strip())


# ---------------------------------------------------------------------- project CI


def test_ci_runs_the_ci_script_on_both_pythons() -> None:
    workflow = load_yaml(CI)
    (job,) = workflow["jobs"].values()
    assert str(job["runs-on"]).startswith("ubuntu")
    assert [str(v) for v in job["strategy"]["matrix"]["python-version"]] == ["3.11", "3.12"]
    assert any(".ci/run" in str(step.get("run", "")) for step in steps(workflow))
    assert workflow["permissions"] == {}
    assert job["permissions"] == {"contents": "read"}
    for step in steps(workflow):
        if str(step.get("uses", "")).startswith("actions/checkout"):
            assert (step.get("with") or {}).get("persist-credentials") is False


def test_release_builds_both_platforms_with_attestations() -> None:
    workflow = load_yaml(RELEASE)
    assert list(triggers(workflow)) == ["workflow_dispatch"]
    assert workflow["permissions"] == {}
    image, tag = workflow["jobs"]["image"], workflow["jobs"]["tag"]
    assert image["permissions"] == {
        "contents": "read",
        "packages": "write",
        "id-token": "write",
        "attestations": "write",
    }
    assert tag["permissions"] == {"contents": "write"} and tag["needs"] == "image"
    by_action = {str(s.get("uses", "")).split("@")[0]: s.get("with") or {} for s in steps(workflow)}
    build = by_action["docker/build-push-action"]
    assert build["platforms"] == "linux/amd64,linux/arm64"
    assert build["provenance"] == "mode=max" and build["sbom"] is True and build["push"] is True
    assert by_action["actions/attest-build-provenance"]["push-to-registry"] is True
    for step in steps(workflow):
        if str(step.get("uses", "")).startswith("actions/checkout"):
            assert (step.get("with") or {}).get("persist-credentials") is False


def test_release_rewrites_the_image_line_main_has() -> None:
    """The tag job's sed replaces `  image: Dockerfile` in action.yml; main keeps that line,
    and the released line is the docker:// form the pinned-uses check accepts."""
    assert "  image: Dockerfile" in ACTION.read_text(encoding="utf-8").splitlines()
    run = "\n".join(str(s.get("run", "")) for s in steps(load_yaml(RELEASE)))
    assert "s|^  image: Dockerfile$|  image: docker://$IMAGE@$DIGEST|" in run
    assert re.fullmatch(
        r"docker://\S+@sha256:[0-9a-f]{64}", "docker://ghcr.io/o/autorecover@sha256:" + "0" * 64
    )


# ------------------------------------------------------------------------ docs/action.md

BLOCKS = ("action-reference", "example-workflow")


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def render_reference() -> str:
    data = action()
    lines = ["### Inputs", "", "| Input | Default | Description |", "| --- | --- | --- |"]
    for name, spec in data["inputs"].items():
        default = str(spec.get("default", ""))
        shown = f"`{default}`" if default else "(empty)"
        lines.append(f"| `{name}` | {shown} | {_cell(spec['description'])} |")
    lines += ["", "### Outputs", "", "| Output | Description |", "| --- | --- |"]
    for name, spec in data["outputs"].items():
        lines.append(f"| `{name}` | {_cell(spec['description'])} |")
    return "\n".join(lines)


def render_example() -> str:
    return "```yaml\n" + EXAMPLE.read_text(encoding="utf-8").rstrip("\n") + "\n```"


RENDERERS = {"action-reference": render_reference, "example-workflow": render_example}


def block_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- {name}: generated[^>]*-->\n)(.*?)(<!-- /{name} -->)", re.S)


README = ROOT / "README.md"
DOC_FILES = (DOCS, README)  # both carry the generated blocks


def update_docs() -> bool:
    changed = False
    for path in DOC_FILES:
        text = path.read_text(encoding="utf-8")
        new = text
        for name in BLOCKS:
            new = block_pattern(name).sub(
                lambda m, n=name: m[1] + RENDERERS[n]() + "\n" + m[3], new
            )
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed = True
    return changed


@pytest.mark.parametrize("path", DOC_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("name", BLOCKS)
def test_docs_generated_blocks_are_current(name: str, path: Path) -> None:
    match = block_pattern(name).search(path.read_text(encoding="utf-8"))
    assert match, f"{path.name} lacks the {name} block"
    assert (
        match[2] == RENDERERS[name]() + "\n"
    ), f"{path.name} is out of date: run `python tests/test_packaging.py --update-docs`"


def test_docs_name_every_input_output_and_permission() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name in [*EXPECTED_INPUTS, *EXPECTED_OUTPUTS]:
        assert f"`{name}`" in text, name
    for permission in EXAMPLE_PERMISSIONS:
        assert f"`{permission}: " in text, f"docs/action.md does not explain {permission}"
    for must in (
        "Approve workflows to run",
        "Allow GitHub Actions to create and approve pull requests",
        "fork",
        "runner minutes",
    ):
        assert must in " ".join(text.split()), must


if __name__ == "__main__":
    if sys.argv[1:] == ["--update-docs"]:
        print("docs updated" if update_docs() else "docs already current")
    else:
        sys.exit(pytest.main([__file__, *sys.argv[1:]]))
