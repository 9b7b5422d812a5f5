#!/usr/bin/env python3
"""Build the corpus of real tool logs in ``tests/data/logs/tools/``.

Every case is a small broken project. The script lays out a temporary directory like a
hosted runner (``home/runner/work/<repo>/<repo>``, ``opt/hostedtoolcache/Python/<v>/x64``),
writes the project there, copies a CPython 3.12 installation into the tool cache (standing
in for ``actions/setup-python``), and runs the workflow's ``run:`` steps for real, the way
the runner does: each step's script is written to ``work/_temp/<uuid>.sh`` and executed with
``/usr/bin/bash -e``, stdout and stderr merged, nothing attached to a terminal, as an
unprivileged user when the script is started as root. The captured output is then wrapped
in the framing that GitHub serves for a job's log (timestamps, "Set up job", checkout,
setup-python, ``##[group]Run ...`` headers, ``##[error]Process completed with exit code
N.``, post-job cleanup).

Only the framing is written by this script. What a tool printed is kept byte for byte,
except that the temporary root is cut from paths (so they read ``/home/runner/work/...`` and
``/opt/hostedtoolcache/...``). A few things that the runner itself does are emulated:
workflow commands (``::error ...::``, ``::group::``) are shown as ``##[error]`` /
``##[group]`` lines, and a step or job that runs past its time limit is interrupted (SIGINT,
then SIGTERM, as the runner cancels) and followed by the runner's timeout message. The step
timeout case really waits for its one minute; the job timeout case is interrupted after a few
seconds and its message names the nominal limit.

A few broken states are set up out of sight before the job, as a repository would simply
contain them: a stale lock file (``prepare``), an output path that is a full device, an
address-space limit standing in for a runner's memory (``Step.memory_limit``), a package
mirror on 127.0.0.1 that accepts connections and never answers (``stalling_port``).

Tools are pinned in ``PINS`` and installed from PyPI by the logged ``pip install`` step, so a
run needs access to PyPI (and to the npm registry for pyright). Timestamps are derived from
the case name plus the real time each line took to arrive, so they advance realistically.

Usage::

    python scripts/generate_tool_logs.py               # every case
    python scripts/generate_tool_logs.py --only pytest-color --keep
    python scripts/generate_tool_logs.py --list

The script also rewrites ``tests/data/logs/cases-tools.yaml`` (the expected results) for the
cases it ran, keeping the entries of the cases it did not run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = (
    Path(__file__).resolve().parents[1] / "tests" / "data" / "logs" / "tools"
)  # the logs it writes
TABLE = HERE.parent / "cases-tools.yaml"
TABLE_HEADER = """\
# Real-tool corpus: expected analyzer results for tests/data/logs/tools/.
#
# Every file under tools/ is the real output of a real tool (black, isort, ruff, flake8,
# pylint, mypy, pyright, pytest, unittest, CPython, bash, pip, uv, poetry, bandit) run
# by tools/generate.py on a small broken project, wrapped in the per-job log framing
# GitHub serves from GET /repos/{o}/{r}/actions/jobs/{id}/logs. Only the framing is
# synthetic (set-up job, checkout, setup-python, step headers, timestamps, post-job
# cleanup, and the runner's own timeout messages); the projects run in a temporary copy
# of a runner's layout whose root is cut from paths (/home/runner/work/<repo>/<repo>,
# /opt/hostedtoolcache/Python/<v>/x64).
# `source` names the tool versions and the generator case. Generated: edit the cases in
# tools/generate.py and re-run it rather than editing this file.
#
# Fields are those of cases-public.yaml, plus `severity` (low | medium | high | critical)
# where the expected severity is certain.
"""

# Versions installed by the logged `pip install` steps.
PINS: dict[str, str] = {
    "bandit": "1.9.4",
    "black": "26.10.1",
    "flake8": "7.5.0",
    "isort": "9.0.2",
    "mypy": "2.4.1",
    "poetry": "2.5.1",
    "pylint": "4.1.4",
    "pyright": "1.1.414",
    "pytest": "9.2.0",
    "pytest-timeout": "2.4.0",
    "PyYAML": "6.0.3",
    "requests": "2.34.2",
    "ruff": "0.17.6",
    "uv": "0.13.9",
}

OWNER = "acme-labs"
RUNNER_VERSION = "2.321.0"
GIT_VERSION = "2.47.1"
CHECKOUT_SHA = "11bd71901bbe5b1630ceea73d27597364c9af683"
SETUP_PYTHON_SHA = "0b93645e9fea7318ecaed2b359559ac225c90a2b"
FIRST_JOB_START = datetime(2026, 11, 16, 8, 2, 11, tzinfo=UTC)
# Longest a step may really run when it is not meant to be cancelled.
STEP_HARD_LIMIT = 900.0
RUNNER_UID = 1001
# The runner interrupts a cancelled step with SIGINT, then SIGTERM after 7.5 s, then SIGKILL.
CANCEL_GRACE = 7.5

CATEGORIES = frozenset(
    {
        "dependency_issue",
        "linting_error",
        "syntax_error",
        "test_failure",
        "type_error",
        "security_scan",
        "build_error",
        "timeout",
        "network_error",
        "permission_error",
        "resource_exhaustion",
        "configuration_error",
        "unknown",
    }
)
ACTIONS = frozenset({"fix_pr", "rerun", "issue", "none"})
SEVERITIES = frozenset({"low", "medium", "high", "critical"})
# Workflow commands that the runner turns into log markup (and, for the first three, annotations).
WORKFLOW_COMMAND = re.compile(r"^::(error|warning|notice|group|endgroup)(?: [^:]*)?::(.*)$")


# --------------------------------------------------------------------------- case model


@dataclass(frozen=True)
class Step:
    """One `run:` step of the workflow."""

    script: str
    name: str | None = None  # the step's `name:`; only the runner's timeout message shows it
    env: Mapping[str, str] = field(default_factory=dict)
    cancel_after: float | None = None  # real seconds before the runner's time limit is emulated
    timeout_minutes: int | None = None  # the step's `timeout-minutes:`, shown in the message
    memory_limit: int | None = None  # address-space limit (bytes) of the step's processes

    @property
    def lines(self) -> list[str]:
        return textwrap.dedent(self.script).strip("\n").splitlines()

    @property
    def header(self) -> str:
        return f"Run {self.lines[0]}"


@dataclass(frozen=True)
class Expect:
    category: str
    action: str
    fixes: tuple[str, ...] = ()
    severity: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        assert self.category in CATEGORIES, self.category
        assert self.action in ACTIONS, self.action
        assert self.severity is None or self.severity in SEVERITIES, self.severity
        assert bool(self.fixes) == (self.action == "fix_pr"), "fixes go with fix_pr only"


@dataclass(frozen=True)
class Case:
    name: str  # file stem of the log
    repo: str  # repository name (owner is OWNER)
    job: str  # the job's display name
    about: str  # what the project is, for the `source` column
    tools: tuple[str, ...]  # distributions (or "python", "bash") whose versions go in `source`
    files: Mapping[str, str]
    steps: tuple[Step, ...]
    expect: Expect
    workflow_env: Mapping[str, str] = field(default_factory=dict)
    # Hidden preparation of the repository state, run before the job (e.g. creating a lock
    # file that is then made stale); `prepare_tools` are installed in a separate environment.
    prepare: tuple[str, ...] = ()
    prepare_tools: tuple[str, ...] = ()
    job_timeout_minutes: int | None = None  # emulate the job's `timeout-minutes:` on the last step
    stalling_port: int | None = None  # serve a TCP port on 127.0.0.1 that never answers


# --------------------------------------------------------------------------- helpers


def src(text: str) -> str:
    """A project file written inline: dedented, without the leading newline."""
    return textwrap.dedent(text).lstrip("\n")


def pinned(*names: str) -> str:
    return "".join(f"{name}=={PINS[name]}\n" for name in names)


INSTALL_DEV = Step("""
    python -m pip install --upgrade pip
    pip install -r requirements-dev.txt
    """)
INSTALL_REQ = Step("""
    python -m pip install --upgrade pip
    pip install -r requirements.txt
    """)


def lint_case(
    name: str,
    repo: str,
    about: str,
    tool: str,
    command: str,
    files: Mapping[str, str],
    expect: Expect,
    *,
    workflow_env: Mapping[str, str] | None = None,
    extra_tools: tuple[str, ...] = (),
) -> Case:
    """A `lint` job: install the tool from requirements-dev.txt, then run one command."""
    return Case(
        name=name,
        repo=repo,
        job="lint",
        about=about,
        tools=(tool,),
        files={"requirements-dev.txt": pinned(tool, *extra_tools), **files},
        steps=(INSTALL_DEV, Step(command)),
        expect=expect,
        workflow_env=workflow_env or {},
    )


def test_case(
    name: str,
    repo: str,
    about: str,
    command: str,
    files: Mapping[str, str],
    expect: Expect,
    *,
    requirements: str | None = None,
    tools: tuple[str, ...] = ("pytest",),
    workflow_env: Mapping[str, str] | None = None,
    step_env: Mapping[str, str] | None = None,
    install: Step = INSTALL_DEV,
) -> Case:
    """A `test (3.12)` job: install from requirements-dev.txt, then run the tests."""
    reqs = requirements if requirements is not None else pinned(*tools)
    req_file = "requirements-dev.txt" if install is INSTALL_DEV else "requirements.txt"
    return Case(
        name=name,
        repo=repo,
        job="test (3.12)",
        about=about,
        tools=tools,
        files={req_file: reqs, **files},
        steps=(install, Step(command, env=step_env or {})),
        expect=expect,
        workflow_env=workflow_env or {},
    )


def fmt(fixer: str, note: str | None = None) -> Expect:
    return Expect("linting_error", "fix_pr", (fixer,), "low", note)


def add_requirement(distribution: str, note: str | None = None) -> Expect:
    return Expect(
        "dependency_issue", "fix_pr", (f"add-requirement:{distribution}",), "medium", note
    )


def issue(category: str, note: str | None = None, severity: str | None = None) -> Expect:
    return Expect(category, "issue", (), severity, note)


PYPROJECT_SRC = src("""
    [project]
    name = "{name}"
    version = "0.1.0"
    requires-python = ">=3.11"

    [tool.pytest.ini_options]
    pythonpath = ["src"]
    testpaths = ["tests"]
    """)


def pyproject(name: str, *pytest_options: str) -> str:
    """A minimal pyproject.toml; extra lines go into [tool.pytest.ini_options]."""
    return PYPROJECT_SRC.format(name=name) + "".join(f"{line}\n" for line in pytest_options)


# --------------------------------------------------------------------------- the cases

INVENTORY_MODELS = src("""
    from dataclasses import dataclass,field
    from typing import Optional


    @dataclass
    class Item:
        sku : str
        name: str
        quantity: int=0
        tags: list[str] = field(default_factory = list)

        def restock(self,amount:int)->None:
            if amount<=0:
                raise ValueError( 'amount must be positive' )
            self.quantity+=amount


    def find_item(items: list[Item], sku: str) -> Optional[Item]:
        return next((item for item in items if item.sku==sku), None)
    """)

INVENTORY_API = src("""
    import json
    from inventory.models import Item, find_item

    def render(items: list[Item]) -> str:
        return json.dumps([{'sku': i.sku, 'name': i.name, 'quantity': i.quantity} for i in items], indent=2)
    def lookup(items: list[Item], sku: str) -> dict[str, object] | None:
        item = find_item(items, sku)
        return None if item is None else {'sku': item.sku,
            'quantity': item.quantity}
    """)

INVENTORY_TESTS = src("""
    import pytest

    from inventory.models import Item


    def test_restock() -> None:
        item = Item(sku="A-1", name="bolt")
        item.restock(5)
        assert item.quantity == 5


    def test_restock_rejects_zero() -> None:
        with pytest.raises(ValueError):
            Item(sku="A-1", name="bolt").restock(0)
    """)

UNSORTED_IMPORTS_SERVICE = src("""
    import sys
    from decimal import Decimal
    import os
    from billing.tax import rate_for
    import logging
    from typing import Iterable
    from billing import currency

    log = logging.getLogger(__name__)


    def total(amounts: Iterable[Decimal], region: str) -> Decimal:
        subtotal = sum(amounts, Decimal(0))
        log.debug("region %s, pid %s, argv %s", region, os.getpid(), sys.argv)
        return currency.round_cents(subtotal * (1 + rate_for(region)))
    """)

BILLING_TAX = src("""
    from decimal import Decimal

    RATES = {"eu": Decimal("0.21"), "us": Decimal("0.07")}


    def rate_for(region: str) -> Decimal:
        return RATES.get(region, Decimal(0))
    """)

BILLING_CURRENCY = src("""
    from decimal import ROUND_HALF_UP, Decimal


    def round_cents(value: Decimal) -> Decimal:
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    """)

PAYMENTS_TYPED = src("""
    from dataclasses import dataclass
    from decimal import Decimal
    from typing import Optional


    @dataclass
    class Charge:
        id: str
        amount: Decimal
        currency: str
        refunded: bool = False


    class Ledger:
        def __init__(self) -> None:
            self.charges: dict[str, Charge] = {}

        def add(self, charge: Charge) -> None:
            self.charges[charge.id] = charge

        def find(self, charge_id: str) -> Optional[Charge]:
            return self.charges.get(charge_id)

        def total(self, currency: str) -> Decimal:
            total: Decimal = 0.0
            for charge in self.charges.values():
                if charge.currency == currency and not charge.refunded:
                    total += charge.amount
            return total

        def refund(self, charge_id: str) -> Decimal:
            charge = self.find(charge_id)
            charge.refunded = True
            return charge.amount

        def status(self, charge_id: str) -> str:
            charge = self.charges[charge_id]
            if charge.refunded:
                return "refunded"
            elif charge.amount > 0:
                return "captured"


    def format_amount(amount: Decimal, currency: str) -> str:
        return f"{amount:.2f} {currency}"


    def receipt(ledger: Ledger, charge_id: str) -> str:
        charge = ledger.charges[charge_id]
        return format_amount(charge.amount, charge.currency, ",")


    def parse_amount(raw: str) -> Decimal:
        cents: int = raw.replace(".", "")
        return Decimal(cents) / 100
    """)


def static_analysis_cases() -> list[Case]:
    """Formatters, linters and type checkers."""
    cases: list[Case] = []
    add = cases.append

    # ----------------------------------------------------------------- formatters (fix_pr)
    add(
        lint_case(
            "black-check",
            "inventory-api",
            "a 4-file package with two badly formatted modules",
            "black",
            "black --check .",
            {
                "pyproject.toml": src("""
                    [project]
                    name = "inventory-api"
                    version = "0.4.0"
                    requires-python = ">=3.11"

                    [tool.black]
                    line-length = 88
                    """),
                "src/inventory/__init__.py": '__version__ = "0.4.0"\n',
                "src/inventory/models.py": INVENTORY_MODELS,
                "src/inventory/api.py": INVENTORY_API,
                "tests/test_models.py": INVENTORY_TESTS,
            },
            fmt("black"),
        )
    )
    add(
        lint_case(
            "black-check-diff-color",
            "weather-cli",
            "a CLI module with bad formatting, checked with --diff --color",
            "black",
            "black --check --diff --color .",
            {
                "weather/__init__.py": "",
                "weather/cli.py": src("""
                    import argparse
                    def parse_args(argv = None):
                        parser = argparse.ArgumentParser(prog = 'weather')
                        parser.add_argument('city')
                        parser.add_argument('--units', choices = ['metric','imperial'], default = 'metric')
                        return parser.parse_args(argv)
                    def main(argv = None) -> int:
                        args = parse_args(argv)
                        print( f"Weather for {args.city} in {args.units} units" )
                        return 0
                    """),
                "weather/units.py": src("""
                    def to_fahrenheit(celsius: float) -> float:
                        return celsius * 9 / 5 + 32
                    """),
            },
            fmt("black", "ANSI-coloured unified diff from black --color"),
        )
    )
    add(
        lint_case(
            "black-cannot-parse",
            "ledger",
            "a package with one module still in Python 2 syntax",
            "black",
            "black --check .",
            {
                "src/ledger/__init__.py": "",
                "src/ledger/report.py": src("""
                    def print_totals(entries):
                        total = 0
                        for entry in entries:
                            total += entry.amount
                        print "total:", total
                        return total
                    """),
                "src/ledger/entry.py": src("""
                    from dataclasses import dataclass


                    @dataclass
                    class Entry:
                        account: str
                        amount: int
                    """),
            },
            issue(
                "syntax_error",
                "black cannot parse the file: a syntax error the formatter cannot fix",
                "medium",
            ),
        )
    )
    add(
        lint_case(
            "isort-check",
            "billing-service",
            "a package whose modules have unsorted imports (profile=black)",
            "isort",
            "isort --check-only .",
            {
                "pyproject.toml": src("""
                    [tool.isort]
                    profile = "black"
                    known_first_party = ["billing"]
                    """),
                "billing/__init__.py": "",
                "billing/service.py": UNSORTED_IMPORTS_SERVICE,
                "billing/tax.py": BILLING_TAX,
                "billing/currency.py": BILLING_CURRENCY,
                "tests/test_service.py": src("""
                    from decimal import Decimal
                    from billing.service import total
                    import pytest


                    @pytest.mark.parametrize("region", ["eu", "us"])
                    def test_total_is_rounded(region: str) -> None:
                        assert total([Decimal("1.005")], region).as_tuple().exponent == -2
                    """),
            },
            fmt("isort"),
        )
    )
    add(
        lint_case(
            "isort-check-diff",
            "notifier",
            "a package with unsorted imports, checked with --diff",
            "isort",
            "isort --check-only --diff src tests",
            {
                "pyproject.toml": src("""
                    [tool.isort]
                    profile = "black"
                    src_paths = ["src", "tests"]
                    """),
                "src/notifier/__init__.py": "",
                "src/notifier/email.py": src("""
                    from email.message import EmailMessage
                    import smtplib
                    from notifier.templates import render
                    from dataclasses import dataclass


                    @dataclass
                    class Mailer:
                        host: str
                        port: int = 25

                        def send(self, to: str, subject: str, body: str) -> None:
                            message = EmailMessage()
                            message["To"] = to
                            message["Subject"] = subject
                            message.set_content(render(body))
                            with smtplib.SMTP(self.host, self.port) as smtp:
                                smtp.send_message(message)
                    """),
                "src/notifier/templates.py": src("""
                    import string


                    def render(body: str, **values: str) -> str:
                        return string.Template(body).safe_substitute(values)
                    """),
                "tests/test_templates.py": src("""
                    from notifier.templates import render
                    import pytest


                    def test_render() -> None:
                        assert render("hi $name", name="x") == "hi x"
                    """),
            },
            fmt("isort"),
        )
    )
    add(
        lint_case(
            "ruff-format-check",
            "geo-utils",
            "a package with three modules that ruff format would change",
            "ruff",
            "ruff format --check .",
            {
                "geo/__init__.py": "",
                "geo/distance.py": src("""
                    import math
                    EARTH_RADIUS_KM=6371.0
                    def haversine(lat1:float,lon1:float,lat2:float,lon2:float)->float:
                        phi1,phi2=math.radians(lat1),math.radians(lat2)
                        dphi=math.radians(lat2-lat1)
                        dlmb=math.radians(lon2-lon1)
                        a=math.sin(dphi/2)**2+math.cos(phi1)*math.cos(phi2)*math.sin(dlmb/2)**2
                        return 2*EARTH_RADIUS_KM*math.asin(math.sqrt(a))
                    """),
                "geo/bbox.py": src("""
                    from dataclasses import dataclass
                    @dataclass(frozen=True)
                    class BBox:
                        south: float; west: float; north: float; east: float
                        def contains(self, lat: float, lon: float) -> bool:
                            return (self.south <= lat <= self.north and
                                    self.west <= lon <= self.east)
                    """),
                "geo/points.py": src("""
                    POINTS = {
                        'paris': (48.8566, 2.3522), 'berlin': (52.52, 13.405),
                        'madrid': (40.4168, -3.7038)
                    }
                    """),
                "geo/units.py": src("""
                    def km_to_miles(km: float) -> float:
                        return km * 0.621371
                    """),
            },
            fmt("ruff-format"),
        )
    )
    add(
        lint_case(
            "ruff-format-diff",
            "csv-tools",
            "a module that ruff format would change, checked with --diff",
            "ruff",
            "ruff format --diff .",
            {
                "csvtools/__init__.py": "",
                "csvtools/reader.py": src("""
                    import csv
                    from pathlib import Path
                    def read_rows(path: Path, delimiter: str=',') -> list[dict[str,str]]:
                        with open(path, newline = '') as handle:
                            return [ row for row in csv.DictReader(handle, delimiter=delimiter) ]
                    def column(rows: list[dict[str, str]], name: str) -> list[str]:
                        return [row[name] for row in rows if name in row]
                    """),
            },
            fmt("ruff-format"),
        )
    )
    add(
        lint_case(
            "ruff-check-fixable-color",
            "pricing",
            "a package whose ruff violations are all auto-fixable (FORCE_COLOR=1)",
            "ruff",
            "ruff check .",
            {
                "pyproject.toml": src("""
                    [tool.ruff]
                    target-version = "py312"

                    [tool.ruff.lint]
                    select = ["E", "F", "I", "UP"]
                    """),
                "pricing/__init__.py": "",
                "pricing/rules.py": src("""
                    import os
                    from typing import Optional
                    import sys

                    from pricing.money import cents


                    def discount(prices: list[int], percent: Optional[int] = None) -> list[int]:
                        if percent is None:
                            print(f"no discount")
                            return prices
                        return [cents(p * (100 - percent) / 100) for p in prices]


                    def describe(percent: int) -> str:
                        return "{}% off".format(percent)
                    """),
                "pricing/money.py": src("""
                    def cents(value: float) -> int:
                        return int(round(value))
                    """),
            },
            fmt("ruff-fix", "every reported violation is marked [*] (fixable)"),
            workflow_env={"FORCE_COLOR": "1"},
        )
    )
    add(
        lint_case(
            "ruff-check-unfixable",
            "scheduler",
            "a package with undefined names and bare excepts (not auto-fixable)",
            "ruff",
            "ruff check .",
            {
                "pyproject.toml": src("""
                    [tool.ruff.lint]
                    select = ["E", "F"]
                    """),
                "scheduler/__init__.py": "",
                "scheduler/jobs.py": src("""
                    import json
                    import time


                    def run_job(job):
                        started = time.monotonic()
                        try:
                            result = job()
                        except:
                            logger.exception("job failed")
                            return None
                        return result


                    def load_schedule(path):
                        with open(path) as handle:
                            data = handle.read()
                        return parse_schedule(data)
                    """),
            },
            issue("linting_error", "F821 and E722 have no automatic fix"),
        )
    )
    add(
        lint_case(
            "ruff-check-github-format",
            "exporter",
            "a package with unfixable violations, reported with --output-format=github",
            "ruff",
            "ruff check --output-format=github .",
            {
                "exporter/__init__.py": "",
                "pyproject.toml": src("""
                    [tool.ruff.lint]
                    select = ["E", "F"]
                    """),
                "exporter/export.py": src("""
                    import csv


                    def export(rows, path):
                        try:
                            with open(path, "w", newline="") as handle:
                                writer = csv.writer(handle)
                                writer.writerows(rows)
                        except:
                            cleanup(path)
                            raise
                        return count_rows(path)
                    """),
            },
            issue(
                "linting_error",
                "workflow commands: the runner shows each ::error as an ##[error] line and an "
                "annotation; F821 (undefined name) has no automatic fix",
            ),
        )
    )
    add(
        Case(
            name="isort-and-black",
            repo="ticketing",
            job="lint",
            about="a package with unsorted imports and bad formatting, both checks in one step",
            tools=("isort", "black"),
            files={
                "requirements-dev.txt": pinned("black", "isort"),
                "pyproject.toml": src("""
                    [tool.isort]
                    profile = "black"
                    """),
                "ticketing/__init__.py": "",
                "ticketing/queue.py": src("""
                    from dataclasses import dataclass, field
                    import heapq
                    from collections.abc import Iterator

                    @dataclass(order=True)
                    class Ticket:
                        priority: int
                        title: str=field(compare=False)

                    class TicketQueue:
                        def __init__(self) -> None:
                            self._heap: list[Ticket] = []
                        def push(self, ticket: Ticket) -> None:
                            heapq.heappush(self._heap, ticket)
                        def drain(self) -> Iterator[Ticket]:
                            while self._heap: yield heapq.heappop(self._heap)
                    """),
            },
            steps=(
                INSTALL_DEV,
                Step("""
                    status=0
                    isort --check-only --diff . || status=1
                    black --check . || status=1
                    exit $status
                    """),
            ),
            expect=Expect("linting_error", "fix_pr", ("isort", "black"), "low"),
        )
    )

    # ----------------------------------------------------------------- linters (issue)
    long_line = (
        "    return {'id': reading.sensor_id, 'value': reading.value, "
        "'unit': reading.unit, 'taken_at': reading.taken_at.isoformat()}"
    )
    add(
        lint_case(
            "flake8",
            "sensors",
            "a package with long lines, unused imports, trailing whitespace",
            "flake8",
            "flake8 src tests",
            {
                "setup.cfg": src("""
                    [flake8]
                    max-line-length = 100
                    """),
                "src/sensors/__init__.py": "",
                "src/sensors/readings.py": src("""
                    import os
                    import json
                    from datetime import datetime
                    from dataclasses import dataclass
                    @dataclass
                    class Reading:
                        sensor_id: str
                        value: float
                        unit: str
                        taken_at: datetime
                    def to_dict(reading):
                    LONG_LINE
                    def average(readings):<TRAILING>
                        values = [r.value for r in readings]
                        return sum(values)/len(values) if values else None
                    """).replace("LONG_LINE", long_line).replace("<TRAILING>", "   "),
                "tests/test_readings.py": src("""
                    from sensors.readings import average
                    def test_average_of_nothing():
                        assert average([]) == None
                    """),
            },
            issue("linting_error", "flake8 has no auto-fix"),
        )
    )
    add(
        Case(
            name="flake8-starter-workflow",
            repo="pyscraper",
            job="build (3.12)",
            about="the GitHub Python starter workflow's flake8 step on a module with an "
            "undefined name",
            tools=("flake8",),
            files={
                "scraper.py": src("""
                    import re
                    import urllib.request

                    TITLE = re.compile(r"<title>(.*?)</title>", re.I | re.S)


                    def fetch(url):
                        with urllib.request.urlopen(url, timeout=10) as response:
                            return response.read().decode("utf-8", "replace")


                    def title(url):
                        match = TITLE.search(fetch(url))
                        return match.group(1).strip() if match else defualt_title(url)
                    """),
                "test_scraper.py": src("""
                    import scraper


                    def test_pattern():
                        assert scraper.TITLE.search("<title>x</title>").group(1) == "x"
                    """),
            },
            steps=(
                Step(f"""
                    python -m pip install --upgrade pip
                    python -m pip install flake8=={PINS["flake8"]} pytest=={PINS["pytest"]}
                    if [ -f requirements.txt ]; then pip install -r requirements.txt; fi
                    """),
                Step("""
                    # stop the build if there are Python syntax errors or undefined names
                    flake8 . --count --select=E9,F63,F7,F82 --show-source --statistics
                    # exit-zero treats all errors as warnings. The GitHub editor is 127 chars wide
                    flake8 . --count --exit-zero --max-complexity=10 --max-line-length=127 --statistics
                    """),
            ),
            expect=issue("linting_error", "F821 undefined name: needs a human"),
        )
    )
    add(
        lint_case(
            "pylint-colorized",
            "orders",
            "a package with pylint convention, warning and error messages (colorized output)",
            "pylint",
            "pylint src/orders --output-format=colorized",
            {
                "src/orders/__init__.py": "",
                "src/orders/service.py": src("""
                    import os
                    import json


                    class order:
                        def __init__(self, id, items):
                            self.id = id
                            self.items = items

                        def total(self):
                            total = 0
                            for i in range(len(self.items)):
                                total = total + self.items[i]["price"]
                            return total

                        def to_json(self):
                            return json.dumps({"id": self.id, "total": self.totl()})


                    def load(path):
                        try:
                            data = json.load(open(path))
                        except Exception:
                            pass
                        return order(data["id"], data["items"])
                    """),
            },
            issue("linting_error", "pylint reports need manual fixes"),
        )
    )
    add(
        lint_case(
            "ruff-config-invalid",
            "cfg-service",
            "a pyproject.toml with a misspelt ruff setting",
            "ruff",
            "ruff check .",
            {
                "pyproject.toml": src("""
                    [tool.ruff]
                    line-lenght = 100

                    [tool.ruff.lint]
                    select = ["E", "F"]
                    """),
                "cfg_service/__init__.py": "",
                "cfg_service/app.py": "def ping() -> str:\n    return 'pong'\n",
            },
            issue("configuration_error", "ruff refuses the configuration file"),
        )
    )

    # ----------------------------------------------------------------- type checkers
    add(
        lint_case(
            "mypy-type-errors-color",
            "payments",
            "a ledger module with incompatible types, a missing return and Optional misuse "
            "(MYPY_FORCE_COLOR=1)",
            "mypy",
            "mypy src",
            {
                "pyproject.toml": src("""
                    [tool.mypy]
                    python_version = "3.12"
                    warn_return_any = true
                    """),
                "src/payments/__init__.py": "",
                "src/payments/ledger.py": PAYMENTS_TYPED,
            },
            issue("type_error"),
            workflow_env={"MYPY_FORCE_COLOR": "1", "TERM": "xterm-256color"},
        )
    )
    add(
        lint_case(
            "mypy-import-not-found",
            "gateway",
            "a package importing an internal module that is not available to mypy",
            "mypy",
            "mypy src",
            {
                "src/gateway/__init__.py": "",
                "src/gateway/auth.py": src("""
                    from acme_internal.auth import verify_token


                    def is_authorized(header: str) -> bool:
                        scheme, _, token = header.partition(" ")
                        return scheme.lower() == "bearer" and verify_token(token)
                    """),
                "src/gateway/routes.py": src("""
                    from gateway.auth import is_authorized


                    def handle(headers: dict[str, str]) -> int:
                        return 200 if is_authorized(headers.get("Authorization", "")) else 401
                    """),
            },
            issue("type_error", "mypy import-not-found for a private package"),
        )
    )
    add(
        lint_case(
            "mypy-stubs-not-installed",
            "fetcher",
            "a package using PyYAML, type-checked without types-PyYAML installed",
            "mypy",
            "mypy src",
            {
                "src/fetcher/__init__.py": "",
                "src/fetcher/config.py": src("""
                    from pathlib import Path

                    import yaml


                    def load_sources(path: Path) -> list[str]:
                        data = yaml.safe_load(path.read_text())
                        return [str(url) for url in data.get("sources", [])]
                    """),
            },
            issue(
                "dependency_issue",
                "the stub package types-PyYAML is missing from the dev requirements; mypy "
                "reports it as a type-checking error",
            ),
            extra_tools=("PyYAML",),
        )
    )
    add(
        lint_case(
            "pyright",
            "catalog",
            "a package with attribute, argument and Optional errors",
            "pyright",
            "pyright",
            {
                "pyproject.toml": src("""
                    [tool.pyright]
                    include = ["catalog"]
                    pythonVersion = "3.12"
                    """),
                "catalog/__init__.py": "",
                "catalog/products.py": src("""
                    from dataclasses import dataclass


                    @dataclass
                    class Product:
                        sku: str
                        price_cents: int


                    def find(products: list[Product], sku: str) -> Product | None:
                        for product in products:
                            if product.sku == sku:
                                return product
                        return None


                    def price_label(products: list[Product], sku: str) -> str:
                        product = find(products, sku)
                        return f"{product.price_cents / 100:.2f} EUR"


                    def total(products: list[Product]) -> int:
                        return sum(p.price for p in products)


                    def restock(product: Product, amount: int) -> None:
                        product.price_cents += "10"
                    """),
            },
            issue("type_error"),
        )
    )
    return cases


def test_cases() -> list[Case]:
    """pytest and unittest failures, including the import errors they surface."""
    cases: list[Case] = []
    add = cases.append

    cart = src("""
        from dataclasses import dataclass, field
        from decimal import Decimal


        @dataclass
        class Cart:
            items: dict[str, tuple[Decimal, int]] = field(default_factory=dict)
            coupon: str | None = None

            def add(self, sku: str, price: Decimal, quantity: int = 1) -> None:
                _, current = self.items.get(sku, (price, 0))
                self.items[sku] = (price, current + quantity)

            def remove(self, sku: str) -> None:
                del self.items[sku]

            def subtotal(self) -> Decimal:
                return sum((price * qty for price, qty in self.items.values()), Decimal(0))

            def total(self) -> Decimal:
                discount = Decimal("0.1") if self.coupon == "SAVE10" else Decimal(0)
                return (self.subtotal() * (1 - discount)).quantize(Decimal("0.01"))
        """)
    add(
        test_case(
            "pytest-assertion-failures",
            "cart",
            "a shopping-cart package with two failing assertions and a KeyError",
            "pytest",
            {
                "pyproject.toml": pyproject("cart"),
                "src/cart/__init__.py": "from cart.core import Cart\n\n__all__ = ['Cart']\n",
                "src/cart/core.py": cart,
                "tests/test_cart.py": src("""
                    from decimal import Decimal

                    from cart import Cart


                    def test_add_accumulates_quantity() -> None:
                        cart = Cart()
                        cart.add("apple", Decimal("0.50"))
                        cart.add("apple", Decimal("0.50"), 2)
                        assert cart.items["apple"] == (Decimal("0.50"), 3)


                    def test_coupon_discount() -> None:
                        cart = Cart(coupon="SAVE10")
                        cart.add("book", Decimal("20.00"))
                        assert cart.total() == Decimal("17.00")


                    def test_subtotal_of_several_items() -> None:
                        cart = Cart()
                        cart.add("pen", Decimal("1.20"), 3)
                        cart.add("pad", Decimal("2.05"))
                        assert cart.subtotal() == Decimal("5.60")


                    def test_remove_missing_item_is_a_no_op() -> None:
                        cart = Cart()
                        cart.remove("ghost")
                        assert cart.items == {}
                    """),
            },
            issue("test_failure"),
        )
    )
    add(
        test_case(
            "pytest-fixture-errors",
            "storage",
            "a storage package whose fixtures fail (a missing file, an unknown fixture name)",
            "pytest -q",
            {
                "pyproject.toml": pyproject("storage"),
                "src/storage/__init__.py": "",
                "src/storage/db.py": src("""
                    import json
                    import sqlite3
                    from pathlib import Path


                    def connect(config_path: Path) -> sqlite3.Connection:
                        config = json.loads(config_path.read_text())
                        return sqlite3.connect(config["database"])
                    """),
                "tests/conftest.py": src("""
                    from pathlib import Path

                    import pytest

                    from storage.db import connect


                    @pytest.fixture
                    def db():
                        conn = connect(Path(__file__).parent / "fixtures" / "db.json")
                        yield conn
                        conn.close()
                    """),
                "tests/test_db.py": src("""
                    def test_insert(db) -> None:
                        db.execute("create table t (x int)")
                        db.execute("insert into t values (1)")
                        assert db.execute("select count(*) from t").fetchone() == (1,)


                    def test_schema_version(db_with_schema) -> None:
                        assert db_with_schema.execute("pragma user_version").fetchone() == (3,)


                    def test_pure() -> None:
                        assert 1 + 1 == 2
                    """),
            },
            issue("test_failure", "errors at setup: the fixtures fail, not the tests"),
        )
    )
    add(
        test_case(
            "pytest-missing-yaml",
            "confkit",
            "a config loader that imports yaml while PyYAML is missing from requirements.txt",
            "pytest",
            {
                "pyproject.toml": src("""
                    [tool.pytest.ini_options]
                    pythonpath = ["."]
                    """),
                "confkit/__init__.py": "",
                "confkit/loader.py": src("""
                    from pathlib import Path

                    import yaml


                    def load(path: Path) -> dict:
                        return yaml.safe_load(path.read_text()) or {}
                    """),
                "tests/test_loader.py": src("""
                    from confkit.loader import load


                    def test_empty_file(tmp_path):
                        path = tmp_path / "empty.yaml"
                        path.write_text("")
                        assert load(path) == {}
                    """),
            },
            add_requirement("PyYAML", "import name yaml, distribution PyYAML"),
            install=INSTALL_REQ,
        )
    )
    add(
        test_case(
            "pytest-conftest-missing-requests",
            "status-page",
            "a test suite whose conftest.py imports requests, which is not installed",
            "pytest",
            {
                "pyproject.toml": pyproject("status-page"),
                "src/status_page/__init__.py": "",
                "src/status_page/checks.py": src("""
                    def is_up(status_code: int) -> bool:
                        return 200 <= status_code < 400
                    """),
                "tests/conftest.py": src("""
                    import pytest
                    import requests


                    @pytest.fixture
                    def session():
                        with requests.Session() as s:
                            s.headers["User-Agent"] = "status-page-tests"
                            yield s
                    """),
                "tests/test_checks.py": src("""
                    from status_page.checks import is_up


                    def test_redirect_is_up():
                        assert is_up(301)
                    """),
            },
            add_requirement("requests", "ModuleNotFoundError inside the conftest import wrapper"),
        )
    )
    add(
        test_case(
            "pytest-own-package-not-installed",
            "myproject",
            "a src-layout package whose tests run without the package being installed",
            "pytest",
            {
                "pyproject.toml": src("""
                    [build-system]
                    requires = ["setuptools>=69"]
                    build-backend = "setuptools.build_meta"

                    [project]
                    name = "myproject"
                    version = "1.2.0"

                    [tool.pytest.ini_options]
                    testpaths = ["tests"]
                    """),
                "src/myproject/__init__.py": "",
                "src/myproject/slug.py": src("""
                    import re


                    def slugify(text: str) -> str:
                        return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
                    """),
                "tests/test_slug.py": src("""
                    from myproject.slug import slugify


                    def test_slugify():
                        assert slugify("Hello, World!") == "hello-world"
                    """),
            },
            issue(
                "dependency_issue",
                "the missing module is the repository's own package (src layout, never "
                "`pip install -e .`): not a requirement to add",
            ),
        )
    )
    add(
        test_case(
            "pytest-failure-mentions-timeout",
            "httpkit",
            "an HTTP client whose tests about timeouts fail on wrong defaults",
            "pytest -v",
            {
                "pyproject.toml": pyproject("httpkit"),
                "src/httpkit/__init__.py": "",
                "src/httpkit/client.py": src("""
                    from dataclasses import dataclass


                    @dataclass
                    class Client:
                        base_url: str
                        timeout: float = 10.0
                        retries: int = 3

                        def request(self, path: str, timeout: float | None = None) -> str:
                            effective = self.timeout if timeout is None else timeout
                            if effective <= 0:
                                raise ValueError("timeout must be positive")
                            return f"GET {self.base_url}{path} (timeout={effective})"
                    """),
                "tests/test_client.py": src("""
                    import pytest

                    from httpkit.client import Client


                    def test_default_timeout_is_30_seconds():
                        client = Client("https://api.example.test")
                        assert client.timeout == 30, "default request timeout should be 30s"


                    def test_zero_timeout_raises_timeout_error():
                        client = Client("https://api.example.test")
                        with pytest.raises(TimeoutError):
                            client.request("/slow", timeout=0)


                    def test_retries_default():
                        assert Client("https://api.example.test").retries == 3
                    """),
            },
            issue(
                "test_failure",
                "assertions about a timeout setting: the word is in the test output, the job did "
                "not time out",
            ),
        )
    )
    add(
        test_case(
            "pytest-timeout-plugin",
            "crawler",
            "a crawler test suite where one test hangs and pytest-timeout fails it",
            "pytest --timeout=1",
            {
                "pyproject.toml": pyproject("crawler"),
                "src/crawler/__init__.py": "",
                "src/crawler/queue.py": src("""
                    import queue


                    class Frontier:
                        def __init__(self) -> None:
                            self._queue: queue.Queue[str] = queue.Queue()

                        def push(self, url: str) -> None:
                            self._queue.put(url)

                        def next_url(self) -> str:
                            return self._queue.get()
                    """),
                "tests/test_frontier.py": src("""
                    from crawler.queue import Frontier


                    def test_push_then_next():
                        frontier = Frontier()
                        frontier.push("https://example.test/")
                        assert frontier.next_url() == "https://example.test/"


                    def test_next_on_empty_frontier_returns_none():
                        assert Frontier().next_url() is None
                    """),
            },
            issue(
                "test_failure",
                "a hung test failed by pytest-timeout's per-test limit; the step itself did not "
                "time out, and a rerun hangs again",
            ),
            tools=("pytest", "pytest-timeout"),
        )
    )
    add(
        test_case(
            "pytest-xpass-strict",
            "mathlib",
            "a suite with xfail_strict where an expected failure now passes",
            "pytest -ra",
            {
                "pyproject.toml": pyproject("mathlib", "xfail_strict = true"),
                "src/mathlib/__init__.py": "",
                "src/mathlib/stats.py": src("""
                    import statistics


                    def median(values: list[float]) -> float:
                        return statistics.median(values)
                    """),
                "tests/test_stats.py": src("""
                    import pytest

                    from mathlib.stats import median


                    def test_median_odd():
                        assert median([3, 1, 2]) == 2


                    @pytest.mark.xfail(reason="median of an even-length list is not averaged yet")
                    def test_median_even():
                        assert median([1, 2, 3, 4]) == 2.5


                    @pytest.mark.xfail(reason="empty input should return nan", strict=False)
                    def test_median_empty():
                        assert median([]) != median([])
                    """),
            },
            issue("test_failure", "XPASS(strict) is reported as a failed test"),
        )
    )
    add(
        test_case(
            "pytest-color",
            "textkit",
            "a text utility package with parametrized failures, run with --color=yes",
            "pytest --color=yes -ra",
            {
                "pyproject.toml": pyproject("textkit"),
                "src/textkit/__init__.py": "",
                "src/textkit/wrap.py": src("""
                    def truncate(text: str, width: int, ellipsis: str = "...") -> str:
                        if len(text) <= width:
                            return text
                        return text[:width] + ellipsis


                    def title_case(text: str) -> str:
                        return " ".join(word.capitalize() for word in text.split(" "))
                    """),
                "tests/test_wrap.py": src("""
                    import pytest

                    from textkit.wrap import title_case, truncate


                    @pytest.mark.parametrize(
                        ("text", "width", "expected"),
                        [("short", 10, "short"), ("a long sentence", 8, "a lon..."), ("abcdef", 3, "...")],
                    )
                    def test_truncate(text, width, expected):
                        assert truncate(text, width) == expected


                    def test_title_case_keeps_acronyms():
                        assert title_case("the NASA report") == "The NASA Report"
                    """),
            },
            issue("test_failure"),
        )
    )
    add(
        test_case(
            "pytest-syntax-error-in-test",
            "parsers",
            "a test module with a syntax error, failing collection",
            "pytest",
            {
                "pyproject.toml": pyproject("parsers"),
                "src/parsers/__init__.py": "",
                "src/parsers/ini.py": src("""
                    def parse_line(line: str) -> tuple[str, str]:
                        key, _, value = line.partition("=")
                        return key.strip(), value.strip()
                    """),
                "tests/test_ini.py": src("""
                    from parsers.ini import parse_line


                    def test_parse_line(:
                        assert parse_line("a = 1") == ("a", "1")
                    """),
                "tests/test_other.py": "def test_ok():\n    assert True\n",
            },
            issue("syntax_error", "collection error caused by a SyntaxError in a test module"),
        )
    )
    add(
        test_case(
            "pytest-unknown-marker",
            "etl",
            "a suite using an unregistered marker under --strict-markers",
            "pytest",
            {
                "pyproject.toml": pyproject(
                    "etl", 'addopts = "--strict-markers"', 'markers = ["slow: long-running tests"]'
                ),
                "src/etl/__init__.py": "",
                "src/etl/transform.py": src("""
                    def normalize(row: dict[str, str]) -> dict[str, str]:
                        return {k.strip().lower(): v.strip() for k, v in row.items()}
                    """),
                "tests/test_transform.py": src("""
                    import pytest

                    from etl.transform import normalize


                    def test_normalize():
                        assert normalize({" Name ": " x "}) == {"name": "x"}


                    @pytest.mark.integration
                    def test_against_warehouse():
                        pytest.skip("needs the warehouse")
                    """),
            },
            issue("configuration_error", "marker not registered in the pytest configuration"),
        )
    )
    add(
        test_case(
            "pytest-cov-not-installed",
            "metrics",
            "a workflow passing --cov while pytest-cov is not installed",
            "pytest --cov=metrics --cov-report=xml",
            {
                "pyproject.toml": pyproject("metrics"),
                "src/metrics/__init__.py": "",
                "src/metrics/counter.py": "def bump(n: int) -> int:\n    return n + 1\n",
                "tests/test_counter.py": src("""
                    from metrics.counter import bump


                    def test_bump():
                        assert bump(1) == 2
                    """),
            },
            issue(
                "dependency_issue",
                "the pytest-cov plugin is missing: pytest rejects its options; no "
                "ModuleNotFoundError, so not an add-requirement fix",
            ),
        )
    )
    add(
        test_case(
            "pytest-missing-bs4",
            "scraper",
            "an HTML scraper whose tests import bs4 while beautifulsoup4 is not installed",
            "pytest -q",
            {
                "pyproject.toml": pyproject("scraper"),
                "src/scraper/__init__.py": "",
                "src/scraper/links.py": src("""
                    from bs4 import BeautifulSoup


                    def links(html: str) -> list[str]:
                        soup = BeautifulSoup(html, "html.parser")
                        return [a["href"] for a in soup.find_all("a", href=True)]
                    """),
                "tests/test_links.py": src("""
                    from scraper.links import links


                    def test_links():
                        assert links('<a href="/x">x</a>') == ["/x"]
                    """),
            },
            add_requirement("beautifulsoup4", "import name bs4, distribution beautifulsoup4"),
        )
    )
    add(
        Case(
            name="unittest-failure",
            repo="units",
            job="test (3.12)",
            about="a unit-conversion module tested with unittest, one failing assertion",
            tools=("python",),
            files={
                "units/__init__.py": "",
                "units/convert.py": src("""
                    def km_to_miles(km: float) -> float:
                        return round(km * 0.6214, 2)


                    def celsius_to_kelvin(c: float) -> float:
                        return c + 273
                    """),
                "tests/__init__.py": "",
                "tests/test_convert.py": src("""
                    import unittest

                    from units.convert import celsius_to_kelvin, km_to_miles


                    class ConvertTest(unittest.TestCase):
                        def test_km_to_miles(self):
                            self.assertEqual(km_to_miles(10), 6.21)

                        def test_celsius_to_kelvin(self):
                            self.assertAlmostEqual(celsius_to_kelvin(0), 273.15)

                        def test_absolute_zero(self):
                            self.assertAlmostEqual(celsius_to_kelvin(-273), 0.0)
                    """),
            },
            steps=(Step("python -m unittest discover -s tests -t . -v"),),
            expect=issue("test_failure"),
        )
    )
    add(
        Case(
            name="unittest-missing-pil",
            repo="thumbnailer",
            job="test (3.12)",
            about="a thumbnail module importing PIL, tested with unittest without Pillow",
            tools=("python",),
            files={
                "requirements.txt": pinned("requests"),
                "thumbnailer/__init__.py": "",
                "thumbnailer/resize.py": src("""
                    from PIL import Image


                    def thumbnail(path: str, size: tuple[int, int] = (128, 128)) -> Image.Image:
                        image = Image.open(path)
                        image.thumbnail(size)
                        return image
                    """),
                "tests/__init__.py": "",
                "tests/test_resize.py": src("""
                    import unittest

                    from thumbnailer.resize import thumbnail


                    class ThumbnailTest(unittest.TestCase):
                        def test_default_size(self):
                            self.assertTrue(callable(thumbnail))
                    """),
            },
            steps=(INSTALL_REQ, Step("python -m unittest discover -s tests -t .")),
            expect=add_requirement("Pillow", "import name PIL, distribution Pillow"),
        )
    )
    shipping_tests = src("""
        from shipping.rates import rate


        def test_domestic():
            assert rate("DE", 1.0) == 4.99


        def test_heavy_parcel():
            assert rate("DE", 25.0) == 16.99


        def test_international():
            assert rate("US", 1.0) == 14.99
        """)
    add(
        Case(
            name="lint-and-tests",
            repo="shipping",
            job="check",
            about="one `make check`-style step running black --check and pytest; both fail",
            tools=("black", "pytest"),
            files={
                "requirements-dev.txt": pinned("black", "pytest"),
                "pyproject.toml": pyproject("shipping"),
                "src/shipping/__init__.py": "",
                "src/shipping/rates.py": src("""
                    RATES = {'DE': 4.99, 'FR': 6.49}
                    def rate(country: str, weight_kg: float) -> float:
                        base = RATES.get(country, 14.99)
                        return base if weight_kg <= 20 else base + 10
                    """),
                "tests/test_rates.py": shipping_tests,
            },
            steps=(
                INSTALL_DEV,
                Step("""
                    set +e
                    status=0
                    echo "::group::black"
                    black --check src tests || status=1
                    echo "::endgroup::"
                    echo "::group::pytest"
                    pytest -q || status=1
                    echo "::endgroup::"
                    exit $status
                    """),
            ),
            expect=issue(
                "test_failure",
                "formatting and tests fail in one step: the formatter alone cannot make it pass",
            ),
        )
    )
    add(
        Case(
            name="green-job",
            repo="healthy",
            job="test (3.12)",
            about="a passing suite whose output mentions errors and a deprecation warning",
            tools=("pytest",),
            files={
                "requirements-dev.txt": pinned("pytest"),
                "pyproject.toml": pyproject("healthy"),
                "src/healthy/__init__.py": "",
                "src/healthy/errors.py": src("""
                    import warnings


                    class RetryableError(Exception):
                        pass


                    def classify(status: int) -> str:
                        if status >= 500:
                            return "error"
                        return "ok"


                    def legacy_classify(status: int) -> str:
                        warnings.warn("use classify()", DeprecationWarning, stacklevel=2)
                        return classify(status)
                    """),
                "tests/test_errors.py": src("""
                    import pytest

                    from healthy.errors import RetryableError, classify, legacy_classify


                    def test_error_status():
                        assert classify(503) == "error"


                    def test_error_is_raised():
                        with pytest.raises(RetryableError):
                            raise RetryableError("timeout talking to upstream")


                    def test_legacy_classify():
                        assert legacy_classify(200) == "ok"
                    """),
            },
            steps=(INSTALL_DEV, Step("pytest -v")),
            expect=Expect("unknown", "none", note="the job succeeded; nothing to recover"),
        )
    )
    return cases


def python_cases() -> list[Case]:
    """Scripts and modules run with the interpreter: tracebacks and syntax errors."""
    cases: list[Case] = []
    add = cases.append
    add(
        Case(
            name="python-script-traceback",
            repo="release-tools",
            job="release-notes",
            about="a changelog script that fails with a KeyError on incomplete data",
            tools=("python",),
            files={
                "changes.json": json.dumps(
                    [
                        {"title": "Add CSV export", "pr": 412, "author": "mkim"},
                        {"title": "Fix crash on empty input", "pr": 415},
                    ],
                    indent=2,
                )
                + "\n",
                "scripts/build_changelog.py": src("""
                    import json
                    import sys
                    from pathlib import Path


                    def load_entries(path):
                        return json.loads(Path(path).read_text())


                    def render(entries):
                        lines = []
                        for entry in entries:
                            lines.append(f"- {entry['title']} (#{entry['pr']}) by @{entry['author']}")
                        return "\\n".join(lines)


                    def main():
                        entries = load_entries("changes.json")
                        print(f"Rendering {len(entries)} entries", flush=True)
                        print(render(entries))
                        return 0


                    if __name__ == "__main__":
                        sys.exit(main())
                    """),
            },
            steps=(Step("python scripts/build_changelog.py > CHANGELOG.md"),),
            expect=issue("unknown", "an uncaught exception in a project script"),
        )
    )
    add(
        Case(
            name="python-script-missing-dateutil",
            repo="reports",
            job="report",
            about="a reporting script importing dateutil while python-dateutil is not a "
            "requirement",
            tools=("python", "requests"),
            files={
                "requirements.txt": pinned("requests"),
                "scripts/monthly_report.py": src("""
                    import datetime as dt

                    import requests
                    from dateutil.relativedelta import relativedelta


                    def report_window(today: dt.date) -> tuple[dt.date, dt.date]:
                        start = today.replace(day=1) - relativedelta(months=1)
                        return start, today.replace(day=1)


                    if __name__ == "__main__":
                        print(report_window(dt.date.today()), requests.__version__)
                    """),
            },
            steps=(INSTALL_REQ, Step("python scripts/monthly_report.py")),
            expect=add_requirement(
                "python-dateutil", "import name dateutil, distribution python-dateutil"
            ),
        )
    )
    add(
        Case(
            name="compileall-syntax-error",
            repo="legacy-app",
            job="build",
            about="a package byte-compiled with compileall; one module has Python 2 syntax",
            tools=("python",),
            files={
                "src/legacy_app/__init__.py": "",
                "src/legacy_app/net.py": src("""
                    import socket


                    def probe(host, port):
                        try:
                            socket.create_connection((host, port), timeout=3).close()
                        except socket.error, exc:
                            return str(exc)
                        return None
                    """),
                "src/legacy_app/util.py": "def identity(x):\n    return x\n",
            },
            steps=(Step("python -m compileall -q src"),),
            expect=issue("syntax_error"),
        )
    )
    add(
        Case(
            name="python-indentation-error",
            repo="weatherbot",
            job="smoke-test",
            about="a bot run as a module; one of its modules has an unexpected indent",
            tools=("python",),
            files={
                "weatherbot/__init__.py": "",
                "weatherbot/__main__.py": src("""
                    import sys

                    from weatherbot.forecast import summary

                    if __name__ == "__main__":
                        print(summary("Oslo", dry_run="--dry-run" in sys.argv))
                    """),
                "weatherbot/forecast.py": src("""
                    def summary(city: str, dry_run: bool = False) -> str:
                        if dry_run:
                            return f"[dry-run] forecast for {city}"
                        temperature = fetch_temperature(city)
                            return f"{city}: {temperature} C"


                    def fetch_temperature(city: str) -> float:
                        return 4.5
                    """),
            },
            steps=(Step("python -m weatherbot --dry-run"),),
            expect=issue("syntax_error"),
        )
    )
    add(
        Case(
            name="python-tab-error",
            repo="site-config",
            job="validate",
            about="a settings module mixing tabs and spaces, imported by a check script",
            tools=("python",),
            files={
                "site_config/__init__.py": "",
                "site_config/settings.py": (
                    "DEBUG = False\n"
                    "ALLOWED_HOSTS = ['example.test']\n\n\n"
                    "def database_url(env):\n"
                    "    if env == 'test':\n"
                    "        return 'sqlite://'\n"
                    "\treturn 'postgres://db/site'\n"
                ),
                "tools/check_config.py": src("""
                    import sys

                    sys.path.insert(0, ".")

                    from site_config import settings

                    assert not settings.DEBUG, "DEBUG must be off"
                    print("configuration OK")
                    """),
            },
            steps=(Step("python tools/check_config.py"),),
            expect=issue("syntax_error"),
        )
    )
    return cases


def dependency_cases() -> list[Case]:
    """pip, uv and poetry failing to install or resolve."""
    cases: list[Case] = []
    add = cases.append
    add(
        Case(
            name="pip-no-matching-distribution",
            repo="toolbox",
            job="test (3.12)",
            about="a requirements.txt pinning a package that does not exist on PyPI",
            tools=("pip",),
            files={"requirements.txt": pinned("requests") + "notarealpkg123==1.0\n"},
            steps=(INSTALL_REQ, Step("pytest")),
            expect=issue("dependency_issue", "the package does not exist: needs a human"),
        )
    )
    add(
        Case(
            name="pip-resolution-impossible",
            repo="legacy-client",
            job="test (3.12)",
            about="a requirements.txt pinning requests 2.31.0 with urllib3 1.20 (conflict)",
            tools=("pip",),
            files={"requirements.txt": "requests==2.31.0\nurllib3==1.20\n"},
            steps=(INSTALL_REQ, Step("pytest")),
            expect=issue("dependency_issue", "conflicting pins"),
        )
    )
    add(
        Case(
            name="pip-requirements-file-missing",
            repo="newproj",
            job="test (3.12)",
            about="a workflow installing from a requirements.txt that the repository lacks",
            tools=("pip",),
            files={
                "pyproject.toml": pyproject("newproj"),
                "src/newproj/__init__.py": "",
            },
            steps=(INSTALL_REQ, Step("pytest")),
            expect=issue("configuration_error", "the workflow names a file that does not exist"),
        )
    )
    add(
        Case(
            name="pip-build-c-extension",
            repo="fastmath",
            job="build (3.12)",
            about="a local package whose C extension does not compile (FORCE_COLOR=1)",
            tools=("pip", "gcc"),
            files={
                "pyproject.toml": src("""
                    [build-system]
                    requires = ["setuptools>=69"]
                    build-backend = "setuptools.build_meta"

                    [project]
                    name = "fastmath"
                    version = "0.3.0"
                    """),
                "setup.py": src("""
                    from setuptools import Extension, setup

                    setup(
                        packages=["fastmath"],
                        ext_modules=[Extension("fastmath._speedups", ["fastmath/_speedups.c"])],
                    )
                    """),
                "fastmath/__init__.py": "from fastmath._speedups import dot\n",
                "fastmath/_speedups.c": src("""
                    #define PY_SSIZE_T_CLEAN
                    #include <Python.h>

                    static PyObject *dot(PyObject *self, PyObject *args) {
                        PyObject *a, *b;
                        if (!PyArg_ParseTuple(args, "OO", &a, &b))
                            return NULL;
                        double total = 0.0
                        Py_ssize_t n = PySequence_Size(a);
                        for (Py_ssize_t i = 0; i < n; i++) {
                            total += PyFloat_AsDouble(PySequence_GetItem(a, i)) *
                                     PyFloat_AsDouble(PySequence_GetItem(b, i));
                        }
                        return PyFloat_FromDouble(total);
                    }

                    static PyMethodDef methods[] = {
                        {"dot", dot, METH_VARARGS, "Dot product."},
                        {NULL, NULL, 0, NULL},
                    };

                    static struct PyModuleDef module = {
                        PyModuleDef_HEAD_INIT, "_speedups", NULL, -1, methods,
                    };

                    PyMODINIT_FUNC PyInit__speedups(void) { return PyModule_Create(&module); }
                    """),
            },
            steps=(
                Step("""
                    python -m pip install --upgrade pip
                    pip install .
                    """),
            ),
            expect=issue("build_error", "a compile error in the project's own C extension"),
            workflow_env={"FORCE_COLOR": "1"},
        )
    )
    add(
        Case(
            name="pip-hash-mismatch",
            repo="secure-app",
            job="test (3.12)",
            about="a hash-pinned requirements.txt whose hash does not match the artifact",
            tools=("pip",),
            files={
                "requirements.txt": (
                    "six==1.16.0 \\\n"
                    "    --hash=sha256:"
                    "1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c962\n"
                ),
            },
            steps=(
                Step("""
                    python -m pip install --upgrade pip
                    pip install --require-hashes -r requirements.txt
                    """),
            ),
            expect=issue(
                "dependency_issue",
                "a hash mismatch may mean a tampered artifact or a stale lock: never auto-fixed",
                "high",
            ),
        )
    )
    add(
        Case(
            name="pip-cannot-import-name",
            repo="sitegen",
            job="build-site",
            about="Jinja2 2.11 pinned without MarkupSafe: the import of soft_unicode fails",
            tools=("Jinja2", "MarkupSafe"),
            files={
                "requirements.txt": "Jinja2==2.11.3\n",
                "build_site.py": src("""
                    from pathlib import Path

                    from jinja2 import Environment, FileSystemLoader

                    env = Environment(loader=FileSystemLoader("templates"))
                    Path("public").mkdir(exist_ok=True)
                    Path("public/index.html").write_text(env.get_template("index.html").render())
                    """),
                "templates/index.html": "<h1>{{ 'Hello' }}</h1>\n",
            },
            steps=(INSTALL_REQ, Step("python build_site.py")),
            expect=issue(
                "dependency_issue",
                "ImportError of a name inside an installed package (version incompatibility), "
                "not a missing module: no requirement to add",
            ),
        )
    )
    mirror_env = {"PIP_INDEX_URL": "http://127.0.0.1:3141/root/pypi/+simple/"}
    add(
        Case(
            name="pip-index-connection-refused",
            repo="mirror-client",
            job="test (3.12)",
            about="pip installing from a package mirror (devpi on localhost) that is down",
            tools=("pip",),
            files={"requirements.txt": "requests==2.34.2\n"},
            steps=(
                Step(
                    """
                    python -m pip install --upgrade pip
                    pip install -r requirements.txt
                    """,
                    env=mirror_env,
                ),
            ),
            expect=Expect("network_error", "rerun", note="the package index refused connections"),
        )
    )
    add(
        Case(
            name="pip-index-read-timeout",
            repo="mirror-client",
            job="test (3.12)",
            about="pip installing from a package mirror that accepts connections but never "
            "answers",
            tools=("pip",),
            files={"requirements.txt": "requests==2.34.2\n"},
            steps=(
                Step(
                    "pip install -r requirements.txt",
                    env={**mirror_env, "PIP_DEFAULT_TIMEOUT": "5", "PIP_RETRIES": "2"},
                ),
            ),
            expect=Expect(
                "network_error", "rerun", note="read timeouts talking to the package index"
            ),
            stalling_port=3141,
        )
    )
    add(
        Case(
            name="uv-package-not-found",
            repo="uvproj",
            job="test (3.12)",
            about="uv pip install of a requirements.txt naming a package that does not exist",
            tools=("uv",),
            files={"requirements.txt": pinned("requests") + "notarealpkg123==1.0\n"},
            steps=(
                Step(f"""
                    python -m pip install --upgrade pip
                    pip install uv=={PINS["uv"]}
                    """),
                Step("uv pip install --system -r requirements.txt"),
            ),
            expect=issue("dependency_issue", "the package does not exist: needs a human"),
        )
    )
    add(
        Case(
            name="uv-lock-outdated",
            repo="uvapp",
            job="test (3.12)",
            about="`uv sync --locked` after a dependency was added without re-locking",
            tools=("uv",),
            files={
                "pyproject.toml": src("""
                    [project]
                    name = "uvapp"
                    version = "0.1.0"
                    requires-python = ">=3.12"
                    dependencies = ["requests>=2.31"]
                    """),
            },
            prepare_tools=("uv",),
            prepare=(
                "uv lock -q",
                'sed -i \'s/dependencies = \\["requests>=2.31"\\]/'
                'dependencies = ["requests>=2.31", "PyYAML>=6"]/\' pyproject.toml',
                "grep -q PyYAML pyproject.toml",
            ),
            steps=(
                Step(f"""
                    python -m pip install --upgrade pip
                    pip install uv=={PINS["uv"]}
                    """),
                Step("uv sync --locked"),
            ),
            expect=issue("dependency_issue", "the lock file is stale; re-locking needs a human"),
        )
    )
    add(
        Case(
            name="poetry-lock-outdated",
            repo="poetryapp",
            job="test (3.12)",
            about="`poetry install` after a first dependency was added without re-locking",
            tools=("poetry",),
            files={
                "pyproject.toml": src("""
                    [project]
                    name = "poetryapp"
                    version = "0.1.0"
                    requires-python = ">=3.12"
                    dependencies = []

                    [tool.poetry]
                    package-mode = false

                    [build-system]
                    requires = ["poetry-core>=2.0"]
                    build-backend = "poetry.core.masonry.api"
                    """),
            },
            prepare_tools=("poetry",),
            prepare=(
                "poetry lock -q",
                "sed -i 's/dependencies = \\[\\]/dependencies = [\"requests>=2.31\"]/' pyproject.toml",
                "grep -q requests pyproject.toml",
            ),
            steps=(
                Step(f"""
                    python -m pip install --upgrade pip
                    pip install poetry=={PINS["poetry"]}
                    """),
                Step("poetry install --no-interaction"),
            ),
            expect=issue("dependency_issue", "the lock file is stale; re-locking needs a human"),
        )
    )
    return cases


def security_cases() -> list[Case]:
    cases: list[Case] = []
    add = cases.append
    add(
        lint_case(
            "bandit-high-severity",
            "admin-tools",
            "an ops module with shell=True, MD5, yaml.load and a hard-coded password",
            "bandit",
            "bandit -r src",
            {
                "src/admin_tools/__init__.py": "",
                "src/admin_tools/ops.py": src("""
                    import hashlib
                    import pickle
                    import subprocess

                    import yaml

                    ADMIN_PASSWORD = "hunter2"


                    def restart(service):
                        return subprocess.call(f"systemctl restart {service}", shell=True)


                    def fingerprint(data: bytes) -> str:
                        return hashlib.md5(data).hexdigest()


                    def load_inventory(path):
                        with open(path) as handle:
                            return yaml.load(handle)


                    def load_state(blob: bytes):
                        return pickle.loads(blob)
                    """),
            },
            issue("security_scan", "high-severity findings", "high"),
        )
    )
    return cases


def runner_cases() -> list[Case]:
    """Failures that come from the runner or the machine: time limits, kills, full disks."""
    cases: list[Case] = []
    add = cases.append
    add(
        Case(
            name="step-timeout",
            repo="sync-service",
            job="test (3.12)",
            about="a test that blocks forever inside a step with timeout-minutes: 1 "
            "(runner message emulated; interrupted after a few seconds)",
            tools=("pytest",),
            files={
                "requirements-dev.txt": pinned("pytest"),
                "pyproject.toml": pyproject("sync-service"),
                "src/sync_service/__init__.py": "",
                "src/sync_service/sync.py": src("""
                    import threading
                    import time


                    def full_sync(done: threading.Event) -> str:
                        while not done.is_set():  # the worker that sets it never starts
                            time.sleep(0.5)
                        return "synced"
                    """),
                "tests/test_sync.py": src("""
                    import threading

                    from sync_service.sync import full_sync


                    def test_ping():
                        assert True


                    def test_full_sync():
                        assert full_sync(threading.Event()) == "synced"
                    """),
            },
            steps=(
                INSTALL_DEV,
                Step("pytest -v", name="Run tests", cancel_after=60, timeout_minutes=1),
            ),
            expect=Expect("timeout", "rerun", note="the step hit its timeout-minutes"),
        )
    )
    add(
        Case(
            name="job-timeout",
            repo="integration",
            job="integration",
            about="a wait-for-service script still polling when the job's timeout-minutes "
            "(15) expires (runner message emulated; interrupted after a few seconds)",
            tools=("python",),
            files={
                "scripts/wait_for_api.py": src("""
                    import sys
                    import time
                    import urllib.error
                    import urllib.request


                    def wait(url: str) -> None:
                        attempt = 0
                        while True:
                            attempt += 1
                            try:
                                with urllib.request.urlopen(url, timeout=2) as response:
                                    print(f"{url} is up ({response.status})")
                                    return
                            except (urllib.error.URLError, OSError) as exc:
                                print(f"attempt {attempt}: {url} not ready: {exc}", flush=True)
                            time.sleep(1)


                    if __name__ == "__main__":
                        wait(sys.argv[1])
                    """),
            },
            steps=(
                Step("python scripts/wait_for_api.py http://127.0.0.1:8080/health", cancel_after=6),
            ),
            job_timeout_minutes=15,
            expect=Expect(
                "timeout",
                "rerun",
                note="the job hit its timeout-minutes; the connection errors are what it "
                "was waiting on",
            ),
        )
    )
    add(
        Case(
            name="killed-exit-137",
            repo="ml-pipeline",
            job="train",
            about="a training script killed with SIGKILL, as the kernel's OOM killer does "
            "(the kill is sent by the script itself)",
            tools=("python", "bash"),
            files={
                "scripts/train.py": src("""
                    import os
                    import signal
                    import sys

                    epochs = int(sys.argv[sys.argv.index("--epochs") + 1])
                    for epoch in range(1, epochs + 1):
                        print(f"epoch {epoch}/{epochs}: loading shard {epoch:03d}", flush=True)
                        if epoch == 3:
                            # Stand-in for the kernel's OOM killer.
                            os.kill(os.getpid(), signal.SIGKILL)
                    """),
            },
            steps=(Step("python scripts/train.py --epochs 20"),),
            expect=issue("resource_exhaustion", "SIGKILL (exit 137): out of memory"),
        )
    )
    add(
        Case(
            name="disk-full",
            repo="dataset-builder",
            job="build-dataset",
            about="an export script writing to a full device (the output path is /dev/full)",
            tools=("python",),
            files={
                "scripts/export_dataset.py": src("""
                    import argparse
                    import os


                    def main() -> None:
                        parser = argparse.ArgumentParser()
                        parser.add_argument("--out", required=True)
                        args = parser.parse_args()
                        chunk = os.urandom(1 << 20)
                        with open(args.out, "wb") as handle:
                            for index in range(256):
                                handle.write(chunk)
                                if index % 64 == 0:
                                    print(f"wrote {index + 1} MiB", flush=True)


                    if __name__ == "__main__":
                        main()
                    """),
            },
            prepare=("mkdir -p dist && ln -s /dev/full dist/dataset.bin",),
            steps=(Step("python scripts/export_dataset.py --out dist/dataset.bin"),),
            expect=issue("resource_exhaustion", "ENOSPC: no space left on the runner's disk"),
        )
    )
    add(
        Case(
            name="memory-error",
            repo="search-index",
            job="build-index",
            about="an indexing script allocating past the memory available to it (the step "
            "runs under an address-space limit)",
            tools=("python",),
            files={
                "scripts/build_index.py": src("""
                    def build(n_docs: int, vocabulary: int) -> list[list[int]]:
                        print(f"allocating postings for {n_docs} docs x {vocabulary} terms", flush=True)
                        return [[0] * vocabulary for _ in range(n_docs)]


                    if __name__ == "__main__":
                        index = build(50_000, 200_000)
                        print(len(index))
                    """),
            },
            steps=(Step("python scripts/build_index.py", memory_limit=1 << 30),),
            expect=issue("resource_exhaustion", "MemoryError"),
        )
    )
    add(
        Case(
            name="permission-denied-script",
            repo="deployer",
            job="deploy",
            about="a deploy script committed without its executable bit",
            tools=("bash",),
            files={
                "scripts/deploy.sh": src("""
                    #!/usr/bin/env bash
                    set -euo pipefail
                    echo "deploying to $1"
                    """),
            },
            steps=(Step("./scripts/deploy.sh staging"),),
            expect=issue("permission_error", "exit 126: the script is not executable"),
        )
    )
    return cases


# Text that each log must contain, so that a regeneration that no longer reproduces the
# failure (a tool changed its output, the network behaved differently) is caught here.
EXPECTED_OUTPUT: dict[str, tuple[str, ...]] = {
    "black-check": ("would reformat", "2 files would be reformatted"),
    "black-cannot-parse": ("cannot parse", "1 file would fail to reformat"),
    "isort-check": ("Imports are incorrectly sorted and/or formatted",),
    "ruff-format-check": ("3 files would be reformatted",),
    "ruff-check-fixable-color": ("Found 6 errors.", "6 fixable with"),
    "ruff-check-unfixable": ("F821", "E722", "Found 5 errors."),
    "ruff-check-github-format": ("##[error]exporter/export.py:10:9: F821",),
    "mypy-type-errors-color": ("Missing return statement",),
    "mypy-import-not-found": ("Cannot find implementation or library stub for module named",),
    "mypy-stubs-not-installed": ('Library stubs not installed for "yaml"',),
    "pyright": ("3 errors, 0 warnings",),
    "pytest-missing-yaml": ("ModuleNotFoundError: No module named 'yaml'",),
    "pytest-conftest-missing-requests": (
        "ImportError while loading conftest",
        "ModuleNotFoundError: No module named 'requests'",
    ),
    "pytest-own-package-not-installed": ("No module named 'myproject'",),
    "pytest-timeout-plugin": ("Failed: Timeout (>1.0s) from pytest-timeout.",),
    "pytest-xpass-strict": ("[XPASS(strict)]",),
    "unittest-failure": ("FAILED (failures=1)",),
    "unittest-missing-pil": ("No module named 'PIL'",),
    "python-script-missing-dateutil": ("No module named 'dateutil'",),
    "pip-no-matching-distribution": ("No matching distribution found for notarealpkg123==1.0",),
    "pip-resolution-impossible": ("ResolutionImpossible",),
    "pip-build-c-extension": ("Failed building wheel for fastmath",),
    "pip-hash-mismatch": ("THESE PACKAGES DO NOT MATCH THE HASHES",),
    "pip-index-connection-refused": ("Connection refused",),
    "pip-index-read-timeout": ("Read timed out",),
    "uv-package-not-found": ("notarealpkg123 was not found in the package registry",),
    "uv-lock-outdated": ("needs to be updated, but `--locked` was provided",),
    "poetry-lock-outdated": ("changed significantly since poetry.lock was last generated",),
    "bandit-high-severity": ("Severity: High",),
    "step-timeout": ("KeyboardInterrupt", "has timed out after 1 minutes"),
    "job-timeout": ("KeyboardInterrupt", "has exceeded the maximum execution time"),
    "killed-exit-137": (" Killed ", "exit code 137"),
    "disk-full": ("OSError: [Errno 28] No space left on device",),
    "memory-error": ("MemoryError",),
    "permission-denied-script": ("Permission denied", "exit code 126"),
    "green-job": ("3 passed",),
}


# --------------------------------------------------------------------------- running a case


@dataclass
class Interpreter:
    executable: Path
    version: str  # e.g. "3.12.1"
    base_prefix: Path

    @classmethod
    def find(cls, requested: str | None) -> Interpreter:
        """The requested interpreter, else the first working CPython 3.12 found."""
        candidates = [requested] if requested else []
        candidates += [shutil.which("python3.12") or ""]
        candidates += sorted(str(p) for p in Path.home().glob(".pyenv/versions/3.12.*/bin/python3"))
        for candidate in filter(None, candidates):
            probe = subprocess.run(
                [
                    candidate,
                    "-c",
                    "import platform, sys; print(platform.python_version())"
                    "; print(sys.executable); print(sys.base_prefix)",
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            lines = probe.stdout.split()
            if probe.returncode == 0 and (requested or lines[0].startswith("3.12.")):
                return cls(Path(lines[1]), lines[0], Path(lines[2]))
        raise SystemExit("no CPython 3.12 interpreter found; pass --python")

    @property
    def toolcache(self) -> str:
        return f"/opt/hostedtoolcache/Python/{self.version}/x64"


@dataclass
class Workspace:
    """The directories of one case, laid out like a hosted runner's below a temporary root.

    Mirroring the runner's layout keeps relative paths between the project and the tool
    cache the same as on a runner (some tools print whichever of the relative and absolute
    path is shorter, so the root is kept short too)."""

    root: Path
    repo: str
    python_version: str

    @property
    def home(self) -> Path:  # /home/runner
        return self.root / "home" / "runner"

    @property
    def work(self) -> Path:  # /home/runner/work
        return self.home / "work"

    @property
    def project(self) -> Path:  # /home/runner/work/<repo>/<repo>
        return self.work / self.repo / self.repo

    @property
    def temp(self) -> Path:  # /home/runner/work/_temp
        return self.work / "_temp"

    @property
    def toolcache(self) -> Path:  # /opt/hostedtoolcache/Python/<version>/x64
        return self.root / "opt" / "hostedtoolcache" / "Python" / self.python_version / "x64"

    @property
    def prep(self) -> Path:  # hidden tools used to prepare the repository state
        return self.root / "prep"

    def create(self, files: Mapping[str, str]) -> None:
        for directory in (self.project, self.temp, self.home):
            directory.mkdir(parents=True, exist_ok=True)
        for relpath, text in files.items():
            path = self.project / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)


class Sanitizer:
    """Rewrites this machine's paths into the paths of a hosted runner."""

    def __init__(self, ws: Workspace, python: Interpreter) -> None:
        pairs = [
            (str(ws.root) + "/", "/"),
            (str(python.base_prefix), python.toolcache),
        ]
        self._pairs = sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)
        self._leak = str(ws.root)

    def __call__(self, text: str) -> str:
        for real, shown in self._pairs:
            text = text.replace(real, shown)
        if self._leak in text:
            raise RuntimeError(f"unsanitized path {self._leak!r} in {text!r}")
        return text


