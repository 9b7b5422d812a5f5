"""docs/schemas/*.json: the JSON Schema of every command's `--format json` output.

    python scripts/gen_schemas.py            # write docs/schemas/
    python scripts/gen_schemas.py --check    # exit 1 when a committed file differs

Each schema is written out here field by field (not derived from the code that prints the
output), with the enums taken from core/models.py, so a renamed category changes the
schema and a field the code adds without a schema fails tests/test_schemas.py, which runs
every command and validates what it prints.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from autorecover.constants import CONFIDENCE_MAX, CONFIDENCE_MIN, FIXER_NAMES, SCHEMAS_DOC
from autorecover.core.models import (
    SCHEMA_VERSION,
    Action,
    Category,
    Escalation,
    LogStatus,
    Posting,
    Result,
    Severity,
    Status,
)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / SCHEMAS_DOC
DRAFT = "https://json-schema.org/draft/2020-12/schema"
BASE = "https://github.com/autorecover/autorecover/blob/main/docs/schemas/"

Schema = dict[str, Any]


def _obj(properties: dict[str, Schema], optional: tuple[str, ...] = ()) -> Schema:
    """An object with exactly these properties, all required except `optional`."""
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


def _enum(values: Any) -> Schema:
    return {"type": "string", "enum": [str(value) for value in values]}


STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer", "minimum": 0}
BOOL: Schema = {"type": "boolean"}
NULLABLE_STR: Schema = {"type": ["string", "null"]}
VERSION: Schema = {"const": SCHEMA_VERSION, "description": "changes only when a field does"}
CONFIDENCE: Schema = {"type": "number", "minimum": CONFIDENCE_MIN, "maximum": CONFIDENCE_MAX}
FINGERPRINT: Schema = {"type": "string", "pattern": "^[0-9a-f]{8,64}$"}
FIX_SPEC: Schema = {
    "type": "string",
    "pattern": "^(" + "|".join(FIXER_NAMES) + ")(:.+)?$",
    "description": "a fixer and its parameter, e.g. black or add-requirement:PyYAML",
}

FINDING = _obj(
    {
        "rule": STR,
        "category": _enum(Category),
        "severity": _enum(Severity),
        "line": {**INT, "description": "1-based line in the log; 0 for an annotation"},
        "text": STR,
        "captures": {"type": "object", "additionalProperties": STR},
        "step": NULLABLE_STR,
    }
)

DIAGNOSIS = _obj(
    {
        "schema_version": VERSION,
        "source": {**STR, "description": "the file, and the job inside a zip"},
        "category": _enum(Category),
        "severity": _enum(Severity),
        "confidence": CONFIDENCE,
        "auto_fixable": BOOL,
        "transient": BOOL,
        "action": _enum(Action),
        "reason": STR,
        "fixes": {"type": "array", "items": FIX_SPEC},
        "failing_step": NULLABLE_STR,
        "fingerprint": FINGERPRINT,
        "rule": NULLABLE_STR,
        "title": STR,
        "explanation": STR,
        "remediation": STR,
        "evidence": {
            "type": "array",
            "items": _obj({"line": INT, "text": STR, "matched": BOOL}),
        },
        "findings": {"type": "array", "items": FINDING},
        "stats": _obj(
            {
                name: INT
                for name in (
                    "lines",
                    "bytes_read",
                    "bytes_skipped",
                    "lines_cut",
                    "findings_dropped",
                )
            }
        ),
    }
)

RULE = _obj(
    {
        "schema_version": VERSION,
        "id": STR,
        "category": _enum(Category),
        "severity": _enum(Severity),
        "title": STR,
        "patterns": {"type": "array", "items": STR},
        "unless": {"type": "array", "items": STR},
        "transient": BOOL,
        "priority": {"type": "integer"},
        "confidence": CONFIDENCE,
        "explanation": STR,
        "remediation": STR,
        "actionable": BOOL,
        "origin": {**STR, "description": "builtin:<family> or the config file"},
        "derived": {"const": True},
        "fix": _obj(
            {
                "fixer": _enum(FIXER_NAMES),
                "params": {"type": "object", "additionalProperties": STR},
            }
        ),
    },
    optional=("derived", "fix"),
)

DECISION = _obj(
    {
        "action": _enum(Action),
        "reason": STR,
        "jobs": {"type": "array", "items": INT},
        "fingerprint": FINGERPRINT,
        "category": _enum(Category),
        "severity": _enum(Severity),
        "fixes": {"type": "array", "items": FIX_SPEC},
        "review": BOOL,
        "escalation": _enum(Escalation),
    }
)

_COUNTS: Schema = {"type": "object", "additionalProperties": INT}
_RATE: Schema = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
_SECONDS: Schema = {"type": ["integer", "null"], "minimum": 0}
# What core/stats.py counts per failure and for the whole repository alike.
_RECOVERY_COUNTS: dict[str, Schema] = {
    "reruns": INT,
    "recoveries": INT,
    "rerun_success": _RATE,
    "mean_seconds_to_recovery": _SECONDS,
    "fix_prs_opened": INT,
    "fix_prs_merged": INT,
}

STATS = _obj(
    {
        "schema_version": VERSION,
        "fingerprints": {
            "type": "array",
            "items": _obj(
                {
                    "fingerprint": STR,
                    "title": STR,
                    "category": STR,
                    "rule": STR,
                    "occurrences": INT,
                    **_RECOVERY_COUNTS,
                    "fix_prs_closed": INT,
                    "issue": {"type": ["integer", "string", "null"]},
                    "first_seen": NULLABLE_STR,
                    "last_seen": NULLABLE_STR,
                }
            ),
        },
        "recent_by_category": _COUNTS,
        "recent_days": INT,
        "totals": _obj(
            {
                "failures": INT,
                **_RECOVERY_COUNTS,
            }
        ),
        "pending_reruns": INT,
    }
)

RULES_TEST_JOB = _obj(
    {
        "schema_version": VERSION,
        "source": STR,
        "primary": {**NULLABLE_STR, "description": "the rule that decided the diagnosis"},
        "failing_step": NULLABLE_STR,
        "matches": {"type": "array", "items": FINDING},
    }
)


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


NULLABLE_INT: Schema = {"type": ["integer", "null"], "minimum": 0}

# The JSON report the action writes (its `report` output; core/report.py RunReport.to_dict).
RUN = _obj(
    {
        "id": INT,
        "number": NULLABLE_INT,
        "attempt": INT,
        "workflow": STR,
        "event": STR,
        "conclusion": NULLABLE_STR,
        "repository": STR,
        "head_repository": NULLABLE_STR,
        "head_branch": NULLABLE_STR,
        "head_sha": STR,
        "html_url": STR,
        "same_repository": BOOL,
        "trusted": BOOL,
        "trust_reason": STR,
    }
)
JOB = _obj(
    {
        "id": INT,
        "minutes": {"type": ["number", "null"], "minimum": 0},
        "name": STR,
        "html_url": STR,
        "conclusion": NULLABLE_STR,
        "log": _enum(LogStatus),
        "log_detail": STR,
        "diagnosis": _nullable({"$ref": "#/$defs/diagnosis"}),
    }
)
PREVIEW = _obj(
    {
        "posting": _enum(Posting),
        "title": STR,
        "body": STR,
        "target": NULLABLE_INT,
        "labels": {"type": "array", "items": STR},
        "diff": STR,
        "diffstat": STR,
        "diff_cut": BOOL,
    }
)
OUTCOME = _obj(
    {
        **DECISION["properties"],
        "status": _enum(Status),
        "detail": STR,
        "url": STR,
        "preview": _nullable(PREVIEW),
    }
)
PLAN = _obj(
    {"decisions": {"type": "array", "items": DECISION}, "notes": {"type": "array", "items": STR}}
)
REPORT = _obj(
    {
        "schema_version": VERSION,
        "tool": _obj({"name": {"const": "autorecover"}, "version": STR}),
        "result": _enum(Result),
        "dry_run": BOOL,
        "skip_reason": STR,
        "error": STR,
        "run": _nullable(RUN),
        "jobs": {"type": "array", "items": JOB},
        "plan": _nullable(PLAN),
        "outcomes": {"type": "array", "items": OUTCOME},
        "api": _obj({"requests": INT}),
        "notes": {"type": "array", "items": STR},
    }
) | {"$defs": {"diagnosis": DIAGNOSIS}}


def _one_or_many(item: Schema) -> Schema:
    return {"oneOf": [item, {"type": "array", "items": item, "minItems": 2}]}


SCHEMAS: dict[str, tuple[str, Schema]] = {
    "analyze": (
        "autorecover analyze --format json: one object for one job, an array for several",
        {**_one_or_many({"$ref": "#/$defs/diagnosis"}), "$defs": {"diagnosis": DIAGNOSIS}},
    ),
    "batch": (
        "autorecover batch DIR --format json",
        _obj(
            {
                "schema_version": VERSION,
                "results": {"type": "array", "items": DIAGNOSIS},
                "summary": _obj(
                    {
                        "total": INT,
                        "category": _COUNTS,
                        "severity": _COUNTS,
                        "action": _COUNTS,
                        "errors": {
                            "type": "array",
                            "items": _obj({"source": STR, "error": STR}),
                        },
                    }
                ),
            }
        ),
    ),
    "rules-list": (
        "autorecover rules list --format json: every active rule",
        {"type": "array", "items": RULE},
    ),
    "rules-show": ("autorecover rules show ID --format json", RULE),
    "rules-test": (
        "autorecover rules test FILE --format json: one entry per job in the file",
        {"type": "array", "items": RULES_TEST_JOB, "minItems": 1},
    ),
    "recover": (
        "autorecover recover LOG --format json: the diagnoses and the plan the action would make",
        _obj(
            {
                "schema_version": VERSION,
                "jobs": {"type": "array", "items": {"$ref": "#/$defs/job"}},
                "plan": _obj(
                    {
                        "decisions": {"type": "array", "items": DECISION},
                        "notes": {"type": "array", "items": STR},
                    }
                ),
            }
        )
        | {"$defs": {"job": DIAGNOSIS}},
    ),
    "stats": ("autorecover stats --format json: the statistics the dashboard shows", STATS),
    "action-report": (
        "autorecover action: the JSON report at the path of the step's `report` output",
        REPORT,
    ),
}


def schema(name: str) -> Schema:
    title, body = SCHEMAS[name]
    return {"$schema": DRAFT, "$id": f"{BASE}{name}.json", "title": title, **body}


def render(name: str) -> str:
    return json.dumps(schema(name), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    OUT.mkdir(parents=True, exist_ok=True)
    for name in SCHEMAS:
        path = OUT / f"{name}.json"
        text = render(name)
        if check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"{path} is not what scripts/gen_schemas.py writes; run it", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
