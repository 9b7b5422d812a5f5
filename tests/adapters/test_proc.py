"""The one subprocess call site: argv only, explicit environment, closed stdin, capped output,
redacted errors, and timeouts that end the whole process group."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from autorecover.adapters import proc
from autorecover.core.text.redact import Redactor

PY = sys.executable
TOKEN = "gh" + "s_" + "Fak3T0kenForProcTests0123456789abcdefgh"


def python(code: str) -> list[str]:
    return [PY, "-I", "-c", code]


def test_runs_argv_and_captures_output(tmp_path: Path) -> None:
    done = proc.run(
        python("import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)"),
        cwd=tmp_path,
        env=proc.minimal_env(),
        timeout=30,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (3, "out\n", "err\n")
    assert done.argv[0] == PY and not done.truncated


def test_environment_is_exactly_what_was_passed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("INPUT_GITHUB-TOKEN", TOKEN)
    done = proc.run(
        python("import json, os; print(json.dumps(dict(os.environ)))"),
        cwd=tmp_path,
        env=proc.minimal_env({"EXTRA": "1"}),
        timeout=30,
    )
    env = json.loads(done.stdout)
    assert TOKEN not in done.stdout
    assert env["EXTRA"] == "1" and "PATH" in env
    assert set(env) <= {*proc.ENV_ALLOW_LIST, "EXTRA", "LC_CTYPE"}


@pytest.mark.parametrize(
    "name",
    ["GITHUB_TOKEN", "INPUT_GITHUB-TOKEN", "ACTIONS_RUNTIME_TOKEN", "AWS_SECRET_ACCESS_KEY",
     "HTTPS_PROXY", "PYTHONPATH", "LD_PRELOAD", "GIT_CONFIG_COUNT"],
)  # fmt: skip
def test_minimal_env_drops_everything_not_allow_listed(name: str) -> None:
    source = {"PATH": "/usr/bin", "HOME": "/github/home", "LANG": "C.UTF-8", name: TOKEN}
    env = proc.minimal_env(source=source)
    assert env == {"PATH": "/usr/bin", "HOME": "/github/home", "LANG": "C.UTF-8"}


def test_no_shell_interprets_arguments(tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    hostile = f"$(touch {canary}); touch {canary} `touch {canary}` | touch {canary}"
    done = proc.run(
        [*python("import sys; print(sys.argv[1])"), hostile],
        cwd=tmp_path,
        env=proc.minimal_env(),
        timeout=30,
    )
    assert done.stdout == hostile + "\n"
    assert not canary.exists()


def test_stdin_is_closed_unless_input_is_given(tmp_path: Path) -> None:
    code = "import sys; print(repr(sys.stdin.read()))"
    env = proc.minimal_env()
    assert proc.run(python(code), cwd=tmp_path, env=env, timeout=30).stdout == "''\n"
    fed = proc.run(python(code), cwd=tmp_path, env=env, timeout=30, input="data\n")
    assert fed.stdout == "'data\\n'\n"


def test_error_carries_command_code_and_redacted_output(tmp_path: Path) -> None:
    code = f"import sys; print('token {TOKEN}'); sys.exit(2)"
    with pytest.raises(proc.CommandError) as caught:
        proc.run(
            python(code), cwd=tmp_path, env=proc.minimal_env(), timeout=30,
            redact=Redactor([TOKEN]),
        )  # fmt: skip
    error = caught.value
    assert error.returncode == 2 and error.reason == "exit status 2"
    assert TOKEN not in str(error) and TOKEN not in error.output and TOKEN not in error.argv[-1]
    assert "token" in error.output and "-I" in str(error)


def test_error_redacts_credential_shapes_without_a_redactor(tmp_path: Path) -> None:
    with pytest.raises(proc.CommandError) as caught:
        proc.run(
            python(f"print('https://user:{TOKEN}@example.com'); raise SystemExit(1)"),
            cwd=tmp_path,
            env=proc.minimal_env(),
            timeout=30,
        )
    assert TOKEN not in str(caught.value)


def test_missing_executable_is_a_command_error(tmp_path: Path) -> None:
    with pytest.raises(proc.CommandError) as caught:
        proc.run(["definitely-not-a-command-xyz"], cwd=tmp_path, env=proc.minimal_env(), timeout=5)
    assert caught.value.returncode is None
    assert caught.value.reason == "executable not found"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    # A killed process nobody reaped yet (PID 1 in a container may not) is a zombie: dead.
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[-1].split()[0] == "Z")


def test_timeout_kills_the_process_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "grandchild.pid"
    code = (
        "import subprocess, sys, time;"
        f"p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
        f"open({str(pidfile)!r}, 'w').write(str(p.pid));"
        "time.sleep(60)"
    )
    started = time.monotonic()
    with pytest.raises(proc.CommandTimeout) as caught:
        proc.run(python(code), cwd=tmp_path, env=proc.minimal_env(), timeout=1.5)
    assert time.monotonic() - started < 10
    assert "timed out" in str(caught.value)
    grandchild = int(pidfile.read_text())
    for _ in range(100):  # the kill is asynchronous; give the kernel a moment
        if not _alive(grandchild):
            break
        time.sleep(0.02)
    else:
        pytest.fail("the grandchild survived the timeout")


def test_output_is_capped_without_blocking_the_child(tmp_path: Path) -> None:
    code = "import sys; sys.stdout.write('x' * 5_000_000); sys.stderr.write('y' * 5_000_000)"
    done = proc.run(python(code), cwd=tmp_path, env=proc.minimal_env(), timeout=30, max_output=1000)
    assert done.truncated and len(done.stdout) == 1000 and len(done.stderr) == 1000


def test_undecodable_bytes_round_trip_into_argv(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.py")  # Latin-1 name, invalid UTF-8
    (tmp_path / name).write_text("x")
    listing = proc.run(
        python("import os; print(os.listdir(b'.')[0].decode('latin-1'))"),
        cwd=tmp_path,
        env=proc.minimal_env(),
        timeout=30,
    )
    assert listing.stdout.strip() == "café.py"
    back = proc.run(
        [*python("import sys, os; print(os.path.exists(sys.argv[1]))"), name],
        cwd=tmp_path,
        env=proc.minimal_env(),
        timeout=30,
    )
    assert back.stdout.strip() == "True"


def test_argv_must_be_strings(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        proc.run([], cwd=tmp_path, env={}, timeout=1)
    with pytest.raises(TypeError):
        proc.run(["echo", 1], cwd=tmp_path, env={}, timeout=1)  # type: ignore[list-item]


def test_cap_marks_the_cut() -> None:
    assert proc.cap("short", 100) == "short"
    capped = proc.cap("x" * 500, 100)
    assert len(capped) <= 100 and capped.endswith("[... output truncated ...]")


def test_describe_shortens_long_argv() -> None:
    shown = proc.describe(["black", "--", *(f"f{i}.py" for i in range(100))])
    assert shown.startswith("black -- f0.py") and "(90 more arguments)" in shown
    assert proc.describe(["echo", "a b"]) == "echo 'a b'"


def test_the_run_s_deadline_bounds_every_command(tmp_path: Path) -> None:
    """A command's own timeout is long; the run's deadline is shorter and wins (#t50)."""
    import time

    start = time.monotonic()
    with proc.deadline(0.5), pytest.raises(proc.CommandTimeout, match="the run's deadline"):
        proc.run(["sleep", "30"], cwd=tmp_path, env=proc.minimal_env(), timeout=60)
    assert time.monotonic() - start < 10


def test_no_command_starts_after_the_deadline(tmp_path: Path) -> None:
    with proc.deadline(-1), pytest.raises(proc.CommandTimeout, match="has passed"):
        proc.run(["true"], cwd=tmp_path, env=proc.minimal_env(), timeout=60)
    # Outside the block the deadline is gone again.
    assert proc.run(["true"], cwd=tmp_path, env=proc.minimal_env(), timeout=60).returncode == 0
