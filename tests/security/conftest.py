"""Fixtures of the security tests: the import tests' fresh in-memory database."""

from __future__ import annotations

from tests.ingest.conftest import con  # noqa: F401  (a fixture, used by name)
