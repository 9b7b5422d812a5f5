"""The tool environment: which version runs (bundled, or the pinned one from the cache), the
fallback to the bundled version with a note when a pin cannot be installed, and running a tool
isolated from the repository and the runner (docs/security.md#s2, #tm05). Everything here runs
offline: installs use `--no-index` or an installer that never reaches an index."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import venv
from pathlib import Path

import pytest

from autorecover.adapters import proc
from autorecover.constants import TOOL_USER_ENV
from autorecover.core.text.redact import Redactor
from autorecover.fixers._toolenv import TOOLS, InstallError, Tool, ToolEnv, bundled_version
from testing.wheels import OFFLINE, build_wheel, local_index, lock_of

FAKE_TOKEN = "gh" + "s_" + "Fak3T0kenForAutorecoverTests0123456789"  # gitfixtures.FAKE_TOKEN
MISSING = "99.0.0"  # newer than any release of black, isort or ruff


def offline(tmp_path: Path, **options: object) -> ToolEnv:
    """A tool env whose installer only looks in an empty wheel directory."""
    wheels = tmp_path / "no-wheels"
    wheels.mkdir(exist_ok=True)
    install = ("--only-binary=:all:", "--no-index", "--find-links", str(wheels))
    options.setdefault("install_options", install)
    # MISSING is listed, so each case reaches the installer it is about.
    options.setdefault(
        "lock", {spec.distribution: {MISSING: ["0" * 64]} for spec in TOOLS.values()}
    )
    return ToolEnv(tmp_path / "cache", **options)  # type: ignore[arg-type]


def installer(code: str) -> tuple[str, ...]:
    """An installer command that runs `code` instead of pip (it never reaches an index)."""
    return (sys.executable, "-c", code)


def leftovers(tools: ToolEnv) -> list[str]:
    root = tools.cache_dir / "tools"
    return sorted(path.name for path in root.iterdir()) if root.exists() else []


# -- bundled versions ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_bundled_version_is_the_installed_distribution(name: str) -> None:
    assert bundled_version(name) == importlib.metadata.version(TOOLS[name].distribution)


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_bundled_tool_runs_isolated_with_this_interpreter(name: str, tmp_path: Path) -> None:
    tools = ToolEnv(tmp_path / "cache")
    tool = tools.resolve(name)
    assert tool == Tool(name, bundled_version(name), (sys.executable, "-I", "-m", name), "bundled")
    done = tools.run(tool, ["--version"], cwd=tmp_path)
    assert done.returncode == 0 and bundled_version(name) in done.output
    assert leftovers(tools) == []


# -- resolving a pinned version without installing it ----------------------------------------


@pytest.mark.parametrize(
    ("name", "version", "note"),
    [
        ("black", None, None),
        ("black", "bogus!", "ignored black version 'bogus!': not a version"),
        ("ruff", "", "ignored ruff version '': not a version"),
        ("isort", "x" * 100, "ignored isort version '" + "x" * 40 + "': not a version"),
        ("black", "0.0.1", "requirements-dev.txt pins black 0.0.1, older than 22.1.0; ran"),
        ("black", "21.12b0", "pins black 21.12b0, older than 22.1.0"),
        ("isort", "4.3.21", "pins isort 4.3.21, older than 5.0.0"),
        ("ruff", "0.1.1", "pins ruff 0.1.1, older than 0.1.2"),
        ("black", "bundled", "requirements-dev.txt pins black {bundled}, the bundled version"),
        ("isort", "bundled", "pins isort {bundled}, the bundled version"),
        ("ruff", "bundled-spelled-differently", "pins ruff {bundled}.0, the bundled version"),
    ],
    ids=["no-pin", "not-a-version", "empty", "long-garbage-cut", "black-0.0.1",
         "black-too-old", "isort-too-old", "ruff-too-old", "black-bundled", "isort-bundled",
         "ruff-bundled-normalised"],
)  # fmt: skip
def test_versions_that_need_no_install(
    tmp_path: Path, name: str, version: str | None, note: str | None
) -> None:
    bundled = bundled_version(name)
    if version == "bundled":
        version = bundled
    elif version == "bundled-spelled-differently":
        version = f"v{bundled}.0"  # equal to the bundled version under PEP 440
    tools = offline(tmp_path)
    tool = tools.resolve(name, version, "requirements-dev.txt")
    assert (tool.name, tool.version, tool.source) == (name, bundled, "bundled")
    if note is None:
        assert tool.notes == ()
    else:
        assert len(tool.notes) == 1 and note.format(bundled=bundled) in tool.notes[0]
    assert not (tools.cache_dir / "tools").exists()  # nothing was installed


def test_resolved_tools_are_remembered_per_version(tmp_path: Path) -> None:
    tools = offline(tmp_path)
    first = tools.resolve("black", "0.0.1", "a")
    assert tools.resolve("black", "0.0.1", "a") is first
    assert tools.resolve("black", None) is tools.resolve("black", None)
    assert tools.resolve("black", None) is not first


# -- a pin that cannot be installed: the bundled version, with a note ------------------------


@pytest.mark.parametrize(
    ("name", "options", "why"),
    [
        ("black", {}, "no matching distribution"),
        ("isort", {}, "no matching distribution"),
        ("ruff", {}, "no matching distribution"),
        ("black", {"pip_command": installer("pass")}, f"installed nothing instead of {MISSING}"),
        ("black", {"pip_command": installer("import time; time.sleep(30)"), "install_timeout": 1},
         "timed out after 1s"),
        ("isort", {"pip_command": ("/nonexistent/pip",)}, "executable not found"),
        ("black", {"pip_command": installer("import sys; print('index down', file=sys.stderr); sys.exit(2)")},
         "index down"),
    ],
    ids=["black-not-on-index", "isort-not-on-index", "ruff-not-on-index",
         "installer-installed-nothing", "installer-timed-out", "installer-missing",
         "installer-failed"],
)  # fmt: skip
def test_failed_install_falls_back_to_the_bundled_version(
    tmp_path: Path, name: str, options: dict[str, object], why: str
) -> None:
    tools = offline(tmp_path, **options)
    tool = tools.resolve(name, MISSING, "requirements-dev.txt")
    bundled = bundled_version(name)
    assert (tool.version, tool.source, tool.argv[0]) == (bundled, "bundled", sys.executable)
    (note,) = tool.notes
    assert note.startswith(f"could not install {name}=={MISSING} (pinned in requirements-dev.txt)")
    assert note.endswith(f"; ran {bundled}") and why in note.lower()
    assert leftovers(tools) == []  # neither the target nor a staging directory is left


def test_a_forged_wheel_of_a_listed_version_is_refused_s2(tmp_path: Path) -> None:
    """An index (or a mirror, or a proxy) that serves other bytes for black 24.1.0 than PyPI
    published: pip's hash-checking mode refuses them and nothing is installed."""
    index = tmp_path / "forged"
    index.mkdir()
    build_wheel(index, "black", "24.1.0", main="print('pwned')\n")
    tools = ToolEnv(tmp_path / "cache", install_options=(*OFFLINE, str(index)))
    tool = tools.resolve("black", "24.1.0", "requirements-dev.txt")
    assert tool.source == "bundled" and tool.refused.startswith("could not install black==24.1.0")
    assert "do not match the hashes" in tool.refused.lower()
    assert leftovers(tools) == []


