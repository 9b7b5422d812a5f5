"""add-requirement: declare the distribution that provides a module the job could not import.

Module names in logs are attacker-controllable (dependency confusion, typosquatting:
docs/security.md#tm06, #t18), so every condition below must hold before a file is edited:

* the run comes from this repository (`ctx.trusted`; a fork's log is never acted on);
* the distribution came through modulemap's allow-list (`Fix.params['distribution']`) and is a
  bare project name (no URL, no version, no marker);
* the module is not the standard library nor the project's own package;
* no declaration of it exists yet (comparing normalised names): then the job installs the
  wrong file or group, which a human must fix;
* tracked code at the failing commit imports it (parsed with `ast`, never executed).

The requirement goes where the project really declares dependencies: the requirements file
the failing install step named, else pyproject.toml (`[project]` or Poetry; a test/dev group
when only tests import it), else setup.cfg, else a requirements file. No version constraint is
added: autorecover cannot know which version the code was written against without the network,
and the PR says so.
"""

from __future__ import annotations

import configparser
import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from autorecover.adapters.gitparse import is_protected_path, safe_relpath
from autorecover.constants import FIXER_ADD_REQUIREMENT
from autorecover.core.models import Fix, FixResult, Verification
from autorecover.fixers._base import FixContext, FixerError, read_text
from autorecover.fixers._pyimports import Importers, find_importers, own_modules
from autorecover.fixers._reqfiles import (
    EditRefused,
    Kind,
    Target,
    add_to_requirements_txt,
    add_to_setup_cfg,
    add_to_toml,
    declared_in,
    is_requirements_file,
    pyproject_declarations,
    pyproject_target,
    requirements_target,
    requirements_txt_names,
    setup_cfg_declarations,
    setup_cfg_target,
)
from autorecover.fixers._toolconfig import load_toml

UNPINNED_NOTE = (
    "added without a version constraint: autorecover cannot tell which version the code was "
    "written against (it does not query the package index); pin it if the project pins"
)


@dataclass(frozen=True, slots=True)
class _Plan:
    module: str
    requirement: str
    importers: Importers
    target: Target
    notes: tuple[str, ...]


