"""The submission API: préfecture systems deposit and check reports over HTTP.

A layer beside the dashboards and the orchestration: it calls the one submit path
(:func:`ingestion.submit.submit`), so a deposit over HTTP gets exactly the rules, receipt,
quarantine, duplicate detection and audit events of the upload page and ``cipd submit``.
``cipd up`` serves it (``--api-port``); docs/api.md describes it.
"""
