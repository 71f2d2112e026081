"""Hardening of what users reach: the upload page (same size limit as the submit path, the
département only from the signed-in role, a clear error on a full disk), hidden error details,
no HTML built from user data, spreadsheet exports that cannot carry a formula, parameterised
queries, and serving connections that can read nothing but the marts."""

from __future__ import annotations

import csv
import errno
import io
import math
import re
import sys
import tomllib
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from burst import CANARY, CANARY_STOCK
from published import published_copy
from streamlit.testing.v1 import AppTest

from accounts.roles import Role
from dashboards import queries, serving
from dashboards.exports import FORMULA_PREFIXES, to_csv_bytes, to_xlsx_bytes
from data_contracts.settings import Settings
from demo.files import render

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dashboards"))
from dashboard_app import APP, APP_TIMEOUT, LOGINS  # noqa: E402
from page_text import texts  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def published(fast_burst, tmp_path_factory):
    with published_copy(fast_burst.home, tmp_path_factory.mktemp("hardening") / "home") as settings:
        yield settings


def deposer(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT)
    at.session_state["_cipd_login"] = LOGINS["departement:69"]
    if query:
        at.query_params.update(query)
    at.switch_page("app_pages/deposer.py").run()
    assert not at.exception
    return at


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.get("file_uploader")[0].set_value((name, content, "text/csv"))
    at.button[0].click()  # the form's « Déposer »
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def weekly_file(departement: str) -> bytes:
    row = {"departement": departement, "semaine": "2026-W47", "signalements_cnapr": 2,
           "signalements_locaux": 1, "dont_mineurs": 0, "orientations_judiciaires": 0,
           "suivis_en_cours": 30, "suivis_clos": 1, "familles_accompagnees": 4}
    return render("weekly", [row], "csv_excel")


# --- Streamlit configuration -----------------------------------------------------------------------

def streamlit_config() -> dict:
    return tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_error_details_are_hidden_from_users():
    assert streamlit_config()["client"]["showErrorDetails"] in ("none", False, "false")


def test_upload_limit_of_the_server_is_the_submit_paths():
    limit = Settings().max_upload_bytes
    config = streamlit_config()["server"]
    assert config["maxUploadSize"] == math.ceil(limit / MIB)  # Streamlit's "MB" are MiB
    assert config["enableXsrfProtection"] is True


def test_cipd_up_starts_the_server_with_the_submit_paths_limit(tmp_path):
    from cli.launcher import services

    settings = Settings(home=tmp_path, max_upload_bytes=12 * MIB + 1)
    command = services(settings, 8501, None, "127.0.0.1")[0].command
    assert command[command.index("--server.maxUploadSize") + 1] == "13"


# --- Upload page ------------------------------------------------------------------------------------

def test_upload_widget_enforces_the_submit_paths_limit(published, no_component_scan):
    at = deposer()
    widget = at.get("file_uploader")[0].proto
    assert widget.max_upload_size_mb == math.ceil(published.max_upload_bytes / MIB)


def test_a_file_over_the_limit_is_refused_by_the_submit_path_with_its_message(
        published, no_component_scan):
    at = upload(deposer(), "gros.csv", b"x" * (published.max_upload_bytes + 1))
    assert any("Dépôt refusé" in e for e in texts(at.error))
    shown = at.table[0].value
    assert "Fichier trop volumineux" in " ".join(shown["correction"])


@pytest.mark.parametrize("query", [None, {"departement": CANARY, "role": "national"}])
def test_forged_departement_in_the_file_or_url_is_refused(published, no_component_scan, query):
    at = upload(deposer(query), "hebdo_13.csv", weekly_file(CANARY))
    assert any("Dépôt refusé" in e for e in texts(at.error))
    receipt = at.code[0].value
    assert "département 69 (Rhône)" in receipt and "13" in receipt
    errors = at.table[0].value
    assert set(errors["colonne"]) == {"departement"}


def test_the_departement_comes_from_the_role_only(published, no_component_scan):
    at = upload(deposer({"departement": CANARY}), "hebdo_69.csv", weekly_file("69"))
    assert any("Dépôt accepté" in s for s in texts(at.success))
    assert "département 69 (Rhône)" in at.code[0].value


def test_full_disk_gives_the_agent_a_clear_french_error(published, no_component_scan, monkeypatch):
    from ingestion import landing

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(landing, "land", full)
    at = upload(deposer(), "hebdo_69.csv", weekly_file("69").replace(b"30", b"31"))
    assert any("espace disque du serveur saturé" in e for e in texts(at.error))
    assert not at.code  # no receipt: nothing was acknowledged


