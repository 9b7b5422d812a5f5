"""Carry out the dashboard: the one issue that lists what autorecover is doing in the
repository (docs/dashboard.md), rendered from the listing as this run leaves it and the
ledger with this run's updates, and written only when its text changed (dispatch.conclude
decides when it is rendered at all).

Cost per run: no request of its own when the listing was already read for an issue or a
fix and nothing changed; otherwise one list request (again after this run opened a pull
request), plus one PATCH when the text changed, or one POST the first time.
"""

from __future__ import annotations

from autorecover.adapters.github.errors import GitHubError
from autorecover.adapters.github.issues import Body
from autorecover.constants import DASHBOARD_MARKER, marked_fingerprint
from autorecover.core import bodies
from autorecover.core import ledger as ledgerlib
from autorecover.core.text import mdsafe
from autorecover.core.tracker import Tracker
from autorecover.execute.context import Execution
from autorecover.execute.issue import CLAIM_WAITS


def record_closed_pulls(ex: Execution, tracker: Tracker) -> None:
    """A fix PR a person merged or closed since: recorded once (a merge is a recovery)."""
    for item in tracker.items:
        if item.is_pull and item.state == "closed":
            fingerprint = marked_fingerprint(item.body)
            if fingerprint:
                update = ledgerlib.pull_request_closed(
                    fingerprint, item.number, item.merged, item.closed_at
                )
                ex.record(update)


def refresh(ex: Execution) -> None:
    tracker = ex.tracker(refresh=ex.listing_stale)
    ex.listing_stale = False
    record_closed_pulls(ex, tracker)
    preview = ledgerlib.apply_once(ex.ledger, "preview", ex.updates)
    context = bodies.dashboard_context(tracker.open_pulls(), tracker.open_issues(), preview, ex.now)
    body = ex.renderer.render("dashboard.md.j2", context, trusted=ex.run.trusted)
    body = mdsafe.cap_body(ex.redactor.redact(body).text).text
    dashboards = tracker.dashboards()
    current = next((i for i in dashboards if i.is_open), None)
    if current is not None:
        if current.body != body:
            ex.issues.update_body(current.number, body)
        return
    if dashboards:
        return  # a person closed it: left closed until reopened (docs/dashboard.md)
    _create(ex, body)


def _create(ex: Execution, body: str) -> None:
    """Open the dashboard, claimed first like a failure's issue: two runs that both find
    none would open two (docs/security.md#t22). The run that loses the claim waits for the
    winner's dashboard and writes its own text there if that differs."""
    try:
        holder = ex.claim(ledgerlib.DASHBOARD_CLAIM)
    except GitHubError:
        holder = None  # the ledger is a cache; the marker is the truth (#t21)
    if holder is None:
        try:
            ex.issues.create(
                DASHBOARD_MARKER, bodies.DASHBOARD_TITLE, Body(body), [ex.settings.label], []
            )
        finally:  # a failed create must not keep the next runs waiting for it
            ex.record(ledgerlib.release(ledgerlib.DASHBOARD_CLAIM, ex.owner))
        return
    for delay in CLAIM_WAITS:
        ex.sleep(delay)
        current = next((i for i in ex.tracker(refresh=True).dashboards() if i.is_open), None)
        if current is not None:
            if current.body != body:
                ex.issues.update_body(current.number, body)
            return
