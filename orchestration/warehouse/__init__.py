"""orchestration/warehouse."""