# --- No HTML from user data ---------------------------------------------------------------------------

#: The only HTML the dashboards write, each built from constants and hub-made values: the
#: uploader's French texts (CSS) and the signed session cookie (a token the hub issued, JSON-quoted).
ALLOWED_HTML = {
    "dashboards/ui.py": ("st.html(FRENCH_WIDGETS_CSS.replace(\"{limit}\", str(limit)))",),
    "dashboards/session_cookie.py": ("``st.html(unsafe_allow_javascript=True)``",
                                     "st.html(_script(sessions.issue(settings, login, purpose=PURPOSE),",
                                     "st.html(_script(\"\", 0), unsafe_allow_javascript=True)"),
}


def test_dashboards_never_render_raw_html():
    offenders = []
    for path in (REPO / "dashboards").rglob("*.py"):
        name = str(path.relative_to(REPO))
        source = path.read_text(encoding="utf-8")
        for allowed in ALLOWED_HTML.get(name, ()):
            source = source.replace(allowed, "")
        for pattern in (r"unsafe_allow_html\s*=\s*True", r"\bst\.html\(", r"components\.html\("):
            if re.search(pattern, source):
                offenders.append(f"{name}: {pattern}")
    assert offenders == []


def test_report_templates_escape_what_they_are_given():
    from orchestration.reports.render import _ENV

    assert _ENV.autoescape is True or _ENV.autoescape("document.html.j2")


# --- Exports ------------------------------------------------------------------------------------------

HOSTILE = ["=HYPERLINK(\"http://x\")", "+33 6", "-1+2", "@SUM(A1)", "\tcmd", "\rcmd", "sans danger"]


def hostile_frame() -> pl.DataFrame:
    return pl.DataFrame({"titre": HOSTILE, "n": [-3, 0, 1, 2, 3, 4, 5]})


def test_csv_export_neutralises_formula_cells():
    text = to_csv_bytes(hostile_frame()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    titles = [r[0] for r in rows[1:]]
    assert all(t.startswith("'") for t in titles[:-1]) and titles[-1] == "sans danger"
    assert [r[1] for r in rows[1:]][0] == "-3"  # a negative number stays a number


def test_xlsx_export_neutralises_formula_cells_and_writes_no_formula():
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(hostile_frame())))
    sheet = book.active
    cells = [row for row in sheet.iter_rows(min_row=2, values_only=False)]
    assert all(c[0].data_type == "s" for c in cells)  # strings, never formulas ("f")
    assert all(c[0].value.startswith("'") for c in cells[:-1])
    assert cells[0][1].value == -3 and cells[0][1].data_type == "n"
    assert set(FORMULA_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}


# --- Queries and connections ----------------------------------------------------------------------------

INJECTIONS = ["'; drop table marts.fct_weekly_reports; --", "' or 1=1 --", "13' or departement_code <> '",
              "%' union select * from marts.fct_weekly_reports --"]


@pytest.mark.parametrize("text", INJECTIONS)
def test_queries_take_user_text_as_values(published, text):
    role = Role.parse("departement:69")
    assert queries.practices(role, text=text, partner=text).is_empty()
    assert queries.departement_weekly(role, text, queries.current_week(), 4).is_empty()
    assert queries.submissions(role, text).is_empty()
    frame = queries.departement_weekly(role, "69", queries.current_week(), 4)
    assert set(frame["departement_code"]) == {"69"}
    assert str(CANARY_STOCK) not in frame.write_csv()


def test_serving_connections_read_nothing_but_the_marts(published):
    from storage.published import serving_connection

    published_file = serving.serving_file()
    for opened in (lambda: serving_connection(published), lambda: _cursor(published_file)):
        with opened() as con:
            assert con.execute("select count(*) from marts.dim_departement").fetchone()[0] > 100
            for forbidden in ("select * from read_csv('/etc/passwd')",
                              "set enable_external_access = true",
                              "create table marts.x as select 1",
                              f"attach '{published.warehouse_path}' as w"):
                with pytest.raises(duckdb.Error):
                    con.execute(forbidden)


class _cursor:
    """The dashboards' cached connection, as a context manager for the loop above."""

    def __init__(self, published_file):
        self.cur = serving.cursor(published_file)

    def __enter__(self):
        return self.cur

    def __exit__(self, *exc):
        self.cur.close()

