"""What readers see is French: no Streamlit default in English on any page of any role,
numbers grouped the French way in metrics and tables, downloads headed as their tables, and a
shared link opened signed out leads through the sign-in to the page it names."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from dashboard_app import APP, APP_TIMEOUT, LOGINS
from page_text import texts
from streamlit.testing.v1 import AppTest

from dashboards import ui
from data_contracts.french_format import PLOTLY_SEPARATORS

ROLES = ("national", "region:84", "departement:69")
PAGES = {"national": ("vue_nationale", "remontees", "fiche_departement", "suivis_actions",
                      "bonnes_pratiques", "qualite"),
         "region:84": ("vue_nationale", "remontees", "fiche_departement", "suivis_actions",
                       "bonnes_pratiques"),
         "departement:69": ("vue_nationale", "remontees", "fiche_departement", "suivis_actions",
                            "bonnes_pratiques", "deposer")}
#: Streamlit's own English texts, as they would reach a reader.
ENGLISH_DEFAULTS = ("Choose options", "Choose an option", "None", "per file", "Upload",
                    "Drag and drop", "Page not found", "True", "False", "nan", "NaT")
#: A cell or metric that is a bare number (codes such as « 2026-W48 » are not).
BARE_NUMBER = re.compile(r"^[-+\u2212]?(\d+)([.,]\d+)?$")
SNAKE_CASE = re.compile(r"^[a-z]+(_[a-z0-9]+)+$")


def _cases():
    return [(role, page) for role in ROLES for page in PAGES[role]]


@pytest.fixture(scope="module")
def exported(serving_home):
    """Every page × role rendered once, with the tables its downloads would write (the
    ``render`` of each download called on its frame, without the audit event of a click)."""
    captured: dict[tuple, list] = {}
    original = ui.audited_export

    def spy(frame, file_name, render):
        captured.setdefault("current", []).append((file_name, frame, render))
        return original(frame, file_name, render)

    ui.audited_export = spy
    rendered = {}
    try:
        for role, page in _cases():
            captured["current"] = []
            at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT)
            at.session_state["_cipd_login"] = LOGINS[role]
            at.switch_page(f"app_pages/{page}.py")
            at.run()
            rendered[(role, page)] = (at, captured["current"])
    finally:
        ui.audited_export = original
    return rendered


def _table_cells(at) -> list[str]:
    cells = []
    for frame in at.dataframe:
        for column in frame.value.columns:
            cells += [str(v) for v in frame.value[column].tolist()]
    return cells


def _shown_headers(at) -> list[list[str]]:
    """Each table's column headers as the grid shows them (its column_config labels)."""
    headers = []
    for frame in at.dataframe:
        config = json.loads(frame.proto.columns or "{}")
        labels = {key.removeprefix("name:"): value.get("label") for key, value in config.items()}
        headers.append([labels.get(c) or c for c in frame.value.columns])
    return headers


@pytest.mark.parametrize(("role", "page"), _cases())
def test_page_shows_no_streamlit_default_in_english(exported, role, page):
    at, _ = exported[(role, page)]
    assert not at.exception, [e.message for e in at.exception]
    shown = (texts(at.markdown) + texts(at.caption) + [m.label for m in at.metric]
             + [m.value for m in at.metric] + _table_cells(at))
    found = {word for word in ENGLISH_DEFAULTS for text in shown if re.search(rf"\b{word}\b", text)}
    assert not found, found
    assert all(m.proto.placeholder and "Choose" not in m.proto.placeholder for m in at.multiselect)


@pytest.mark.parametrize(("role", "page"), _cases())
def test_page_groups_thousands_the_french_way_in_metrics_and_tables(exported, role, page):
    at, _ = exported[(role, page)]
    values = [m.value for m in at.metric] + _table_cells(at)
    ungrouped = [v for v in values if (m := BARE_NUMBER.match(v.strip())) and int(m.group(1)) >= 1000]
    assert not ungrouped, ungrouped[:10]
    numeric = [f"{c}" for f in at.dataframe for c, t in f.value.dtypes.items()
               if t.kind in "iuf" and (f.value[c].abs() >= 1000).any()]
    assert not numeric, numeric  # a numeric column is drawn by the grid as « 9830 »


@pytest.mark.parametrize(("role", "page"), _cases())
def test_each_download_is_headed_in_french_as_its_table_on_the_page(exported, role, page):
    at, downloads = exported[(role, page)]
    shown = _shown_headers(at)
    for file_name, frame, render in downloads:
        if not file_name.endswith(".csv"):
            continue
        table = frame() if callable(frame) else frame
        data = render(table)
        assert data.startswith("\ufeff".encode())
        header = next(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        assert not [h for h in header if SNAKE_CASE.match(h)], (file_name, header)
        if shown and "catalogue" not in file_name:
            assert header in shown, (file_name, header, shown)


def test_shared_link_opened_signed_out_signs_in_then_opens_the_page_it_names(serving_home):
    at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT)
    at.query_params["departement"] = "01"
    at.switch_page("app_pages/fiche_departement.py").run()
    assert not at.exception and texts(at.title) == ["Connexion"]
    at.text_input[0].input("demo-national")
    at.text_input[1].input(serving_home.credentials["demo-national"])
    at.button[0].click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Fiche département" in " ".join(texts(at.title)) or any("Ain" in t for t in texts(at.title))


@pytest.mark.parametrize(("role", "page"), _cases())
def test_charts_write_french_numbers_and_months(exported, role, page):
    """Plotly draws with the layout's French separators, grouped value axes (never « 10k »)
    and French month names (never « Jan 2026 »)."""
    at, _ = exported[(role, page)]
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        layout = spec["layout"]
        assert layout.get("separators") == PLOTLY_SEPARATORS
        value_axes = [v for k, v in layout.items() if k.startswith(("yaxis", "xaxis")) and
                      (v.get("tickformat") or v.get("ticktext"))]
        assert value_axes or spec["data"][0]["type"] in ("heatmap", "choroplethmap"), layout
        months = [x for trace in spec["data"] for x in (trace.get("x") or []) if isinstance(x, str)]
        assert not [m for m in months if re.fullmatch(r"\d{4}-\d{2}", m)], months[:5]
