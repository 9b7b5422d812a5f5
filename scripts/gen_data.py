"""The JSON twins of the package's YAML data (core/datafile.py): the built-in rules'
`builtin.json` and the module map's `module_map.json`.

    python scripts/gen_data.py

The package reads a twin instead of parsing the YAML when its digest matches the files;
a test fails when a committed twin is stale.
"""

from __future__ import annotations

from importlib import resources

from autorecover.core.datafile import ALL, compiled_form


def main() -> None:
    for dataset in ALL:
        target = resources.files(dataset.package).joinpath(dataset.twin)
        with resources.as_file(target) as path:
            path.write_text(compiled_form(dataset.files()), encoding="utf-8")
            print(f"wrote {path}")


if __name__ == "__main__":
    main()
