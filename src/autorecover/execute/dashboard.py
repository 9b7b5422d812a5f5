"""Carry out the dashboard: the one issue that lists what autorecover is doing in the
repository, rewritten when something it lists changed (dispatch.conclude decides when)."""

from __future__ import annotations

from autorecover.adapters.github.issues import Body
from autorecover.constants import DASHBOARD_MARKER, marked_fingerprint
from autorecover.core import bodies
from autorecover.core import ledger as ledgerlib
from autorecover.core.stats import compute, duration
from autorecover.core.text import mdsafe
from autorecover.execute.context import Execution


def refresh(ex: Execution) -> None:
    tracker = ex.tracker()
    for item in tracker.items:
        if item.is_pull and item.state == "closed":
            fingerprint = marked_fingerprint(item.body)
            if fingerprint:
                ex.record(ledgerlib.pull_request_closed(fingerprint, item.number, item.merged))
    preview = ledgerlib.apply_once(ex.ledger, "preview", ex.updates)
    stats = compute(preview, ex.now)
    context = bodies.dashboard_context(
        tracker.open_pulls(),
        tracker.open_issues(),
        stats,
        {f["fingerprint"]: duration(f["mean_seconds_to_recovery"]) for f in stats["fingerprints"]},
        duration(stats["totals"]["mean_seconds_to_recovery"]),
        ex.now,
    )
    body = ex.renderer.render("dashboard.md.j2", context, trusted=ex.run.trusted)
    body = mdsafe.cap_body(ex.redactor.redact(body).text).text
    open_dashboard = next((i for i in tracker.dashboards() if i.is_open), None)
    if open_dashboard is not None:
        if open_dashboard.body != body:
            ex.issues.update_body(open_dashboard.number, body)
        return
    created = ex.issues.create(
        DASHBOARD_MARKER, bodies.DASHBOARD_TITLE, Body(body), [ex.settings.label], []
    )
    ex.record(ledgerlib.dashboard(created.number))