def test_a_version_without_hashes_is_never_installed_s2(tmp_path: Path) -> None:
    called = tmp_path / "installer-called"
    tools = ToolEnv(tmp_path / "cache", pip_command=installer(f"open({str(called)!r}, 'w')"))
    tool = tools.resolve("ruff", "0.0.1", "pyproject.toml")  # older than listed
    assert tool.source == "bundled" and "older than" in tool.notes[0]
    tool = tools.resolve("ruff", MISSING, "pyproject.toml")
    assert f"no wheel hashes for ruff {MISSING}" in tool.refused
    assert not called.exists()


def test_a_pinned_version_takes_its_dependencies_from_autorecover_s_environment(
    tmp_path: Path,
) -> None:
    """--no-deps: nothing but the hash-checked wheel is downloaded; click comes from the
    environment the image installed with hashes, after the pinned tool's own files."""
    index = tmp_path / "index"
    index.mkdir()
    main = "import black, click; print(black.__version__, click.__name__)\n"
    build_wheel(index, "black", "24.1.0", requires_dist=("click>=7",), main=main)
    tools = ToolEnv(tmp_path / "c", install_options=(*OFFLINE, str(index)), lock=lock_of(index))
    tool = tools.resolve("black", "24.1.0", "requirements-dev.txt")
    assert not tool.refused, tool.refused
    assert tools.run(tool, [], cwd=tmp_path).stdout.split() == ["24.1.0", "click"]


