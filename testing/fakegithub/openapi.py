"""Match requests to the operations in tests/data/openapi-subset.json and check them.

The subset keeps, per operation, the parameters, the JSON request-body schema and the JSON
response schemas of GitHub's official OpenAPI description. Schemas are OpenAPI 3.0 dialect
(`nullable`) and depth-trimmed: a trimmed object lists only `properties_names`. We translate them
to JSON Schema draft 4 and accept anything inside trimmed parts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft4Validator

from testing import DATA

DEFAULT_SPEC = DATA / "openapi-subset.json"

# Path parameters that GitHub lets span several segments (`heads/feature/x`, `docs/a.md`,
# `main...feature/x`). They are always the last segment of their templates.
MULTI_SEGMENT_PARAMS = {"ref", "path", "basehead", "branch"}

OPENAPI_ONLY_KEYWORDS = {
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "examples",
    "deprecated",
    "properties_names",
    "x-github",
}


def to_json_schema(schema: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema draft 4 (nullable becomes an explicit null branch)."""
    if isinstance(schema, list):
        return [to_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in OPENAPI_ONLY_KEYWORDS or key == "format":
            continue
        if key == "properties":
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            out[key] = to_json_schema(value)
        elif key in ("allOf", "oneOf", "anyOf"):
            out[key] = [to_json_schema(sub) for sub in value]
        else:
            out[key] = value
    if schema.get("nullable"):
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        elif any(k in out for k in ("allOf", "oneOf", "anyOf")):
            out = {"anyOf": [{"type": "null"}, out]}
    return out


@dataclass
class Parameter:
    name: str
    location: str
    required: bool
    schema: dict[str, Any]


@dataclass
class Operation:
    method: str
    template: str
    operation_id: str
    docs_url: str
    parameters: dict[tuple[str, str], Parameter]
    body: dict[str, Any] | None
    responses: dict[str, Any]
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        regex = ""
        for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", self.template):
            regex += re.escape(literal)
            if name:
                regex += f"(?P<{name}>.+)" if name in MULTI_SEGMENT_PARAMS else f"(?P<{name}>[^/]+)"
        self.pattern = re.compile(regex + "$")

    @property
    def specificity(self) -> tuple[int, int]:
        literal = re.sub(r"\{\w+\}", "", self.template)
        return (len(literal), -self.template.count("{"))

    def query_names(self) -> set[str]:
        return {name for (name, where) in self.parameters if where == "query"}

    @cached_property
    def body_validator(self) -> Draft4Validator | None:
        if not self.body or not self.body.get("schema"):
            return None
        return Draft4Validator(to_json_schema(self.body["schema"]))

    def response_validator(self, status: int) -> Draft4Validator | None:
        cache: dict[int, Draft4Validator | None] = self.__dict__.setdefault("_resp_cache", {})
        if status not in cache:
            entry = self.responses.get(str(status))
            schema = entry.get("schema") if entry else None
            cache[status] = Draft4Validator(to_json_schema(schema)) if schema else None
        return cache[status]


class Spec:
    def __init__(self, path: Path = DEFAULT_SPEC) -> None:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        self.operations: list[Operation] = []
        for op in raw["operations"]:
            params = {
                (p["name"], p["in"]): Parameter(
                    p["name"], p["in"], p.get("required", False), p.get("schema", {})
                )
                for p in op["parameters"]
            }
            self.operations.append(
                Operation(
                    method=op["method"].upper(),
                    template=op["path"],
                    operation_id=op["operationId"],
                    docs_url=op.get("docs_url") or "https://docs.github.com/rest",
                    parameters=params,
                    body=op.get("requestBody"),
                    responses=op["responses"],
                )
            )
        # Most specific first, so `/issues/comments/{id}` wins over `/issues/{issue_number}`.
        self.operations.sort(key=lambda o: o.specificity, reverse=True)
        self.by_key = {(o.method, o.template): o for o in self.operations}
        self.by_id = {o.operation_id: o for o in self.operations}

    def match(self, method: str, raw_path: str) -> tuple[Operation, dict[str, str]] | None:
        """Match on the still-encoded path (PyGithub sends `heads%2Fx` for matching-refs)."""
        for op in self.operations:
            if op.method != method:
                continue
            found = op.pattern.match(raw_path)
            if found:
                return op, {k: unquote(v) for k, v in found.groupdict().items()}
        return None

    def operation(self, method: str, template: str) -> Operation:
        try:
            return self.by_key[(method.upper(), template)]
        except KeyError:
            raise ValueError(f"no operation {method} {template} in the OpenAPI subset") from None


@cache
def load_spec(path: Path = DEFAULT_SPEC) -> Spec:
    """Parsed once per process: the subset is 1.5 MB and validators are cached on operations."""
    return Spec(path)


def _scalar_ok(value: str, schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    if "enum" in schema and value not in [str(v) for v in schema["enum"] if v is not None]:
        return False
    if kind == "integer":
        return re.fullmatch(r"-?\d+", value) is not None
    if kind == "boolean":
        return value in ("true", "false")
    if kind == "number":
        try:
            float(value)
        except ValueError:
            return False
    return True


def check_request(
    op: Operation,
    path_params: dict[str, str],
    query: dict[str, list[str]],
    body: Any,
    has_body: bool,
) -> tuple[list[str], list[str]]:
    """Returns (problems that GitHub would answer 422 for, problems it would silently ignore).

    Both are violations for the bot: an undeclared query parameter is ignored by GitHub, which is
    exactly how a misspelt filter slips through unnoticed.
    """
    fatal: list[str] = []
    ignored: list[str] = []
    for name, value in path_params.items():
        param = op.parameters.get((name, "path"))
        if param and not _scalar_ok(value, param.schema):
            fatal.append(
                f"path parameter {name}={value!r} is not a valid {param.schema.get('type')}"
            )
    declared = op.query_names()
    for name, values in query.items():
        if name not in declared:
            ignored.append(f"query parameter {name!r} is not declared for {op.operation_id}")
            continue
        schema = op.parameters[(name, "query")].schema
        for value in values:
            if not _scalar_ok(value, schema):
                fatal.append(f"query parameter {name}={value!r} does not match {schema}")
    for (name, where), param in op.parameters.items():
        if where == "query" and param.required and name not in query:
            fatal.append(f"required query parameter {name!r} is missing")
    if op.body_validator is not None:
        if not has_body and op.body and op.body.get("required"):
            fatal.append("request body is required")
        elif has_body:
            for error in sorted(op.body_validator.iter_errors(body), key=lambda e: list(e.path)):
                where = "/".join(str(p) for p in error.absolute_path) or "(root)"
                fatal.append(f"body {where}: {error.message}")
    elif has_body and body not in (None, {}, ""):
        ignored.append(f"{op.operation_id} takes no request body, got {str(body)[:80]}")
    return fatal, ignored


def check_response(op: Operation, status: int, body: Any) -> list[str]:
    validator = op.response_validator(status)
    if validator is None:
        return []
    problems = []
    for error in validator.iter_errors(body):
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        problems.append(f"response {status} {where}: {error.message[:200]}")
    return problems
