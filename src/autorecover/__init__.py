"""autorecover: recover failed GitHub Actions runs without a human."""

__version__ = "0.1.0"