def _write(root: Path, path: str, text: str, create: bool) -> None:
    """Write inside the repository only: never through a symlinked directory
    (docs/security.md#t05) nor onto a symlink (O_NOFOLLOW), and never over a file that appeared
    since it was planned (O_EXCL).
    """
    real_root = os.path.realpath(root)
    expected = os.path.normpath(os.path.join(real_root, os.path.dirname(path)))
    if os.path.realpath(os.path.join(real_root, os.path.dirname(path))) != expected:
        raise FixerError(f"refusing to write {path!r}: its directory is a symlink")
    flags = os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    flags |= os.O_CREAT | os.O_EXCL if create else 0
    try:
        fd = os.open(os.path.join(real_root, path), flags, 0o644)
    except OSError as exc:
        raise FixerError(f"cannot write {path!r}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def declarations(ctx: FixContext) -> dict[str, list[str]]:
    """{canonical name: [where it is declared]} over every place the project declares."""
    found: dict[str, list[str]] = {}

    def add(where: str, names: set[str]) -> None:
        for name in names:
            found.setdefault(name, []).append(where)

    for path in ctx.files:
        if is_requirements_file(path) and (text := read_text(ctx.root, path)) is not None:
            add(path, requirements_txt_names(text))
    if "pyproject.toml" in ctx.files:
        for where, names in pyproject_declarations(
            load_toml(ctx.root, "pyproject.toml") or {}
        ).items():
            add(f"pyproject.toml {where}", names)
    if "setup.cfg" in ctx.files and (text := read_text(ctx.root, "setup.cfg")) is not None:
        for where, names in setup_cfg_declarations(text).items():
            add(f"setup.cfg {where}", names)
    return found


def _requirement(distribution: str) -> str | None:
    try:
        req = Requirement(distribution)
    except InvalidRequirement:
        return None
    if req.url or req.extras or req.specifier or req.marker or req.name != distribution:
        return None
    return req.name


def _named_file(ctx: FixContext) -> Target | str | None:
    """The requirements file the failing `pip install -r` named, if it is a safe target."""
    if not ctx.requirements_file:
        return None
    path = safe_relpath(ctx.requirements_file)
    if path is None or is_protected_path(path) or path not in ctx.files:
        return f"the install step named {ctx.requirements_file[:200]!r}, not a tracked file here"
    if not is_requirements_file(path) and not path.endswith((".txt", ".in")):
        return f"the install step named {path!r}, which is not a requirements file"
    return Target(path, Kind.REQUIREMENTS)


def choose_target(ctx: FixContext, importers: Importers) -> Target | str:
    tests_only = importers.tests_only
    named = _named_file(ctx)
    if isinstance(named, Target):
        return named
    if "pyproject.toml" in ctx.files:
        found = pyproject_target(load_toml(ctx.root, "pyproject.toml") or {}, tests_only)
        if found is not None:
            return found
    text = read_text(ctx.root, "setup.cfg") if "setup.cfg" in ctx.files else None
    if text is not None and (target := setup_cfg_target(text, tests_only)) is not None:
        return target
    return requirements_target(ctx.files, tests_only)


class AddRequirementFixer:
    name = FIXER_ADD_REQUIREMENT

    def plan(self, fix: Fix, ctx: FixContext) -> _Plan | str:
        """What would be edited, or why nothing may be."""
        if fix.fixer != self.name:
            return f"{self.name} does not handle {fix.fixer!r}"
        if not ctx.trusted:
            return "requirements are only edited for runs from this repository (TM06)"
        module, distribution = fix.param("module").strip(), fix.param("distribution").strip()
        if not module or not all(part.isidentifier() for part in module.split(".")):
            return f"not a module name: {module[:100]!r}"
        requirement = _requirement(distribution)
        if requirement is None:
            return f"not a bare distribution name: {distribution[:100]!r}"
        top = module.split(".")[0]
        if top in sys.stdlib_module_names:
            return f"{top} is part of the Python standard library"
        pyproject = load_toml(ctx.root, "pyproject.toml") if "pyproject.toml" in ctx.files else None
        if top.lower() in own_modules(ctx.files, pyproject or {}):
            return (
                f"{top} is the project's own module: install the project, do not add a requirement"
            )
        declared = declarations(ctx).get(canonicalize_name(requirement))
        if declared:
            return (
                f"{requirement} is already declared in {', '.join(declared[:3])}: the job does "
                "not install that file or group"
            )
        importers = find_importers(ctx.root, ctx.files, module)
        if not importers.any:
            return f"no tracked Python file imports {module}: a log line alone is not evidence"
        target = choose_target(ctx, importers)
        if isinstance(target, str):
            return target
        named = _named_file(ctx)
        notes = [UNPINNED_NOTE] + ([f"ignored: {named}"] if isinstance(named, str) else [])
        if target.create:
            notes.append(f"created {target.path}: the project declared no dependencies elsewhere")
        return _Plan(module, requirement, importers, target, tuple(notes))

    def applies(self, fix: Fix, ctx: FixContext) -> tuple[bool, str]:
        plan = self.plan(fix, ctx)
        if isinstance(plan, str):
            return False, ctx.note(plan)
        where = "tests" if plan.importers.tests_only else "code"
        return True, ctx.note(
            f"add {plan.requirement} to {plan.target.describe()} ({where} import it)"
        )

    def apply(self, fix: Fix, ctx: FixContext) -> FixResult:
        plan = self.plan(fix, ctx)
        if isinstance(plan, str):
            raise FixerError(ctx.note(plan))
        target = plan.target
        text = "" if target.create else read_text(ctx.root, target.path)
        if text is None:
            raise FixerError(f"cannot read {target.path}")
        try:
            if target.kind is Kind.REQUIREMENTS:
                new = add_to_requirements_txt(text, plan.requirement)
            elif target.kind is Kind.SETUP_CFG:
                section, option = target.keys
                new = add_to_setup_cfg(text, section, option, plan.requirement)
            else:
                new = add_to_toml(
                    text, target.keys, plan.requirement, poetry=target.kind is Kind.POETRY
                )
        except EditRefused as exc:
            raise FixerError(ctx.note(f"cannot edit {target.describe()}: {exc}")) from None
        _write(ctx.root, target.path, new, target.create)
        importers = plan.importers.runtime or plan.importers.tests
        notes = (f"{plan.module} is imported by {', '.join(importers[:3])}", *plan.notes)
        return FixResult((target.path,), self.name, "", tuple(ctx.note(note) for note in notes))

    def verify(self, fix: Fix, ctx: FixContext) -> Verification:
        """The requirement is declared in the file the edit chose, and that file still parses.
        Chosen over an import check, which would need the package index (network) or an
        install, and must never run repository code."""
        requirement = _requirement(fix.param("distribution").strip())
        module = fix.param("module").strip()
        if requirement is None or not module:
            return Verification(False, (), "nothing to verify: no distribution or module")
        target = choose_target(ctx, find_importers(ctx.root, ctx.files, module))
        if isinstance(target, str):
            return Verification(False, (), ctx.note(target))
        text = read_text(ctx.root, target.path)
        problem = "cannot read it" if text is None else parse_problem(target, text)
        if problem is None and text is not None and declared_in(target, text, requirement):
            message = f"{requirement} is declared in {target.describe()}, which parses"
            return Verification(True, (), ctx.note(message + " (declared, not installed)"))
        why = problem or "not declared there"
        return Verification(False, (), ctx.note(f"{requirement} in {target.describe()}: {why}"))


def parse_problem(target: Target, text: str) -> str | None:
    """Why the edited file no longer parses (None: it does)."""
    # A requirements file has no grammar of its own beyond pip's (paths, URLs, options); the
    # added line itself is parsed by declared_in().
    try:
        if target.kind is Kind.SETUP_CFG:
            configparser.ConfigParser(interpolation=None).read_string(text)
        elif target.kind is not Kind.REQUIREMENTS:
            tomllib.loads(text)
    except (configparser.Error, tomllib.TOMLDecodeError) as exc:
        return f"does not parse: {exc}"
    return None
