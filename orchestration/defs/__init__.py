"""orchestration/defs."""
