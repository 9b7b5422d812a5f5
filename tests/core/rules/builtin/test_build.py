"""The built-in rules of `build.yaml` (src/autorecover/core/rules/builtin/build.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from testing.rules import _assert_fires, _cases

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    ("c-header-missing", "a.c:1:10: fatal error: Python.h: No such file or directory"),
    # world/train/c2-pip-target-aqtinstall-py312-stdlib-h-macos (miurahr/aqtinstall#723)
    (
        "c-header-missing",
        "      /Library/Frameworks/Python.framework/Versions/3.12/include/python3.12/Python.h:23:12:"
        " fatal error: 'stdlib.h' file not found",
    ),
    (
        "c-compile-error",
        "src/2cdt.c:1142:41: error: implicit declaration of function 'toupper' "
        "[-Wimplicit-function-declaration]",
    ),
    ("linker-error", "b.c:(.text+0x18): undefined reference to `undeclared_fn'"),
    ("linker-error", "/usr/bin/ld: cannot find -lnotalib: No such file or directory"),
    # Apple ld / clang (find_string hits 28859439926, 20273624741)
    ("linker-error", "ld: library not found for -lssl"),
    (
        "linker-error",
        "clang-7: error: linker command failed with exit code 1 (use -v to see invocation)",
    ),
    (
        "linker-error",
        "clang: error: linker command failed with exit code 1 (use -v to see invocation)",
    ),
    (
        "c-compiler-missing",
        "        unable to execute 'gcc': No such file or directory",
    ),
    (
        "msvc-build-tools-missing",
        '      error: Microsoft Visual C++ 14.0 or greater is required. Get it with "Microsoft '
        'C++ Build Tools": https://visualstudio.microsoft.com/visual-cpp-build-tools/',
    ),
    ("pip-wheel-build-failed", "  ERROR: Failed building wheel for psycopg2"),
    (
        "pip-wheel-build-failed",
        "ERROR: ERROR: Failed to build installable wheels for some pyproject.toml based "
        "projects (psycopg2)",
    ),
    (
        "pip-wheel-build-failed",
        "ERROR: Could not build wheels for cffi, which is required to install "
        "pyproject.toml-based projects",
    ),
    (
        "pip-build-backend-failed",
        "  × Getting requirements to build wheel did not run successfully.",
    ),
    # world/train/c2-setup-py-imports-numpy-metadata-generation-failed; setuptools here
    ("pip-build-backend-failed", "× Encountered error while generating package metadata."),
    ("pip-build-backend-failed", "error: invalid command 'bdist_wheel'"),
    # pkg-config 1.8.1 here
    (
        "pkg-config-package-missing",
        "Package libnotthere was not found in the pkg-config search path.",
    ),
    (
        "pkg-config-package-missing",
        "Package 'libnotthere', required by 'virtual:world', not found",
    ),
    # tools/pip-build-c-extension.log: pip indents the compiler's output
    (
        "c-compile-error",
        "      fastmath/_speedups.c:10:32: error: ‘n’ undeclared (first use in this function)",
    ),
    # world/train/c2-setuptools-pyproject-missing-version-obs (MagicStack/immutables#90) and
    # world/train/c2-pip-install-pyppmd-invalid-pyproject-macos (miurahr/pyppmd#94)
    (
        "setuptools-pyproject-invalid",
        "[    6s]   configuration error: `project` must contain ['version'] properties",
    ),
    ("setuptools-pyproject-invalid", "ValueError: invalid pyproject.toml config: `project`"),
    # GNU Make 4.3 here
    ("make-no-rule-for-target", "make: *** No rule to make target 'docs', needed by 'all'.  Stop."),
    ("make-target-failed", "make: *** [Makefile:2: all] Error 1"),
    ("make-target-failed", "make[1]: *** [Makefile:29: obj/2cdt.o] Error 1"),
    (
        "cmake-package-not-found",
        "  Could NOT find ZLIB (missing: ZLIB_LIBRARY ZLIB_INCLUDE_DIR)",
    ),
    ("cmake-error", "CMake Error at CMakeLists.txt:10 (find_package):"),
    ("sphinx-warnings-as-errors", "Warning, treated as error:"),
    (
        "sphinx-warnings-as-errors",
        "build finished with problems, 2 warnings (with warnings treated as errors).",
    ),
    # world/train/c2-sphinx-w-toctree-nonexisting-document-tox (dyninc/dyn-python#18),
    # world/train/c2-sphinx-make-html-toctree-stale-reference,
    # world/train/c2-sphinx-w-autodoc-removed-workflow-functions (gwastro/pycbc#3879),
    # public/sphinx-warning-treated-as-error.log
    (
        "sphinx-docs-problem",
        "dyn-python/docs/dyn.rst:6: WARNING: toctree contains reference to nonexisting document "
        "u'mm/index'",
    ),
    (
        "sphinx-docs-problem",
        "/Users/jinhyeok/Desktop/OpenSource_CNU/pybee/batavia/docs/index.rst:98:toctree contains "
        "reference to nonexisting document 'project/index'",
    ),
    (
        "sphinx-docs-problem",
        "WARNING: autodoc: failed to import function 'setup_segment_generation' from module "
        "'pycbc.workflow'; the following exception was raised:",
    ),
    (
        "sphinx-docs-problem",
        "/home/travis/build/coala/coala/docs/Developers/Writing_Tests.rst:136: WARNING: unknown "
        "document: Testing",
    ),
    (
        "maven-compilation-failure",
        "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.8.1:"
        "compile (default-compile) on project demo: Compilation failure -> [Help 1]",
    ),
    (
        "maven-repository-unreachable",
        "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-resources-plugin:2.6:"
        "resources (default-resources) on project y: Could not transfer artifact "
        "org.apache.maven:maven-project:pom:2.0.6 from/to central "
        "(https://repo.maven.apache.org/maven2): transfer failed for https://repo.maven."
        "apache.org/maven2/org/apache/maven/maven-project/2.0.6/maven-project-2.0.6.pom: "
        "Unknown host repo.maven.apache.org: Name or service not known -> [Help 1]",
    ),
    (
        "maven-dependency-not-found",
        "[ERROR] Failed to execute goal on project app: Could not resolve dependencies for "
        "project com.acme:app:jar:1.0: Could not find artifact com.acme:lib:jar:9.9 in "
        "central (https://repo.maven.apache.org/maven2) -> [Help 1]",
    ),
    # world/train/c1-maven-dependency-pom-connection-reset-gha (where the network rule wins)
    (
        "maven-dependency-not-found",
        "Error:  Failed to execute goal on project uberfire-metadata-backend-infinispan: Could "
        "not resolve dependencies for project org.uberfire:uberfire-metadata-backend-infinispan:"
        "jar:7.46.0-SNAPSHOT",
    ),
    (
        "maven-goal-failed",
        "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-enforcer-plugin:3.4.1:"
        "enforce (enforce) on project app: Some Enforcer rules have failed.",
    ),
    (
        "gradle-dependency-resolution",
        "> Could not resolve all files for configuration ':app:debugRuntimeClasspath'.",
    ),
    (
        "gradle-repository-unreachable",
        "> Could not GET 'https://repo.maven.apache.org/maven2/com/acme/lib/1.0/lib-1.0.pom'. "
        "Received status code 502 from server: Bad Gateway",
    ),
    ("gradle-build-failed", "FAILURE: Build failed with an exception."),
    ("gradle-build-failed", "BUILD FAILED in 8m 56s"),
    (
        "jvm-compile-error",
        "e: file:///home/runner/work/android-app/android-app/app/src/main/java/com/acme/"
        "Net.kt:14:23 Unresolved reference: timeoutMs",
    ),
    (
        "jvm-compile-error",
        "src/main/java/A.java:1: error: incompatible types: String cannot be converted to int",
    ),
    ("rust-compile-error", "error[E0308]: mismatched types"),
    (
        "rust-compile-error",
        "error: could not compile `logscan` (lib) due to 2 previous errors",
    ),
    (
        "cargo-build-script-failed",
        "error: failed to run custom build command for `openssl-sys v0.9.102`",
    ),
    ("go-compile-error", "./main.go:10:2: undefined: fetchAll"),
    # world/train/c2-go-bootstrap-requires-newer-go (compiler-explorer/infra#1853)
    (
        "go-bootstrap-too-old",
        "  found packages main (build.go) and building_Go_requires_Go_1_24_6_or_later "
        "(notgo124.go) in /root/master/go/src/cmd/dist",
    ),
    # world/train/c2-cibuildwheel-invalid-only-windows-pwsh (QuakeMigrate/QuakeMigrate#170)
    (
        "cibuildwheel-invalid-options",
        "Invalid --only='\"\"', must be a build selector with a known platform",
    ),
    (
        "dotnet-build-error",
        "/home/runner/work/app/app/src/Program.cs(10,5): error CS0103: The name 'x' does not "
        "exist in the current context [/home/runner/work/app/app/src/App.csproj]",
    ),
    # world/train/c2-cra-build-ts1128-export-type-old-typescript,
    # world/train/c2-python-h-missing-clodius-wheel, world/train/c1-make-cc1plus-killed-
    # raspberry-pi (where specific rules win)
    ("build-error-backstop", "Failed to compile."),
    ("build-error-backstop", "  error: command 'gcc' failed with exit status 1"),
    ("build-error-backstop", "compilation terminated."),
    (
        "nuget-restore-error",
        "/home/runner/work/app/app/App.csproj : error NU1101: Unable to find package "
        "Acme.Lib. No packages exist with this id in source(s): nuget.org",
    ),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)