def test_a_pinned_version_whose_dependencies_are_not_met_is_refused(tmp_path: Path) -> None:
    index = tmp_path / "index"
    index.mkdir()
    build_wheel(index, "black", "24.1.0", requires_dist=("click>=999",))
    tools = ToolEnv(tmp_path / "c", install_options=(*OFFLINE, str(index)), lock=lock_of(index))
    tool = tools.resolve("black", "24.1.0", "requirements-dev.txt")
    assert "black needs click>=999 (have" in tool.refused
    assert leftovers(tools) == []


def test_install_failure_note_is_redacted(tmp_path: Path) -> None:
    code = f"print('auth failed for {FAKE_TOKEN}'); raise SystemExit(1)"
    tools = offline(tmp_path, pip_command=installer(code), redactor=Redactor([FAKE_TOKEN]))
    (note,) = tools.resolve("black", MISSING, "requirements.txt").notes
    assert "auth failed for" in note and FAKE_TOKEN not in note


def test_half_built_install_is_removed(tmp_path: Path) -> None:
    tools = offline(tmp_path)
    half = tools.cache_dir / "tools" / f"black-{MISSING}"
    half.mkdir(parents=True)
    (half / "junk").write_text("left by a killed run\n")
    tool = tools.resolve("black", MISSING, "requirements.txt")
    assert tool.source == "bundled" and not half.exists()


def _site_packages(root: Path) -> Path:
    return Path(sysconfig.get_path("purelib", vars={"base": str(root), "platbase": str(root)}))


def test_a_completed_install_is_reused_and_run(tmp_path: Path) -> None:
    """A cache entry marked complete is run from its own environment, with no install."""
    called = tmp_path / "installer-called"
    tools = offline(tmp_path, pip_command=installer(f"open({str(called)!r}, 'w')"))
    target = tools.cache_dir / "tools" / f"black-{MISSING}"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(target)
    package = _site_packages(target) / "black"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(f"print('black {MISSING} from the cache')\n")
    (target / ".complete").write_text(MISSING + "\n")

    tool = tools.resolve("black", MISSING, "requirements-dev.txt")
    assert (tool.version, tool.source) == (MISSING, "requirements-dev.txt")
    assert tool.notes == (f"ran black {MISSING} as pinned in requirements-dev.txt",)
    assert Path(tool.argv[0]).is_relative_to(target) and tool.argv[1:] == ("-I", "-m", "black")
    done = tools.run(tool, ["--version"], cwd=tmp_path)
    assert done.stdout.strip() == f"black {MISSING} from the cache"
    assert not called.exists()


# -- running a tool --------------------------------------------------------------------------


