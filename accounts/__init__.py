"""Who may sign in and what they see: accounts (argon2), roles, and the sign-in throttle.

A layer of its own, below dashboards and orchestration (the Dagster operator gateway) and above
storage, so the dashboards, the operator plane and the submission API share one account store
and one role model without importing each other.
"""
