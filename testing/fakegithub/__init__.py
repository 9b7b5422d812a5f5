"""A stateful fake of the GitHub REST API over real loopback HTTP, for tests.

    with FakeGitHub() as fake:
        run = fake.add_run(jobs=[JobSpec("test", log=b"##[error]... exit code 1.")])
        event = fake.workflow_run_event(run.id)   # write it to GITHUB_EVENT_PATH
        env = {**os.environ, **fake.env()}         # GITHUB_API_URL=http://127.0.0.1:<port>
        ...run the bot...
        assert fake.calls("POST", "/repos/{owner}/{repo}/issues")

See tests/conftest.py for the `fake_github` fixture (fails the test on any violation).
"""

from .builders import fork_head_repository, load_example, workflow_run_event
from .fake import FakeGitHub, RecordedRequest, Violation
from .faults import ApiError, Fault, error_body
from .gitstore import BareGitStore, MemoryGitStore, neutral_git_env
from .scenario import JobSpec, timeout_annotation
from .state import GITHUB_ACTIONS_BOT, Annotation, Step

__all__ = [
    "GITHUB_ACTIONS_BOT",
    "Annotation",
    "ApiError",
    "BareGitStore",
    "FakeGitHub",
    "Fault",
    "JobSpec",
    "MemoryGitStore",
    "RecordedRequest",
    "Step",
    "Violation",
    "error_body",
    "fork_head_repository",
    "load_example",
    "neutral_git_env",
    "timeout_annotation",
    "workflow_run_event",
]