def test_run_reports_a_failing_check_without_raising(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("x  =  [1,2 ,3]\n")
    tools = ToolEnv(tmp_path / "cache")
    done = tools.run(tools.resolve("black"), ["--check", "--", "bad.py"], cwd=tmp_path)
    assert done.returncode == 1 and "would reformat bad.py" in done.output
    assert (tmp_path / "bad.py").read_text() == "x  =  [1,2 ,3]\n"


def test_run_formats_in_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import sys\nimport os\n")
    tools = ToolEnv(tmp_path / "cache")
    done = tools.run(tools.resolve("isort"), ["--quiet", "--", "a.py"], cwd=tmp_path)
    assert done.returncode == 0
    assert (tmp_path / "a.py").read_text() == "import os\nimport sys\n"


def test_repository_modules_never_shadow_the_tool(tmp_path: Path) -> None:
    """`-I`: a `click.py` or `black.py` in the repository is not imported (docs/security.md#s2)."""
    canary = tmp_path / "pwned"
    payload = f"open({str(canary)!r}, 'w').write('imported')\n"
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("black.py", "click.py", "isort.py", "sitecustomize.py", "usercustomize.py"):
        (repo / name).write_text(payload)
    (repo / "x.py").write_text("x  =  1\n")
    env = {**proc.minimal_env(), "PYTHONPATH": str(repo), "PYTHONSTARTUP": str(repo / "black.py")}
    tools = ToolEnv(tmp_path / "cache", base_env=env)
    for name in ("black", "isort", "ruff"):
        done = tools.run(tools.resolve(name), ["--version"], cwd=repo)
        assert done.returncode == 0, done.output
    assert tools.run(tools.resolve("black"), ["--", "x.py"], cwd=repo).returncode == 0
    assert (repo / "x.py").read_text() == "x = 1\n"
    assert not canary.exists()


def test_tools_run_with_the_allow_listed_environment_and_a_neutral_home(tmp_path: Path) -> None:
    base = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "runner-home"),
        "LANG": "C.UTF-8",
        "GITHUB_TOKEN": FAKE_TOKEN,
        "INPUT_GITHUB-TOKEN": FAKE_TOKEN,
        "HTTPS_PROXY": "http://user:pw@proxy:3128",
        "PYTHONPATH": "/tmp",
        "BLACK_CACHE_DIR": "/tmp/black-cache",
    }
    tools = ToolEnv(tmp_path / "cache", base_env=base, extra_env={"BLACK_NUM_WORKERS": "1"})
    code = "import json, os; print(json.dumps(dict(os.environ)))"
    dump = Tool("env", "0", (sys.executable, "-c", code), "test")
    seen = json.loads(tools.run(dump, [], cwd=tmp_path).stdout)
    home = tools.cache_dir / "home"
    assert {k: seen[k] for k in ("PATH", "LANG", "HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")} == {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    assert (seen["NO_COLOR"], seen["PYTHONDONTWRITEBYTECODE"], seen["BLACK_NUM_WORKERS"]) == (
        "1",
        "1",
        "1",
    )
    for name in (
        "GITHUB_TOKEN",
        "INPUT_GITHUB-TOKEN",
        "HTTPS_PROXY",
        "PYTHONPATH",
        "BLACK_CACHE_DIR",
    ):
        assert name not in seen
    assert FAKE_TOKEN not in json.dumps(seen) and home.is_dir()


def test_the_runners_user_configuration_is_not_read(tmp_path: Path) -> None:
    """A user-level black configuration an earlier step wrote under the runner's HOME."""
    runner_home = tmp_path / "runner-home"
    (runner_home / ".config").mkdir(parents=True)
    (runner_home / ".config" / "black").write_text(
        "[tool.black]\nskip-string-normalization = true\n"
    )
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".git").mkdir()  # the project root black looks for: no configuration in it
    (repo / "x.py").write_text("x = 'single'\n")
    env = {**proc.minimal_env(), "HOME": str(runner_home)}
    env.pop("XDG_CONFIG_HOME", None)
    # Control: black itself, with the runner's HOME, honours that file.
    control = subprocess.run(
        [sys.executable, "-I", "-m", "black", "--check", "--", "x.py"],
        cwd=repo, env=env, capture_output=True, check=False,
    )  # fmt: skip
    assert control.returncode == 0, control.stderr
    tools = ToolEnv(tmp_path / "cache", base_env=env)
    done = tools.run(tools.resolve("black"), ["--check", "--", "x.py"], cwd=repo)
    assert done.returncode == 1 and "would reformat x.py" in done.output


def test_a_tool_that_runs_too_long_is_killed(tmp_path: Path) -> None:
    tools = ToolEnv(tmp_path / "cache", run_timeout=0.5)
    sleeper = Tool("sleeper", "0", (sys.executable, "-c", "import time; time.sleep(30)"), "test")
    with pytest.raises(proc.CommandTimeout, match="timed out"):
        tools.run(sleeper, [], cwd=tmp_path)


def test_cache_dir_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    tools = ToolEnv("relative-cache")
    assert tools.cache_dir == tmp_path / "relative-cache"
    assert tools.env["HOME"] == str(tmp_path / "relative-cache" / "home")