@dataclass
class StepOutput:
    lines: list[tuple[float, str]]  # (seconds since the step started, text)
    exit_code: int
    elapsed: float
    cancelled: bool


def step_env(case: Case, step: Step, ws: Workspace, python: Interpreter) -> dict[str, str]:
    """The environment a hosted runner gives a `run:` step after setup-python."""
    env = {
        "PATH": f"{ws.toolcache}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": str(ws.home),
        "LANG": "C.UTF-8",
        "USER": "runner",
        "LOGNAME": "runner",
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(ws.project),
        "GITHUB_REPOSITORY": f"{OWNER}/{case.repo}",
        "RUNNER_OS": "Linux",
        "RUNNER_TEMP": str(ws.temp),
        "pythonLocation": str(ws.toolcache),
        "PKG_CONFIG_PATH": f"{ws.toolcache}/lib/pkgconfig",
        "Python_ROOT_DIR": str(ws.toolcache),
        "Python2_ROOT_DIR": str(ws.toolcache),
        "Python3_ROOT_DIR": str(ws.toolcache),
        "LD_LIBRARY_PATH": f"{ws.toolcache}/lib",
        # This machine's own pip configuration (extra indexes, find-links) must not leak in.
        "PIP_CONFIG_FILE": os.devnull,
    }
    # TLS trust of this machine; invisible in the output, needed to reach PyPI and npm.
    bundle = os.environ.get("SSL_CERT_FILE") or "/etc/ssl/certs/ca-certificates.crt"
    if Path(bundle).exists():
        for name in ("SSL_CERT_FILE", "PIP_CERT", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"):
            env[name] = bundle
    env.update(case.workflow_env)
    env.update(step.env)
    return env


def shown_env(case: Case, step: Step, python: Interpreter) -> list[tuple[str, str]]:
    """The `env:` block that the runner prints under a `run:` step's header."""
    tc = python.toolcache
    return [
        *case.workflow_env.items(),
        *step.env.items(),
        ("pythonLocation", tc),
        ("PKG_CONFIG_PATH", f"{tc}/lib/pkgconfig"),
        ("Python_ROOT_DIR", tc),
        ("Python2_ROOT_DIR", tc),
        ("Python3_ROOT_DIR", tc),
        ("LD_LIBRARY_PATH", f"{tc}/lib"),
    ]


def run_step(step: Step, script_path: Path, cwd: Path, env: Mapping[str, str]) -> StepOutput:
    """Run a step's script like the runner does: `/usr/bin/bash -e <script>`, output merged."""
    script_path.write_text("\n".join(step.lines) + "\n")
    argv = [*as_runner_user(), "/usr/bin/bash", "-e", str(script_path)]
    if step.memory_limit is not None:
        argv = ["prlimit", f"--as={step.memory_limit}", *argv]
    lines: list[tuple[float, str]] = []
    started = time.monotonic()
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    assert proc.stdout is not None
    stdout = proc.stdout

    def pump() -> None:
        for raw in iter(stdout.readline, b""):
            text = raw.decode("utf-8", "replace").rstrip("\n").rstrip("\r")
            lines.append((time.monotonic() - started, text))

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    limit = step.cancel_after if step.cancel_after is not None else STEP_HARD_LIMIT
    cancelled = False
    try:
        proc.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        if step.cancel_after is None:
            os.killpg(proc.pid, signal.SIGKILL)
            raise RuntimeError(f"step {step.header!r} ran longer than {limit}s") from None
        cancelled = True
        for sig, grace in ((signal.SIGINT, CANCEL_GRACE), (signal.SIGTERM, 2.5)):
            os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                continue
        else:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    reader.join(timeout=10)
    return StepOutput(lines, proc.returncode, time.monotonic() - started, cancelled)


def install_toolcache(python: Interpreter, target: Path) -> None:
    """Copy the interpreter's installation, as actions/setup-python provides one.

    A plain installation rather than a virtual environment: pip installs into its
    site-packages as on a runner, and tools that look for a "system" Python (uv) find it.
    The standard library's test suite is left out to keep the copy small."""
    stdlib = python.base_prefix / "lib" / f"python{python.version.rsplit('.', 1)[0]}"

    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n.endswith(".pth") and n != "distutils-precedence.pth"}
        if Path(directory) == stdlib:
            skipped |= {"test", "idlelib", "tkinter", "turtledemo"} & set(names)
        return skipped

    shutil.copytree(python.base_prefix, target, symlinks=True, ignore=ignore)
    # The installation's own record of where it lives (sysconfig, python-config, pkg-config,
    # console-script shebangs) must name the copy, as it names the tool cache on a runner.
    copied_stdlib = target / stdlib.relative_to(python.base_prefix)
    texts = [
        *copied_stdlib.glob("_sysconfigdata_*.py"),
        *copied_stdlib.glob("config-*/Makefile"),
        *copied_stdlib.glob("config-*/python-config.py"),
        *(target / "lib" / "pkgconfig").glob("*.pc"),
        *(path for path in (target / "bin").iterdir() if path.is_file() and not path.is_symlink()),
    ]
    old, new = str(python.base_prefix).encode(), str(target).encode()
    for path in texts:
        content = path.read_bytes()
        if b"\0" not in content[:4096] and old in content:  # text files only, not ELF
            path.write_bytes(content.replace(old, new))


