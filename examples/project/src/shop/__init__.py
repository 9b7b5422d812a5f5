"""A tiny shop: the project autorecover's quick start repairs."""
