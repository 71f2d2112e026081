"""orchestration/instance."""
