"""The dashboards' security core: the one read-only connection to ``serving.duckdb``, the one
tenant filter (:func:`scoped`) and the one query path (:func:`fetch`) that ends with the
disclosure step. Small on purpose, so a reviewer can audit it alone; page queries live in
:mod:`dashboards.queries` and reach the marts only through :func:`fetch`.

Why it is built this way:

* SQL names marts as ``{fct_weekly_reports}`` placeholders. :func:`scoped` replaces each with a
  relation already restricted to the role (a département-grained mart keeps only the role's
  départements, a regional one only its regions, national totals and calendars are shared).
  A placeholder not listed in :data:`MART_SCOPES` is refused, so a new mart is unreadable until
  someone decides who may see it. Pages call the query functions and never write SQL, so they
  cannot forget the filter. Below national, :func:`fetch` then hides small counts: the
  weekly cells the role's protection decided once over everything it sees
  (:mod:`dashboards.protection`), the per-result rule (:mod:`dashboards.small_counts`) for the
  rest, so pages and downloads only ever hold protected figures.
* One read-only connection per published file (``storage.published.lock_down``: a query cannot
  read or write anything but the marts). Publishing renames a new file over ``serving.duckdb``;
  the file's identity (inode, mtime, size) is part of the cache keys, so the next query after a
  publish opens the new file and misses the caches.
* Results are polars DataFrames (cheap to pickle for ``st.cache_data``, read by plotly and
  ``st.dataframe`` directly). Aggregation happens in SQL; pages only lay results out.
"""

from __future__ import annotations

import os
import string
from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb
import polars as pl
import streamlit as st

from accounts.roles import Role
from dashboards import protection
from data_contracts.settings import Settings, get_settings
from storage.published import lock_down

CACHE_TTL_SECONDS = 300

#: Who may read each mart: ``shared`` (reference data and national totals), ``region``
#: (rows of the role's regions), ``departement`` (rows of the role's départements) and
#: ``practice`` (every practice's text, but the indicators only of the role's départements).
MART_SCOPES: dict[str, str] = {
    "dim_departement": "shared",
    "dim_week": "shared",
    "dim_month": "shared",
    "fct_national_weekly": "shared",
    "fct_national_monthly": "shared",
    "fct_cell_partners": "shared",
    "fct_regional_weekly": "region",
    "fct_weekly_reports": "departement",
    "fct_monthly_reports": "departement",
    "fct_weekly_vs_monthly": "departement",
    "fct_fipd": "departement",
    "fct_submissions": "departement",
    "fct_review_requests": "departement",
    "fct_good_practices": "practice",
    # Written by orchestration.warehouse.publish: the build's time and dbt test results (no tenant data).
    "meta_build": "shared",
    # The loader's checks of the audit journal (no tenant data; shown on the national Qualité page).
    "fct_audit_integrity": "shared",
    "meta_test_results": "shared",
}

#: Columns of ``fct_good_practices`` every role may read for any département (the practice
#: itself); every other column is an indicator, nulled outside the role's départements.
PRACTICE_SHARED_COLUMNS = frozenset({
    "departement_code", "departement_name", "region_code", "region_name", "month_code", "titre",
    "action_type_code", "target_public_code", "partenaires", "description", "resultats",
    "version_count", "first_received_at", "received_at",
})


class ServingUnavailable(RuntimeError):
    """No published serving database yet (the pages explain how to build one)."""


# --- Connection --------------------------------------------------------------------------

@dataclass(frozen=True)
class ServingFile:
    """Identity of the published file: changes whenever publish renames a new one over it."""

    path: str
    inode: int
    mtime_ns: int
    size: int

    @property
    def published_at(self) -> datetime:
        """Publish writes the file then renames it, so its mtime is the publish time."""
        return datetime.fromtimestamp(self.mtime_ns / 1e9, tz=timezone.utc)


