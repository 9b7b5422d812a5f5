"""The built-in rules of `formatters.yaml` (src/autorecover/core/rules/builtin/formatters.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from testing.rules import _assert_fires, _cases

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    (
        "black-would-reformat",
        "would reformat /home/runner/work/inventory-api/inventory-api/src/inventory/api.py",
    ),
    (
        "black-would-reformat",
        "2 files would be reformatted, 2 files would be left unchanged.",
    ),
    ("black-would-reformat", "1 file would be reformatted."),
    (
        "black-reformatted-files",
        "reformatted /home/mion00/projects/ha-mqtt-discovery/ha_mqtt_discoverable/sensors.py",
    ),
    (
        "black-cannot-parse",
        "error: cannot parse: /home/runner/work/ledger/ledger/src/ledger/report.py:5:10",
    ),
    (
        "black-cannot-parse",
        'error: cannot format src/ledger/report.py: Cannot parse: 5:10:     print "total:", total',
    ),
    (
        "black-cannot-format",
        "error: cannot format src/app.py: INTERNAL ERROR: Black produced code that is not "
        "equivalent to the source.",
    ),
    (
        "isort-incorrectly-sorted",
        "ERROR: /home/runner/work/billing-service/billing-service/billing/service.py Imports "
        "are incorrectly sorted and/or formatted.",
    ),
    ("ruff-format-would-reformat", "unformatted: File would be reformatted"),
    ("ruff-format-would-reformat", "3 files would be reformatted, 2 files already formatted"),
    ("ruff-format-would-reformat", "Would reformat: src/geo/points.py"),
    # isort 4.x: https://github.com/PyCQA/isort/issues/298
    (
        "isort-incorrectly-sorted",
        "ERROR: /home/vagrant/treeherder/treeherder/webapp/api/urls.py Imports are incorrectly "
        "sorted.",
    ),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)
