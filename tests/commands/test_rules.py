"""`autorecover rules list | show ID | test FILE`, through `cli.main`: the knowledge base as
people writing rules see it, with a config's added, overridden and disabled rules applied."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml

from autorecover.core.rules.loader import load_ruleset
from testing import DATA
from testing.cli import framed, run

BUILTIN = load_ruleset()
ADDED = (
    "rules:\n"
    "  add:\n"
    "    - {id: deploy-quota, category: resource_exhaustion, severity: low, title: Quota spent,"
    " patterns: ['deploy aborted: quota spent'], explanation: e, remediation: r}\n"
    "  override:\n"
    "    - {id: black-would-reformat, severity: high}\n"
    "  disable: [python-module-not-found]\n"
)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "autorecover.yml"
    path.write_text(ADDED)
    return path


def test_rules_list_show_test(capsys: pytest.CaptureFixture[str], logs: dict[str, Path]) -> None:
    code, out, _ = run(capsys, "rules", "list", "--format", "json")
    rules = json.loads(out)
    assert code == 0 and any(r["id"] == "python-module-not-found" for r in rules)
    code, out, _ = run(capsys, "rules", "show", "python-module-not-found")
    assert code == 0 and "category: dependency_issue" in out
    code, _, err = run(capsys, "rules", "show", "python-module-not-fund")
    assert code == 1 and "did you mean 'python-module-not-found'" in err
    code, out, _ = run(capsys, "rules", "test", str(logs["yaml"]))
    assert code == 0 and "*python-module-not-found (line 3" in out


# -- list ------------------------------------------------------------------------------------


def test_list_text_is_sorted_by_category_then_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "list")
    lines = out.splitlines()
    assert code == 0 and lines[-2:] == ["", f"{len(BUILTIN.rules)} rules"]
    by_id = {rule.id: rule for rule in BUILTIN.rules}
    keys = []
    for line in lines[:-2]:
        rule_id, category, severity, priority, *flags = line.split()
        rule = by_id[rule_id]
        assert (category, severity, priority) == (
            str(rule.category), str(rule.severity), f"p{rule.priority}",
        )  # fmt: skip
        fix = [f"fix:{rule.fix.fixer}"] if rule.fix else []
        assert flags == ["transient"] * rule.transient + fix
        keys.append((category, rule_id))
    assert keys == sorted(keys) and sorted(id_ for _, id_ in keys) == sorted(by_id)


@pytest.mark.parametrize(
    ("rule_id", "flags"),
    [
        ("python-module-not-found", "fix:add-requirement"),
        ("black-would-reformat", "fix:black"),
        ("action-download-failed", "transient"),
    ],
    ids=["requirement-fix", "formatter-fix", "transient"],
)
def test_list_text_flags(capsys: pytest.CaptureFixture[str], rule_id: str, flags: str) -> None:
    _, out, _ = run(capsys, "rules", "list")
    (line,) = [line for line in out.splitlines() if line.startswith(rule_id + " ")]
    rule = BUILTIN.get(rule_id)
    assert rule is not None
    assert line.split() == [rule_id, str(rule.category), str(rule.severity),
                            f"p{rule.priority}", flags]  # fmt: skip


def test_list_json_is_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "list", "--format", "json")
    rules = json.loads(out)
    assert code == 0 and [r["id"] for r in rules] == [r.id for r in BUILTIN.rules]
    assert all(
        set(r) >= {"id", "category", "severity", "title", "patterns", "priority", "origin"}
        for r in rules
    )
    by_id = {r["id"]: r for r in rules}
    assert by_id["black-would-reformat"]["fix"]["fixer"] == "black"
    assert "fix" not in by_id["action-download-failed"]


def test_list_applies_the_config(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    _, out, _ = run(capsys, "rules", "list", "--format", "json", "--config", str(config))
    by_id = {r["id"]: r for r in json.loads(out)}
    assert "python-module-not-found" not in by_id
    assert by_id["deploy-quota"]["category"] == "resource_exhaustion"
    assert by_id["black-would-reformat"]["severity"] == "high"
    assert len(by_id) == len(BUILTIN.rules)  # one added, one disabled
    _, text, _ = run(capsys, "rules", "list", "--config", str(config))
    assert text.endswith(f"\n{len(BUILTIN.rules)} rules\n") and "\ndeploy-quota " in text


# -- show ------------------------------------------------------------------------------------


def test_show_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "show", "black-would-reformat")
    rule = BUILTIN.get("black-would-reformat")
    assert code == 0 and rule is not None
    lines = out.splitlines()
    assert lines[:3] == [
        "id: black-would-reformat",
        f"category: {rule.category}",
        f"severity: {rule.severity}",
    ]
    # YAML, as the rule would be written under `rules.add`: it reads back as the rule.
    assert yaml.safe_load(out) == rule.to_dict()
    assert "patterns:\n  - " in out and "fix:\n  fixer: black\n" in out


def test_show_json_is_the_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "show", "python-module-not-found", "--format", "json")
    rule = BUILTIN.get("python-module-not-found")
    assert code == 0 and rule is not None
    assert json.loads(out) == {"schema_version": 1, **rule.to_dict()}


def test_show_an_added_rule(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    code, out, _ = run(capsys, "rules", "show", "deploy-quota", "--config", str(config))
    assert code == 0
    data = yaml.safe_load(out)
    assert data["title"] == "Quota spent" and data["patterns"] == ["deploy aborted: quota spent"]


@pytest.mark.parametrize(
    ("rule_id", "with_config", "message"),
    [
        ("python-module-not-fund", False,
         r"no rule 'python-module-not-fund' \(did you mean 'python-module-not-found'\?\)"),
        ("zzzzqqq", False, r"no rule 'zzzzqqq'"),
        ("python-module-not-found", True,
         r"no rule 'python-module-not-found'(?! \(did you mean 'python-module-not-found').*"),
        ("deploy-quot", True, r"no rule 'deploy-quot' \(did you mean 'deploy-quota'\?\)"),
    ],
    ids=["typo", "gibberish", "disabled", "typo-of-an-added-rule"],
)  # fmt: skip
def test_show_an_unknown_rule(
    capsys: pytest.CaptureFixture[str], config: Path, rule_id: str, with_config: bool, message: str
) -> None:
    options = ("--config", str(config)) if with_config else ()
    code, out, err = run(capsys, "rules", "show", rule_id, *options)
    assert (code, out) == (1, "")
    assert re.fullmatch(f"autorecover: error: {message}\n", err), err


# -- test ------------------------------------------------------------------------------------


def test_test_text_marks_the_primary_rule(
    capsys: pytest.CaptureFixture[str], logs: dict[str, Path]
) -> None:
    code, out, _ = run(capsys, "rules", "test", str(logs["yaml"]))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == str(logs["yaml"])
    assert lines[1] == (
        " *python-module-not-found (line 3, step Run pytest): "
        "E   ModuleNotFoundError: No module named 'yaml'"
    )
    assert lines[-1] == "  primary: python-module-not-found -> dependency_issue, fix_pr"


def test_test_text_when_nothing_matches(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    log = tmp_path / "plain.log"
    log.write_text("hello\nworld\n")
    code, out, _ = run(capsys, "rules", "test", str(log))
    assert code == 1  # like grep: no rule matched
    # A log given to autorecover is taken to be of a failed job: unrecognised, an issue.
    assert out == f"{log}\n  no rule matched\n  primary: none -> unknown, issue\n"


def test_test_json(capsys: pytest.CaptureFixture[str], logs: dict[str, Path]) -> None:
    code, out, _ = run(capsys, "rules", "test", str(logs["black"]), "--format", "json")
    (entry,) = json.loads(out)
    assert code == 0
    assert (entry["source"], entry["primary"], entry["failing_step"]) == (
        str(logs["black"]),
        "black-would-reformat",
        "Run pytest",
    )
    assert "black-would-reformat" in [m["rule"] for m in entry["matches"]]
    assert all(set(m) >= {"rule", "line", "text", "captures", "step"} for m in entry["matches"])


def test_test_a_zip_lists_each_job(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    archive = tmp_path / "run.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("0_lint.txt", framed("would reformat a.py"))
        zf.writestr("1_test.txt", framed("E   ModuleNotFoundError: No module named 'yaml'"))
    _, out, _ = run(capsys, "rules", "test", str(archive), "--format", "json")
    assert [(e["source"], e["primary"]) for e in json.loads(out)] == [
        (f"{archive}:lint", "black-would-reformat"),
        (f"{archive}:test", "python-module-not-found"),
    ]


def test_test_uses_the_configured_rules(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, config: Path
) -> None:
    log = tmp_path / "deploy.log"
    log.write_text(framed("deploy aborted: quota spent"))
    _, out, _ = run(capsys, "rules", "test", str(log), "--config", str(config))
    assert " *deploy-quota (line 3, step Run pytest): deploy aborted: quota spent" in out
    assert out.endswith("  primary: deploy-quota -> resource_exhaustion, issue\n")


def test_test_on_a_corpus_log(capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "logs" / "tools" / "isort-check.log"
    code, out, _ = run(capsys, "rules", "test", str(path))
    assert code == 0 and out.startswith(f"{path}\n")
    assert out.count(" *isort-incorrectly-sorted (line ") == 2
    assert out.endswith("  primary: isort-incorrectly-sorted -> linting_error, fix_pr\n")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [("missing.log", None, "no such file"), ("empty.log", b"", "the file is empty")],
    ids=["missing", "empty"],
)
def test_test_a_bad_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, data: bytes | None, message: str
) -> None:
    if data is not None:
        (tmp_path / name).write_bytes(data)
    code, out, err = run(capsys, "rules", "test", str(tmp_path / name))
    assert (code, out) == (1, "") and message in err and err.count("\n") == 1