def serving_file(settings: Settings | None = None) -> ServingFile | None:
    path = (settings or get_settings()).serving_path
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return ServingFile(str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


@st.cache_resource(max_entries=1, show_spinner=False)
def _open(serving: ServingFile) -> duckdb.DuckDBPyConnection:
    """One connection per published file; ``max_entries=1`` drops the previous file's
    connection (and so its handle on the replaced file) as soon as a new one is opened.

    The file is ATTACHed to an in-memory database rather than opened with ``connect(path)``:
    DuckDB caches database instances by path, so ``connect`` would hand back the replaced
    file's instance while any connection to it is still open. File access and configuration
    are locked once the file is attached, read-only."""
    connection = duckdb.connect(":memory:")
    connection.execute("attach ? as serving (read_only)", [serving.path])
    connection.execute("use serving")
    return lock_down(connection)


def cursor(serving: ServingFile) -> duckdb.DuckDBPyConnection:
    """A cursor of the cached connection, on the serving database (one per query:
    connections are not thread-safe)."""
    cur = _open(serving).cursor()
    cur.execute("use serving")
    return cur


def _current() -> ServingFile:
    serving = serving_file()
    if serving is None:
        raise ServingUnavailable(str(get_settings().serving_path))
    return serving


# --- Tenant filter -------------------------------------------------------------------------

def scoped(sql: str, role: Role | None, params: dict | None = None,
           practice_columns: tuple[str, ...] = ()) -> tuple[str, dict]:
    """Return ``sql`` with each ``{mart}`` placeholder replaced by the rows ``role`` may read,
    and the parameters the filter needs (``$scope_departements``, ``$scope_regions``).

    ``role=None`` is for queries of shared marts only (build metadata before anyone signs in);
    it is refused for any other mart. ``practice_columns`` lists ``fct_good_practices``'
    columns (needed to null indicators)."""
    relations = {}
    for _, name, _, _ in string.Formatter().parse(sql):
        if name is None or name in relations:
            continue
        scope = MART_SCOPES.get(name)
        if scope is None:
            raise KeyError(f"mart {name!r} has no declared scope in MART_SCOPES")
        if role is None and scope != "shared":
            raise PermissionError(f"mart {name!r} needs a role to be read")
        if scope == "shared":
            relations[name] = f"marts.{name}"
        elif scope == "region":
            relations[name] = (f"(select * from marts.{name} "
                               f"where region_code in (select unnest($scope_regions::varchar[])))")
        elif scope == "departement":
            relations[name] = (f"(select * from marts.{name} "
                               f"where departement_code in (select unnest($scope_departements::varchar[])))")
        else:
            relations[name] = _practice_relation(name, practice_columns)
    bound = dict(params or {})
    if "$scope_departements" in "".join(relations.values()):
        bound["scope_departements"] = list(role.departements)
    if "$scope_regions" in "".join(relations.values()):
        bound["scope_regions"] = list(role.region_codes)
    return sql.format(**relations), bound


def _practice_relation(name: str, columns: tuple[str, ...]) -> str:
    if not columns:
        raise ValueError("the practice scope needs the mart's column list")
    in_scope = "departement_code in (select unnest($scope_departements::varchar[]))"
    selected = [
        f'"{col}"' if col in PRACTICE_SHARED_COLUMNS
        else f'case when {in_scope} then "{col}" end as "{col}"'
        for col in columns
    ]
    return f"(select {', '.join(selected)} from marts.{name})"


# --- Execution -------------------------------------------------------------------------------

@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False, max_entries=2000)
def _run(sql: str, params: tuple, serving: ServingFile) -> pl.DataFrame:
    """Run one scoped query. Its key holds the scoped SQL and parameters (so the role) and the
    file identity (so a publish invalidates it)."""
    cur = cursor(serving)
    try:
        return cur.sql(sql, params=_restore(params) or None).pl()
    finally:
        cur.close()


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _columns(mart: str, serving: ServingFile) -> tuple[str, ...]:
    cur = cursor(serving)
    try:
        rows = cur.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'marts' and table_name = ? order by ordinal_position",
            [mart]).fetchall()
    finally:
        cur.close()
    return tuple(r[0] for r in rows)


def fetch(sql: str, role: Role | None, **params) -> pl.DataFrame:
    """Scope and run ``sql`` for ``role``: the path every query below takes."""
    serving = _current()
    practice_columns = _columns("fct_good_practices", serving) if "{fct_good_practices}" in sql else ()
    final_sql, bound = scoped(sql, role, params, practice_columns)
    frame = _run(final_sql, tuple(sorted((k, _hashable(v)) for k, v in bound.items())), serving)
    linked = None if role is None or role.is_national else _linked(serving, str(role))
    return protection.protect(frame, role, linked)


@st.cache_resource(max_entries=256, show_spinner=(
    "Secret statistique : calcul des cellules à masquer pour votre rôle "
    "(une fois par publication, jusqu'à une minute pour une grande région)…"))
def _linked(serving: ServingFile, role: str) -> protection.LinkedProtection:
    """The role's cells hidden over every week it can see, decided once per published file
    (:mod:`dashboards.protection`): every page and download then hides the same cells. A
    region's decision runs the solver (docs/disclosure.md: seconds to a minute), hence the
    spinner."""
    cur = cursor(serving)
    try:
        return protection.decide(cur, Role.parse(role), get_settings().small_count_threshold)
    finally:
        cur.close()


def _hashable(value):
    """st.cache_data hashes the parameters: lists travel as tuples and come back in
    :func:`_restore`."""
    return tuple(value) if isinstance(value, list) else value


def _restore(params: tuple) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params}
