"""The frozen instant of tests/conftest.py, importable where a fixture cannot reach
(hypothesis strategies run outside fixtures)."""

from datetime import datetime, timezone

FROZEN_NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)
