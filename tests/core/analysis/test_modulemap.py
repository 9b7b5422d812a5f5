"""Import name -> distribution, and whether a module is Python's, the project's own, a mapped
third-party one, or unknown (docs/security.md#tm06: a module name read from a log is never guessed
into a distribution name)."""

from __future__ import annotations

import re
import sys
from typing import Any

import pytest

from autorecover.core.analysis.modulemap import ModuleKind, Resolution, builtin_map, resolve

THIRD_PARTY = ModuleKind.THIRD_PARTY
LOCAL = ModuleKind.LOCAL
STDLIB = ModuleKind.STDLIB
UNKNOWN = ModuleKind.UNKNOWN


@pytest.mark.parametrize(
    ("module", "options", "expected"),
    [
        # Python's own modules: a wrong interpreter, never a requirement.
        pytest.param("os", {}, Resolution(STDLIB, "os"), id="stdlib"),
        pytest.param("os.path", {}, Resolution(STDLIB, "os.path"), id="stdlib-submodule"),
        pytest.param("tomllib", {}, Resolution(STDLIB, "tomllib"), id="stdlib-new-in-3.11"),
        pytest.param(
            "json",
            {"overrides": {"json": "simplejson"}},
            Resolution(STDLIB, "json"),
            id="stdlib-not-overridable",
        ),
        # Mapped third-party distributions.
        pytest.param("yaml", {}, Resolution(THIRD_PARTY, "yaml", "PyYAML"), id="mapped"),
        pytest.param("PIL", {}, Resolution(THIRD_PARTY, "PIL", "Pillow"), id="mapped-uppercase"),
        pytest.param(
            "yaml.constructor",
            {},
            Resolution(THIRD_PARTY, "yaml.constructor", "PyYAML"),
            id="submodule-of-a-mapped-module",
        ),
        pytest.param(
            "google.cloud.storage.blob",
            {},
            Resolution(THIRD_PARTY, "google.cloud.storage.blob", "google-cloud-storage"),
            id="longest-dotted-prefix",
        ),
        pytest.param(
            "google.cloud.pubsub",
            {},
            Resolution(UNKNOWN, "google.cloud.pubsub"),
            id="namespace-package-not-guessed",
        ),
        pytest.param("'yaml'", {}, Resolution(THIRD_PARTY, "yaml", "PyYAML"), id="quotes-stripped"),
        pytest.param(
            ' "yaml" ', {}, Resolution(THIRD_PARTY, "yaml", "PyYAML"), id="spaces-and-quotes"
        ),
        pytest.param("pil", {}, Resolution(UNKNOWN, "pil"), id="import-names-are-case-sensitive"),
        # Unknown: a person must name the distribution.
        pytest.param("evil_pkg", {}, Resolution(UNKNOWN, "evil_pkg"), id="unmapped"),
        pytest.param("", {}, Resolution(UNKNOWN, ""), id="empty"),
        # The user's mapping (`requirements.mapping`).
        pytest.param(
            "internal_sdk",
            {"overrides": {"internal_sdk": "acme-internal-sdk"}},
            Resolution(THIRD_PARTY, "internal_sdk", "acme-internal-sdk"),
            id="user-mapping",
        ),
        pytest.param(
            "acme.sdk.client",
            {"overrides": {"acme.sdk": "acme-sdk"}},
            Resolution(THIRD_PARTY, "acme.sdk.client", "acme-sdk"),
            id="user-mapping-dotted-prefix",
        ),
        pytest.param(
            "yaml",
            {"overrides": {"yaml": "my-yaml-fork"}},
            Resolution(THIRD_PARTY, "yaml", "my-yaml-fork"),
            id="user-mapping-beats-builtin",
        ),
        # The project's own package: a packaging or configuration problem.
        pytest.param(
            "myproject.core",
            {"repository": "octo/python-myproject"},
            Resolution(LOCAL, "myproject.core"),
            id="repo-with-python-prefix",
        ),
        pytest.param(
            "python_myproject",
            {"repository": "octo/python-myproject"},
            Resolution(LOCAL, "python_myproject"),
            id="repo-name-itself",
        ),
        pytest.param(
            "widgets",
            {"repository": "octo/widgets-py"},
            Resolution(LOCAL, "widgets"),
            id="py-suffix",
        ),
        pytest.param(
            "widgets",
            {"repository": "octo/pywidgets"},
            Resolution(LOCAL, "widgets"),
            id="py-prefix",
        ),
        pytest.param(
            "my_tool",
            {"repository": "octo/My.Tool"},
            Resolution(LOCAL, "my_tool"),
            id="repo-normalised",
        ),
        pytest.param(
            "logging",
            {"repository": "octo/logging"},
            Resolution(LOCAL, "logging"),
            id="own-package-shadows-stdlib",
        ),
        pytest.param(
            "requests",
            {"repository": "psf/requests"},
            Resolution(LOCAL, "requests"),
            id="own-package-beats-the-map",
        ),
        pytest.param(
            "yaml",
            {"repository": "octo/widgets"},
            Resolution(THIRD_PARTY, "yaml", "PyYAML"),
            id="other-repo",
        ),
        pytest.param(
            "x",
            {"repository": "octo/pyx"},
            Resolution(UNKNOWN, "x"),
            id="prefix-needs-two-more-letters",
        ),
        pytest.param(
            "my_pkg.sub",
            {"local_modules": {"My-Pkg"}},
            Resolution(LOCAL, "my_pkg.sub"),
            id="local-module-normalised",
        ),
        pytest.param(
            "yaml",
            {"local_modules": {"yaml"}},
            Resolution(LOCAL, "yaml"),
            id="local-module-beats-the-map",
        ),
        pytest.param(
            "other",
            {"local_modules": {"mine"}, "repository": "octo/widgets"},
            Resolution(UNKNOWN, "other"),
            id="neither-local-nor-mapped",
        ),
    ],
)
def test_resolve(module: str, options: dict[str, Any], expected: Resolution) -> None:
    assert resolve(module, **options) == expected


_DISTRIBUTION_RE = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
_IMPORT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def test_builtin_map_holds_import_names_and_valid_distribution_names() -> None:
    table = builtin_map()
    assert table["yaml"] == "PyYAML"
    bad_imports = [name for name in table if not _IMPORT_RE.match(name)]
    bad_distributions = [dist for dist in table.values() if not _DISTRIBUTION_RE.match(dist)]
    assert not bad_imports
    assert not bad_distributions


def test_builtin_map_never_maps_a_stdlib_module() -> None:
    assert not [name for name in builtin_map() if name.split(".")[0] in sys.stdlib_module_names]
