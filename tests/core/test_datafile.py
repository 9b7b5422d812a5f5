"""The package's YAML data read through its JSON twin: the committed twins are current,
and a stale twin is never used."""

from __future__ import annotations

import pytest

from autorecover.core.datafile import (
    ALL,
    MODULE_MAP,
    RULES,
    DataSet,
    compiled_form,
    from_compiled,
    parsed,
)


@pytest.mark.parametrize("dataset", ALL, ids=lambda d: d.twin)
def test_the_committed_twin_is_what_the_yaml_parses_to(dataset: DataSet) -> None:
    """If this fails, run `python scripts/gen_data.py`."""
    assert dataset.stored() == compiled_form(dataset.files()).encode()
    assert dataset.load() == parsed(dataset.files())


def test_a_twin_of_other_files_is_not_used() -> None:
    files = RULES.files()
    stored = compiled_form(files).encode()
    name, text = files[0]
    edited = [(name, text.replace(b"rules:", b"rules: []\nold_rules:", 1)), *files[1:]]
    assert from_compiled(edited, stored) == parsed(edited)
    assert from_compiled(edited, stored)[0] != from_compiled(files, stored)[0]
    assert from_compiled(edited, None) == parsed(edited)


def test_the_twin_is_read_without_the_yaml_parser() -> None:
    """Only a stale twin costs the parser: what the twin holds comes back as stored."""
    files = MODULE_MAP.files()
    payload = compiled_form(files).replace('"attrs"', '"attrs-from-the-twin"').encode()
    ((_, data),) = from_compiled(files, payload)
    assert data["attr"] == "attrs-from-the-twin"
