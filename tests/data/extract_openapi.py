"""Extend tests/data/openapi-subset.json with more operations from GitHub's OpenAPI description.

The subset was cut from `generated/api.github.com.deref.json` of the npm package
`@octokit/openapi@23.0.2`. This script appends the operations listed in ADDED (the routes the bot
needs that the original cut lacked), trimmed the same way:

- dropped keywords: `example`, `examples`, `x-github-breaking-changes`, `minLength`,
  `minItems`, `deprecated` inside schemas, and boolean `additionalProperties`;
- an object schema nested 5 levels deep (counting `properties.<name>` and `items` hops) keeps only
  the names of its properties (`properties_names`), not their schemas. The fake's validator treats
  such trimmed objects permissively.

Only the first media type GitHub lists for a body or response is kept (`content_type` names it).

Usage (the npm registry is the only network access needed):

    npm pack @octokit/openapi@23.0.2
    tar xzf octokit-openapi-23.0.2.tgz package/generated/api.github.com.deref.json
    python tests/data/extract_openapi.py package/generated/api.github.com.deref.json \
        tests/data/openapi-subset.json

Running it twice is harmless: operations already present are replaced, not duplicated.
`--check` re-extracts every operation of the subset and reports any that differ (used to confirm
this trimming reproduces the original cut).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ADDED: list[tuple[str, str]] = [
    ("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}"),
    ("GET", "/repos/{owner}/{repo}/git/matching-refs/{ref}"),
    ("GET", "/repos/{owner}/{repo}/compare/{basehead}"),
    ("GET", "/repos/{owner}/{repo}/labels"),
    ("GET", "/repos/{owner}/{repo}/issues/{issue_number}"),
    ("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}"),
    ("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}"),
    ("GET", "/repos/{owner}/{repo}/git/blobs/{file_sha}"),
    ("GET", "/repos/{owner}/{repo}/branches/{branch}"),
]

DROPPED_SCHEMA_KEYS = {
    "example",
    "examples",
    "x-github-breaking-changes",
    "minLength",
    "minItems",
    "deprecated",
}
TRIM_DEPTH = 5
COMBINATORS = ("allOf", "oneOf", "anyOf")


def trim(schema: Any, depth: int = 0) -> Any:
    if isinstance(schema, list):
        return [trim(item, depth) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in DROPPED_SCHEMA_KEYS:
            continue
        if key == "additionalProperties" and (isinstance(value, bool) or depth >= TRIM_DEPTH):
            continue
        if key == "properties" and isinstance(value, dict):
            if depth >= TRIM_DEPTH:
                out["properties_names"] = sorted(value)
            else:
                out[key] = {name: trim(sub, depth + 1) for name, sub in value.items()}
        elif key == "items":
            if depth < TRIM_DEPTH:
                out[key] = trim(value, depth + 1)
        elif key in COMBINATORS and isinstance(value, list):
            out[key] = [trim(alternative, depth + 1) for alternative in value]
        else:
            out[key] = trim(value, depth)
    return out


def _json_content(content: dict[str, Any] | None) -> tuple[str | None, Any]:
    """The first media type GitHub lists (JSON for all but a few, e.g. vnd.github.object)."""
    if not content:
        return None, None
    media_type = next(iter(content))
    return media_type, content[media_type].get("schema")


def extract(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    op = spec["paths"][path][method.lower()]
    body = None
    if "requestBody" in op:
        content_type, schema = _json_content(op["requestBody"].get("content"))
        body = {
            "required": op["requestBody"].get("required", False),
            "content_type": content_type,
            "schema": trim(schema),
        }
    responses: dict[str, Any] = {}
    for code, response in op["responses"].items():
        entry: dict[str, Any] = {"description": response.get("description", "")}
        if "headers" in response:
            entry["headers"] = response["headers"]
        content_type, schema = _json_content(response.get("content"))
        if content_type:
            entry["content_type"] = content_type
            entry["schema"] = trim(schema)
        responses[code] = entry
    return {
        "method": method.upper(),
        "path": path,
        "operationId": op["operationId"],
        "summary": op.get("summary", ""),
        "description": op.get("description", ""),
        "docs_url": op.get("externalDocs", {}).get("url", ""),
        "x-github": op.get("x-github", {}),
        "deprecated": op.get("deprecated", False),
        "parameters": [
            {k: p[k] for k in ("name", "in", "required", "description", "schema") if k in p}
            for p in op.get("parameters", [])
        ],
        "requestBody": body,
        "responses": responses,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("deref_json", type=Path, help="generated/api.github.com.deref.json")
    parser.add_argument("subset_json", type=Path, help="tests/data/openapi-subset.json")
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
    args = parser.parse_args(argv)

    spec = json.loads(args.deref_json.read_text(encoding="utf-8"))
    subset = json.loads(args.subset_json.read_text(encoding="utf-8"))
    if args.check:
        differing = [
            op["operationId"]
            for op in subset["operations"]
            if extract(spec, op["method"], op["path"]) != op
        ]
        print(f"{len(subset['operations']) - len(differing)} identical, differing: {differing}")
        return 1 if differing else 0

    added = {(m, p) for m, p in ADDED}
    kept = [op for op in subset["operations"] if (op["method"], op["path"]) not in added]
    new_ops = [extract(spec, method, path) for method, path in ADDED]
    subset["operations"] = kept + new_ops
    subset["source"]["added_by"] = "tests/data/extract_openapi.py"
    subset["source"]["added_operations"] = [op["operationId"] for op in new_ops]
    args.subset_json.write_text(json.dumps(subset, indent=1) + "\n", encoding="utf-8")
    print(f"{len(kept)} operations kept, {len(new_ops)} added/refreshed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