def as_runner_user() -> list[str]:
    """Hosted runners run steps as an unprivileged user (`runner`, uid 1001); so do we when
    started as root, or tools would print root-only warnings (pip) or skip permission checks."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", f"--reuid={RUNNER_UID}", f"--regid={RUNNER_UID}", "--clear-groups"]


def chown_tree(root: Path) -> None:
    if os.geteuid() != 0:
        return
    for directory, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            os.lchown(Path(directory) / name, RUNNER_UID, RUNNER_UID)
    os.lchown(root, RUNNER_UID, RUNNER_UID)


def run_hidden(argv: Sequence[str], cwd: Path, env: Mapping[str, str]) -> None:
    """Run a preparation command whose output is not part of the log."""
    result = subprocess.run(
        list(argv), cwd=cwd, env=dict(env), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{argv} failed:\n{result.stdout}\n{result.stderr}")


def prepare_repository(case: Case, ws: Workspace, python: Interpreter) -> None:
    if not case.prepare:
        return
    env = step_env(case, Step("true"), ws, python)
    env["HOME"] = str(ws.root / "prep-home")  # keep the job's home (caches) pristine
    if case.prepare_tools:
        run_hidden([str(python.executable), "-m", "venv", str(ws.prep)], ws.root, env)
        pip = [str(ws.prep / "bin" / "pip"), "install", "-q"]
        run_hidden([*pip, *(f"{n}=={PINS[n]}" for n in case.prepare_tools)], ws.root, env)
        env["PATH"] = f"{ws.prep}/bin:{env['PATH']}"
    for command in case.prepare:
        run_hidden(["/usr/bin/bash", "-e", "-c", command], ws.project, env)


def tool_versions(case: Case, ws: Workspace, python: Interpreter) -> str:
    code = (
        "import importlib.metadata as m, json, sys\n"
        "out = {}\n"
        "for n in sys.argv[1:]:\n"
        "    try:\n"
        "        out[n] = m.version(n)\n"
        "    except m.PackageNotFoundError:\n"
        "        out[n] = None\n"
        "print(json.dumps(out))\n"
    )
    names = [t for t in case.tools if t not in ("python", "bash", "gcc")]
    found: dict[str, str | None] = {}
    if names:
        out = subprocess.run(
            [str(ws.toolcache / "bin" / "python"), "-c", code, *names],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        found = json.loads(out)
    parts = []
    for tool in case.tools:
        if tool == "python":
            parts.append(f"CPython {python.version}")
        elif tool == "bash":
            bash = subprocess.run(
                ["/usr/bin/bash", "-c", "echo ${BASH_VERSINFO[0]}.${BASH_VERSINFO[1]}"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
            parts.append(f"bash {bash}")
        elif tool == "gcc":
            gcc = subprocess.run(
                ["gcc", "-dumpfullversion"], check=True, capture_output=True, text=True
            ).stdout.strip()
            parts.append(f"gcc {gcc}")
        elif found.get(tool) is None:
            raise RuntimeError(f"{case.name}: {tool} is not installed in the job's environment")
        else:
            parts.append(f"{tool} {found[tool]}")
    return ", ".join(parts)


@contextmanager
def stalling_server(port: int | None) -> Iterator[None]:
    """Accept TCP connections on 127.0.0.1:port and never answer (a hung package mirror)."""
    if port is None:
        yield
        return
    listener = socket.create_server(("127.0.0.1", port))
    listener.settimeout(0.2)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            held.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


# --------------------------------------------------------------------------- log framing


class JobLog:
    """Lines of a job log, each stamped like GitHub does (7 fractional digits, UTC)."""

    def __init__(self, start: datetime, seed: str) -> None:
        self.now = start
        self.rng = random.Random(seed)
        self.lines: list[str] = []

    def stamp(self) -> str:
        t = self.now
        return f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}{self.rng.randrange(10)}Z"

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def emit(self, text: str, gap: float = 0.0) -> None:
        self.advance(gap + self.rng.uniform(0.00004, 0.0009))
        self.lines.append(f"{self.stamp()} {text}")

    def emit_at(self, moment: datetime, text: str) -> None:
        self.now = max(self.now + timedelta(microseconds=self.rng.randrange(3, 40)), moment)
        self.lines.append(f"{self.stamp()} {text}")

    def advance_to(self, moment: datetime) -> None:
        self.now = max(self.now, moment)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def fake_sha(*parts: str) -> str:
    return hashlib.sha1("/".join(parts).encode(), usedforsecurity=False).hexdigest()


def frame_set_up_job(log: JobLog, case: Case) -> None:
    for line in (
        f"Current runner version: '{RUNNER_VERSION}'",
        "##[group]Operating System",
        "Ubuntu",
        "24.04.1",
        "LTS",
        "##[endgroup]",
        "##[group]Runner Image",
        "Image: ubuntu-24.04",
        "Version: 20241201.1.0",
        "Included Software: https://github.com/actions/runner-images/blob/ubuntu24/"
        "20241201.1/images/ubuntu/Ubuntu2404-Readme.md",
        "Image Release: https://github.com/actions/runner-images/releases/tag/"
        "ubuntu24%2F20241201.1",
        "##[endgroup]",
        "##[group]Runner Image Provisioner",
        "2.0.384.1",
        "##[endgroup]",
        "##[group]GITHUB_TOKEN Permissions",
        "Contents: read",
        "Metadata: read",
        "##[endgroup]",
        "Secret source: Actions",
        "Prepare workflow directory",
    ):
        log.emit(text=line)
    log.emit("Prepare all required actions", gap=0.03)
    log.emit("Getting action download info")
    log.emit(f"Download action repository 'actions/checkout@v4' (SHA:{CHECKOUT_SHA})", gap=0.35)
    log.emit(
        f"Download action repository 'actions/setup-python@v5' (SHA:{SETUP_PYTHON_SHA})",
        gap=0.1,
    )
    log.emit(f"Complete job name: {case.job}", gap=0.6)


def git_cleanup_lines(repo: str, home_id: str) -> list[str]:
    path = f"/home/runner/work/{repo}/{repo}"
    return [
        f"Temporarily overriding HOME='/home/runner/work/_temp/{home_id}' before making "
        "global git config changes",
        "Adding repository directory to the temporary git global config as a safe directory",
        f"[command]/usr/bin/git config --global --add safe.directory {path}",
    ]


SSH_UNSET = (
    '[command]/usr/bin/git submodule foreach --recursive sh -c "git config --local '
    "--name-only --get-regexp 'core\\.sshCommand' && git config --local --unset-all "
    "'core.sshCommand' || :\""
)
EXTRAHEADER_UNSET = (
    '[command]/usr/bin/git submodule foreach --recursive sh -c "git config --local '
    "--name-only --get-regexp 'http\\.https\\:\\/\\/github\\.com\\/\\.extraheader' && "
    "git config --local --unset-all 'http.https://github.com/.extraheader' || :\""
)


def frame_checkout(log: JobLog, case: Case) -> None:
    repo, full = case.repo, f"{OWNER}/{case.repo}"
    path = f"/home/runner/work/{repo}/{repo}"
    sha = fake_sha(case.name, "head")
    home_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{case.name}/checkout"))
    log.emit("##[group]Run actions/checkout@v4", gap=0.05)
    for line in (
        "with:",
        f"  repository: {full}",
        "  token: ***",
        "  ssh-strict: true",
        "  ssh-user: git",
        "  persist-credentials: true",
        "  clean: true",
        "  sparse-checkout-cone-mode: true",
        "  fetch-depth: 1",
        "  fetch-tags: false",
        "  show-progress: true",
        "  lfs: false",
        "  submodules: false",
        "  set-safe-directory: true",
        "##[endgroup]",
    ):
        log.emit(line)
    log.emit(f"Syncing repository: {full}", gap=0.15)
    for line in (
        "##[group]Getting Git version info",
        f"Working directory is '{path}'",
        "[command]/usr/bin/git version",
        f"git version {GIT_VERSION}",
        "##[endgroup]",
        *git_cleanup_lines(repo, home_id),
        f"Deleting the contents of '{path}'",
        "##[group]Initializing the repository",
        f"[command]/usr/bin/git init {path}",
        "hint: Using 'master' as the name for the initial branch. This default branch name",
        "hint: is subject to change. To configure the initial branch name to use in all",
        "hint: of your new repositories, which will suppress this warning, call:",
        "hint:",
        "hint: \tgit config --global init.defaultBranch <name>",
        "hint:",
        "hint: Names commonly chosen instead of 'master' are 'main', 'trunk' and",
        "hint: 'development'. The just-created branch can be renamed via this command:",
        "hint:",
        "hint: \tgit branch -m <name>",
        f"Initialized empty Git repository in {path}/.git/",
        f"[command]/usr/bin/git remote add origin https://github.com/{full}",
        "##[endgroup]",
        "##[group]Disabling automatic garbage collection",
        "[command]/usr/bin/git config --local gc.auto 0",
        "##[endgroup]",
        "##[group]Setting up auth",
        "[command]/usr/bin/git config --local --name-only --get-regexp core\\.sshCommand",
        SSH_UNSET,
        "[command]/usr/bin/git config --local --name-only --get-regexp "
        "http\\.https\\:\\/\\/github\\.com\\/\\.extraheader",
        EXTRAHEADER_UNSET,
        "[command]/usr/bin/git config --local http.https://github.com/.extraheader "
        "AUTHORIZATION: basic ***",
        "##[endgroup]",
        "##[group]Fetching the repository",
        "[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune "
        "--no-recurse-submodules --depth=1 origin "
        f"+{sha}:refs/remotes/origin/main",
    ):
        log.emit(line, gap=0.004)
    log.emit(f"From https://github.com/{full}", gap=0.4)
    log.emit(f" * [new ref]         {sha} -> origin/main")
    for line in (
        "##[endgroup]",
        "##[group]Determining the checkout info",
        "##[endgroup]",
        "[command]/usr/bin/git sparse-checkout disable",
        "[command]/usr/bin/git config --local --unset-all extensions.worktreeConfig",
        "##[group]Checking out the ref",
        "[command]/usr/bin/git checkout --progress --force -B main refs/remotes/origin/main",
        "Switched to a new branch 'main'",
        "branch 'main' set up to track 'origin/main'.",
        "##[endgroup]",
        "[command]/usr/bin/git log -1 --format='%H'",
        f"'{sha}'",
    ):
        log.emit(line, gap=0.003)


def frame_setup_python(log: JobLog, python: Interpreter) -> None:
    log.emit("##[group]Run actions/setup-python@v5", gap=0.02)
    for line in (
        "with:",
        f"  python-version: {python.version.rsplit('.', 1)[0]}",
        "  check-latest: false",
        "  token: ***",
        "  update-environment: true",
        "  allow-prereleases: false",
        "  freethreaded: false",
        "##[endgroup]",
    ):
        log.emit(line)
    log.emit("##[group]Installed versions", gap=0.15)
    log.emit(f"Successfully set up CPython ({python.version})", gap=0.01)
    log.emit("##[endgroup]")


def frame_run_header(log: JobLog, case: Case, step: Step, python: Interpreter) -> None:
    lines = step.lines
    log.emit(f"##[group]{step.header}", gap=0.01)
    for line in lines:
        log.emit(f"\x1b[36;1m{line}\x1b[0m")
    log.emit("shell: /usr/bin/bash -e {0}")
    log.emit("env:")
    for key, value in shown_env(case, step, python):
        log.emit(f"  {key}: {value}")
    log.emit("##[endgroup]")


def frame_post_job(log: JobLog, case: Case) -> None:
    home_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{case.name}/post"))
    log.emit("Post job cleanup.", gap=0.2)
    for line in (
        "[command]/usr/bin/git version",
        f"git version {GIT_VERSION}",
        *git_cleanup_lines(case.repo, home_id),
        "[command]/usr/bin/git config --local --name-only --get-regexp core\\.sshCommand",
        SSH_UNSET,
        "[command]/usr/bin/git config --local --name-only --get-regexp "
        "http\\.https\\:\\/\\/github\\.com\\/\\.extraheader",
        "http.https://github.com/.extraheader",
        "[command]/usr/bin/git config --local --unset-all http.https://github.com/.extraheader",
        EXTRAHEADER_UNSET,
    ):
        log.emit(line, gap=0.004)
    log.emit("Cleaning up orphan processes", gap=0.05)


@dataclass
class CaseResult:
    log: str
    annotations: list[str]
    failing_step: str | None
    versions: str


def run_case(case: Case, index: int, python: Interpreter, keep: bool) -> CaseResult:
    """Build the case's project, run its job for real and frame the output as a job log."""
    # A short root ("/tmp/" and 8 characters): see Workspace.
    root = Path(tempfile.mkdtemp(prefix="", dir="/tmp"))
    ws = Workspace(root, case.repo, python.version)
    try:
        ws.create(case.files)
        install_toolcache(python, ws.toolcache)
        prepare_repository(case, ws, python)
        chown_tree(root)
        sanitize = Sanitizer(ws, python)
        log = JobLog(FIRST_JOB_START + timedelta(minutes=37 * index), case.name)
        frame_set_up_job(log, case)
        frame_checkout(log, case)
        frame_setup_python(log, python)
        annotations: list[str] = []
        failing: str | None = None
        with stalling_server(case.stalling_port):
            for number, step in enumerate(case.steps):
                frame_run_header(log, case, step, python)
                script_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{case.name}/{number}")
                out = run_step(
                    step,
                    ws.temp / f"{script_id}.sh",
                    ws.project,
                    step_env(case, step, ws, python),
                )
                started = log.now
                annotations += emit_step_output(log, out, sanitize)
                if out.cancelled:
                    failing = step.header
                    frame_cancelled(log, case, step, started)
                    break
                if out.exit_code != 0:
                    failing = step.header
                    log.emit(f"##[error]Process completed with exit code {out.exit_code}.")
                    break
        frame_post_job(log, case)
        text = log.text()
        missing = [want for want in EXPECTED_OUTPUT.get(case.name, ()) if want not in text]
        if missing:
            raise RuntimeError(f"{case.name}: the log lacks {missing} (re-run with --keep)")
        return CaseResult(text, annotations, failing, tool_versions(case, ws, python))
    finally:
        if keep:
            print(f"  kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)


def emit_step_output(log: JobLog, out: StepOutput, sanitize: Sanitizer) -> list[str]:
    """Append a step's output at the times it arrived; return the annotations it made."""
    started = log.now
    annotations: list[str] = []
    for offset, raw in out.lines:
        text = sanitize(raw)
        command = WORKFLOW_COMMAND.match(text)
        if command:
            kind, message = command.groups()
            message = unescape_command_data(message)
            if kind in ("error", "warning", "notice"):
                annotations.append(message)
            text = f"##[{kind}]{message}"
        for part in text.split("\n"):
            log.emit_at(started + timedelta(seconds=offset), part)
    log.advance_to(started + timedelta(seconds=out.elapsed))
    return annotations


def unescape_command_data(data: str) -> str:
    """Decode the message of a workflow command (`%0A` is a newline), as the runner does."""
    return data.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def frame_cancelled(log: JobLog, case: Case, step: Step, started: datetime) -> None:
    """The runner's own messages when a step or the job runs out of time."""
    if case.job_timeout_minutes is not None:
        deadline = started + timedelta(minutes=case.job_timeout_minutes) - timedelta(seconds=41)
        log.emit_at(
            deadline,
            "##[error]The job running on runner GitHub Actions 1000000178 has exceeded the "
            f"maximum execution time of {case.job_timeout_minutes} minutes.",
        )
        log.emit("##[error]The operation was canceled.", gap=0.2)
        return
    assert step.name is not None and step.timeout_minutes is not None
    deadline = started + timedelta(minutes=step.timeout_minutes, seconds=0.3)
    log.emit_at(
        deadline,
        f"##[error]The action '{step.name}' has timed out after {step.timeout_minutes} minutes.",
    )


# --------------------------------------------------------------------------- the table


def yaml_str(value: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is a subset of it)."""
    return json.dumps(value, ensure_ascii=False)


def table_entry(case: Case, result: CaseResult) -> str:
    exp = case.expect
    source = f"{result.versions} on {case.about} (generate.py: case {case.name})"
    if exp.action == "none":
        if result.failing_step is not None:
            raise RuntimeError(f"{case.name}: expected success, but {result.failing_step} failed")
        lines = [
            f"- file: tools/{case.name}.log",
            "  expect_no_findings: true",
            f"  source: {yaml_str(source)}",
        ]
        if exp.note:
            lines.append(f"  note: {yaml_str(exp.note)}")
        return "\n".join(lines) + "\n"
    if result.failing_step is None:
        raise RuntimeError(f"{case.name}: expected a failure, but the job succeeded")
    lines = [
        f"- file: tools/{case.name}.log",
        f"  category: {exp.category}",
        f"  action: {exp.action}",
    ]
    if exp.fixes:
        lines.append(f"  fixes: [{', '.join(exp.fixes)}]")
    if exp.severity:
        lines.append(f"  severity: {exp.severity}")
    lines.append(f"  failing_step: {yaml_str(result.failing_step)}")
    if result.annotations:
        lines.append("  annotations:")
        lines.extend(f"    - {yaml_str(text)}" for text in result.annotations)
    else:
        lines.append("  annotations: []")
    lines.append(f"  source: {yaml_str(source)}")
    if exp.note:
        lines.append(f"  note: {yaml_str(exp.note)}")
    return "\n".join(lines) + "\n"


def read_table_entries() -> dict[str, str]:
    """The existing table, split into entries keyed by case name (text kept verbatim)."""
    if not TABLE.exists():
        return {}
    entries: dict[str, str] = {}
    for chunk in re.split(r"(?m)^(?=- file: )", TABLE.read_text()):
        if chunk.startswith("- file: "):
            first = chunk.split("\n", 1)[0]
            name = first.removeprefix("- file: tools/").strip().removesuffix(".log")
            entries[name] = chunk.rstrip("\n") + "\n"
    return entries


def write_table(cases: Sequence[Case], entries: Mapping[str, str]) -> None:
    body = "\n".join(entries[case.name] for case in cases if case.name in entries)
    TABLE.write_text(TABLE_HEADER + "\n" + body)


# --------------------------------------------------------------------------- main


def build_cases() -> list[Case]:
    cases = [
        *static_analysis_cases(),
        *test_cases(),
        *python_cases(),
        *dependency_cases(),
        *security_cases(),
        *runner_cases(),
    ]
    names = [case.name for case in cases]
    duplicates = {name for name in names if names.count(name) > 1}
    assert not duplicates, duplicates
    assert set(EXPECTED_OUTPUT) <= set(names), set(EXPECTED_OUTPUT) - set(names)
    return cases


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these cases")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects")
    parser.add_argument(
        "--python", help="CPython 3.12 interpreter that stands in for actions/setup-python"
    )
    args = parser.parse_args(argv)
    cases = build_cases()
    if args.list:
        for case in cases:
            print(f"{case.name:32} {case.expect.category:20} {case.expect.action}")
        return 0
    selected = [case for case in cases if not args.only or case.name in args.only]
    unknown = set(args.only or ()) - {case.name for case in cases}
    if unknown:
        parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")
    python = Interpreter.find(args.python)
    entries = read_table_entries()
    for case in selected:
        index = cases.index(case)
        print(f"[{index + 1}/{len(cases)}] {case.name}", file=sys.stderr)
        result = run_case(case, index, python, args.keep)
        (HERE / f"{case.name}.log").write_text(result.log)
        entries[case.name] = table_entry(case, result)
        write_table(cases, entries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