def test_newest_release_is_resolved_from_the_index(tmp_path: Path) -> None:
    index = local_index(tmp_path / "index", {"respx": ["0.21.1", "0.22.0"]})
    tools = ToolEnv(tmp_path / "cache", install_options=index)
    assert tools.newest("respx") == "0.22.0"
    assert tools.newest("respx<0.22") == "0.21.1"
    with pytest.raises(InstallError):
        tools.newest("not-on-the-index")


def test_newest_release_for_an_older_python_skips_what_it_cannot_install(tmp_path: Path) -> None:
    """A pin must install on the project's oldest Python: respx 0.22.0 wants 3.10 here."""
    index = local_index(
        tmp_path / "index", {"respx": ["0.21.1", "0.22.0"]}, {"respx==0.22.0": ">=3.10"}
    )
    tools = ToolEnv(tmp_path / "cache", install_options=index)
    assert tools.newest("respx", "3.9") == "0.21.1"
    assert tools.newest("respx", "3.12") == "0.22.0"
    assert tools.newest("respx") == "0.22.0"


NOBODY = 65534


@pytest.mark.skipif(os.geteuid() != 0, reason="the container runs as root; setuid needs root")
@pytest.mark.skipif(not os.access("/usr/bin/python3", os.X_OK), reason="needs a system Python")
def test_as_root_a_tool_cannot_read_autorecover_s_own_environment(tmp_path: Path) -> None:
    """A formatter (or its configuration: docs/security.md#a10-8) that reads the parent's
    /proc/<pid>/environ, where the token is, gets "Permission denied" as the tool user;
    as root it would read it. The tree it formats is its own while it runs, and root's
    again afterwards."""
    tree = Path(tempfile.mkdtemp(dir="/tmp"))  # reachable by another user, unlike tmp_path
    tree.chmod(0o755)
    (tree / "a.py").write_text("x = 1\n")
    steal = Tool("black", "0", ("/bin/cat", f"/proc/{os.getpid()}/environ"), "bundled")
    probe = Tool("black", "0", ("/usr/bin/stat", "-c", "%u", "a.py"), "bundled")
    try:
        as_root = ToolEnv(tmp_path / "root-cache", base_env={"PATH": "/usr/bin:/bin"})
        assert as_root.tool_user is None and as_root.run(steal, [], cwd=tree).returncode == 0
        tools = ToolEnv(
            tmp_path / "cache",
            # The interpreter that cuts the tool off the network runs as the tool user too:
            # in the image it is /usr/local/bin/python3; here the system's, which nobody
            # can reach (this test's own may live under /root).
            python="/usr/bin/python3",
            base_env={"PATH": "/usr/bin:/bin", TOOL_USER_ENV: str(NOBODY)},
        )
        stolen = tools.run(steal, [], cwd=tree)
        assert stolen.returncode != 0 and "Permission denied" in stolen.stderr
        assert "PATH=" not in stolen.stdout
        assert tools.run(probe, [], cwd=tree).stdout.strip() == str(NOBODY)
        assert (tree / "a.py").stat().st_uid == os.geteuid()
    finally:
        shutil.rmtree(tree)


NETWORK_PROBE = """
import socket
for family in (socket.AF_INET, socket.AF_INET6, socket.AF_UNIX):
    try:
        socket.socket(family, socket.SOCK_STREAM).close()
        print(family.name, "open")
    except OSError as exc:
        print(family.name, "refused", exc.errno)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the filter is Linux's seccomp")
def test_a_tool_gets_no_internet_socket_but_unix_sockets_work_s2(tmp_path: Path) -> None:
    """A formatter, or a configuration that makes it reach out, cannot open a TCP or UDP
    socket: the seccomp filter answers EACCES (13); pipes and Unix sockets still work."""
    probe = Tool("black", "0", (sys.executable, "-c", NETWORK_PROBE), "bundled")
    done = ToolEnv(tmp_path / "cache").run(probe, [], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == [
        "AF_INET refused 13",
        "AF_INET6 refused 13",
        "AF_UNIX open",
    ]


def test_the_tool_user_is_only_taken_when_it_is_a_user_other_than_root(tmp_path: Path) -> None:
    for value in ("0", "nobody", "", "-1"):
        env = {"PATH": "/usr/bin:/bin", TOOL_USER_ENV: value}
        assert ToolEnv(tmp_path, base_env=env).tool_user is None
