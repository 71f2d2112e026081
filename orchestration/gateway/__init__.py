"""The operator plane: Dagster's UI and GraphQL API, reachable only through the hub's sign-in.

See ``docs/operator_plane.md``. :mod:`.guard` is the authenticating, auditing ASGI middleware,
:mod:`.pages` the sign-in pages, :mod:`.server` builds Dagster's webserver app in-process and
serves both (``python -m orchestration.gateway``, started by ``cipd up``).
"""
