"""Submissions: reading what départements send, validating it, landing it, loading it."""
