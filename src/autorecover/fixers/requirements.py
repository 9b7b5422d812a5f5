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

The requirement goes where the importing files say (`_placement`): library code -> the runtime
dependencies of the distribution that owns it; tests -> what the failing step installs or the
test group; CI scripts -> the file the failing step installs. In a file of `==` pins the
newest release the index offers is pinned (the PR says where the version came from), else no
constraint is added. A lock file covering the edited manifest holds the fix for a person.
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

from autorecover import __version__
from autorecover.adapters.gitparse import is_protected_path, safe_relpath
from autorecover.constants import FIXER_ADD_REQUIREMENT
from autorecover.core.applied import FixResult, Verification
from autorecover.core.models import Fix
from autorecover.fixers._base import FixContext, FixerError, read_text
from autorecover.fixers._placement import Placement, oldest_python, place
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
    pinned_style,
    pyproject_declarations,
    requirements_txt_names,
    setup_cfg_declarations,
)
from autorecover.fixers._toolconfig import load_toml
from autorecover.fixers._toolenv import InstallError

UNPINNED_NOTE = (
    "added without a version constraint, as the file does not pin its requirements: "
    "autorecover cannot tell which minimum version the code needs; add one if it does"
)


@dataclass(frozen=True, slots=True)
class _Plan:
    module: str
    requirement: str
    importers: Importers
    placement: Placement
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


def choose_placement(ctx: FixContext, importers: Importers) -> Placement | str:
    named = _named_file(ctx)
    paths = importers.runtime + importers.tests
    return place(ctx.root, ctx.files, paths, named if isinstance(named, Target) else None)


def _pin(ctx: FixContext, target: Target, text: str, requirement: str) -> tuple[str | None, str]:
    """(the version to pin, a note) for a file of `==` pins; (None, "") for any other file."""
    if target.kind is not Kind.REQUIREMENTS or not pinned_style(text):
        return None, ""
    python = oldest_python(ctx.root, target.path, ctx.files)
    try:
        version = ctx.tools.newest(requirement, python)
    except InstallError as exc:
        return None, (
            f"{target.path} pins every requirement, but no version of {requirement} could be "
            f"found on the package index ({exc}): added unpinned, pin it by hand"
        )
    return version, (
        f"pinned {requirement}=={version} as {target.path} pins its requirements: the newest "
        "release the package index offers (a wheel"
        + (f" for Python {python}, the oldest the project supports" if python else "")
        + "), resolved with pip"
    )


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
        placement = choose_placement(ctx, importers)
        if isinstance(placement, str):
            return placement
        for target in placement.targets:
            text = None if target.create else read_text(ctx.root, target.path)
            if text is not None and declared_in(target, text, requirement):
                return f"{requirement} is already declared in {target.describe()}"
        named = _named_file(ctx)
        notes = [f"{requirement} goes to {_where(placement)}: {placement.why}"]
        notes += [f"ignored: {named}"] if isinstance(named, str) else []
        if isinstance(named, Target) and named not in placement.targets:
            notes.append(f"not added to {named.path}, which the failing step installs")
        notes += [
            f"created {t.path}: the project declared no dependencies elsewhere"
            for t in placement.targets
            if t.create
        ]
        return _Plan(module, requirement, importers, placement, tuple(notes))

    def applies(self, fix: Fix, ctx: FixContext) -> tuple[bool, str]:
        plan = self.plan(fix, ctx)
        if isinstance(plan, str):
            return False, ctx.note(plan)
        return True, ctx.note(
            f"add {plan.requirement} to {_where(plan.placement)} ({plan.placement.why})"
        )

    def apply(self, fix: Fix, ctx: FixContext) -> FixResult:
        plan = self.plan(fix, ctx)
        if isinstance(plan, str):
            raise FixerError(ctx.note(plan))
        notes = [f"{plan.module} is imported by {', '.join(_importers(plan)[:3])}", *plan.notes]
        for target in plan.placement.targets:
            section = "test" if plan.importers.tests_only else None
            notes += self._edit(ctx, target, plan.requirement, section)
        if plan.placement.hold:
            notes.append(plan.placement.hold)
        paths = tuple(t.path for t in plan.placement.targets)
        return FixResult(
            paths,
            "autorecover",
            __version__,
            tuple(ctx.note(note) for note in notes),
            hold=ctx.note(plan.placement.hold),
        )

    def _edit(
        self, ctx: FixContext, target: Target, requirement: str, section: str | None
    ) -> list[str]:
        text = "" if target.create else read_text(ctx.root, target.path)
        if text is None:
            raise FixerError(f"cannot read {target.path}")
        version, note = _pin(ctx, target, text, requirement)
        try:
            if target.kind is Kind.REQUIREMENTS:
                new = add_to_requirements_txt(text, requirement, version, section)
            elif target.kind is Kind.SETUP_CFG:
                section, option = target.keys
                new = add_to_setup_cfg(text, section, option, requirement)
            else:
                new = add_to_toml(text, target.keys, requirement, poetry=target.kind is Kind.POETRY)
        except EditRefused as exc:
            raise FixerError(ctx.note(f"cannot edit {target.describe()}: {exc}")) from None
        _write(ctx.root, target.path, new, target.create)
        return [note or f"{target.describe()}: {UNPINNED_NOTE}"]

    def verify(self, fix: Fix, ctx: FixContext) -> Verification:
        """The requirement is declared in the file the edit chose, and that file still parses.
        Chosen over an import check, which would need the package index (network) or an
        install, and must never run repository code."""
        requirement = _requirement(fix.param("distribution").strip())
        module = fix.param("module").strip()
        if requirement is None or not module:
            return Verification(False, (), "nothing to verify: no distribution or module")
        placement = choose_placement(ctx, find_importers(ctx.root, ctx.files, module))
        if isinstance(placement, str):
            return Verification(False, (), ctx.note(placement))
        checked = []
        for target in placement.targets:
            text = read_text(ctx.root, target.path)
            problem = "cannot read it" if text is None else parse_problem(target, text)
            if problem is None and text is not None and not declared_in(target, text, requirement):
                problem = "not declared there"
            if problem:
                message = f"{requirement} in {target.describe()}: {problem}"
                return Verification(False, (), ctx.note(message))
            checked.append(target.describe())
        message = f"{requirement} is declared in {', '.join(checked)}, which parses"
        return Verification(True, (), ctx.note(message + " (declared, not installed)"))


def _where(placement: Placement) -> str:
    return ", ".join(target.describe() for target in placement.targets)


def _importers(plan: _Plan) -> tuple[str, ...]:
    return plan.importers.runtime or plan.importers.tests


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
