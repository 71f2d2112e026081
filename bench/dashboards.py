"""P5 — dashboards at scale ×100: every query a page runs, p95 ≤ 100 ms; each page rendered
by Streamlit's AppTest, cached ≤ 300 ms and cold ≤ 2 s.

Queries are the functions of :mod:`dashboards.queries` the pages call, as a national reader
(the widest scope), with the query cache emptied before each call; their baseline is the same
query on the real-volume serving file. Page renders run the router signed in as the national
demo account; "cold" starts with every Streamlit cache empty, "cached" is the next rerun. The
render baseline is AppTest running a one-line script (the harness's own cost).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from bench.figures import Figure
from bench.homes import BenchHomes
from bench.timing import percentile, repeat_ms, timed
from data_contracts.settings import REPO_ROOT, Settings

QUERY_REPEATS = 12
PAGES = ("vue_nationale", "remontees", "fiche_departement", "suivis_actions", "bonnes_pratiques",
         "qualite", "deposer")
APP = REPO_ROOT / "dashboards" / "app.py"


@contextmanager
def serving_environment(settings: Settings):
    """Point the dashboards (which read the environment, as in production) at ``settings``."""
    saved = {key: os.environ.get(key) for key in ("CIPD_HOME", "CIPD_NOW")}
    os.environ["CIPD_HOME"] = str(settings.root)
    os.environ["CIPD_NOW"] = settings.now.isoformat()
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def page_queries() -> dict[str, Callable[[], object]]:
    """Every query of the pages, with the arguments the pages give them by default."""
    from accounts.roles import Role
    from dashboards import queries as q

    role = Role("national")
    week, month = q.current_week(), q.last_complete_month()
    first = q.calendar.shift_week(week, -11)
    measures = ("suivis_engages", "suivis_actifs", "actions_total")
    return {
        "departements": lambda: q.departements(role),
        "national_weekly": lambda: q.national_weekly(role, week, 52),
        "regional_weekly": lambda: q.regional_weekly(role, week),
        "weekly_by_departement": lambda: q.weekly_by_departement(role, week),
        "weekly_grid": lambda: q.weekly_grid(role, first, week),
        "rates_by_week": lambda: q.rates_by_week(role, first, week),
        "rates_by_departement": lambda: q.rates_by_departement(role, first, week),
        "missing_reports": lambda: q.missing_reports(role, week),
        "departement_weekly": lambda: q.departement_weekly(role, "69", week, 52),
        "departement_monthly": lambda: q.departement_monthly(role, "69", month, 24),
        "submissions": lambda: q.submissions(role),
        "inconsistencies": lambda: q.inconsistencies(role),
        "stock_warnings": lambda: q.stock_warnings(role),
        "national_monthly": lambda: q.national_monthly(role, month, 24),
        "monthly_by_departement": lambda: q.monthly_by_departement(role, month),
        "monthly_by_region": lambda: q.monthly_by_region(role, month, measures),
        "fipd_by_month": lambda: q.fipd_by_month(role, month, 12),
        "cell_partners": lambda: q.cell_partners(role, month),
        "practices": lambda: q.practices(role, limit=50),
        "practices_found": lambda: q.practices_found(role),
        "weekly_outliers": lambda: q.weekly_outliers(role, week),
        "rejected_submissions": lambda: q.rejected_submissions(role),
        "test_results": lambda: q.test_results(),
    }


def query_p95s(settings: Settings) -> dict[str, float]:
    import streamlit as st

    with serving_environment(settings):
        st.cache_data.clear()
        st.cache_resource.clear()
        result = {}
        for name, query in page_queries().items():
            query()  # the connection is opened once per published file, as on the server

            def uncached(query=query):
                st.cache_data.clear()
                return query()

            result[name] = percentile(repeat_ms(uncached, QUERY_REPEATS), 95)
        st.cache_resource.clear()
        return result


@contextmanager
def _no_component_discovery():
    """Each AppTest scans every installed distribution for custom components (~2 s), which a
    server does once at start-up; the dashboards use none."""
    from streamlit.components.v2.component_manager import BidiComponentManager

    original = BidiComponentManager.discover_and_register_components
    BidiComponentManager.discover_and_register_components = lambda self, **kwargs: None
    try:
        yield
    finally:
        BidiComponentManager.discover_and_register_components = original


def page_renders(settings: Settings) -> dict[str, tuple[float, float]]:
    """page → (cold ms, cached ms)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from accounts import users

    result = {}
    with serving_environment(settings), _no_component_discovery():
        users.ensure_demo_users(settings)
        for page in PAGES:
            st.cache_data.clear()
            st.cache_resource.clear()
            app = AppTest.from_file(str(APP), default_timeout=60)
            app.session_state["_cipd_login"] = "demo-national"
            app.switch_page(f"app_pages/{page}.py")
            cold, _ = timed(app.run)
            cached, _ = timed(app.run)
            if app.exception:
                raise RuntimeError(f"page {page} raised: {app.exception[0].message[:300]}")
            result[page] = (cold * 1000, cached * 1000)
    return result


def harness_render_ms(tmp: Path) -> float:
    from streamlit.testing.v1 import AppTest

    script = tmp / "bench_minimal_page.py"
    script.write_text("import streamlit as st\nst.write('ok')\n", encoding="utf-8")
    with _no_component_discovery():
        app = AppTest.from_file(str(script), default_timeout=60)
        app.run()
        return timed(app.run)[0] * 1000


def run(homes: BenchHomes) -> list[Figure]:
    scaled, real = homes.scaled(), homes.real()
    scaled_queries, real_queries = query_p95s(scaled), query_p95s(real)
    worst = max(scaled_queries, key=scaled_queries.get)
    renders = page_renders(scaled)
    harness = harness_render_ms(scaled.root)
    worst_cold = max(renders, key=lambda p: renders[p][0])
    worst_cached = max(renders, key=lambda p: renders[p][1])
    return [
        Figure("P5a", f"page queries ×100, worst p95 ({worst})", scaled_queries[worst], "ms",
               baseline=real_queries[worst], baseline_label="same query, real volume",
               target_op="<=", target=100,
               details={"scaled_p95_ms": scaled_queries, "real_p95_ms": real_queries}),
        Figure("P5b", f"page render ×100, cached, worst ({worst_cached})", renders[worst_cached][1], "ms",
               baseline=harness, baseline_label="AppTest of a one-line page",
               target_op="<=", target=300, details={"renders_ms": renders}),
        Figure("P5c", f"page render ×100, cold, worst ({worst_cold})", renders[worst_cold][0], "ms",
               baseline=harness, baseline_label="AppTest of a one-line page",
               target_op="<=", target=2000),
    ]
