"""Small counts on the demo's real marts (12 weeks): the audit by linear programming finds no
disclosed cell for the roles of Corse and of Auvergne-Rhône-Alpes and for every region, and
finds leaks with primary suppression alone; the two attacks of issue 13, run through the
query layer as a reader would, recover nothing; a département reads its own figures exactly.
"""

from __future__ import annotations

import json

import polars as pl
import pytest

from accounts.roles import Role
from dashboards import protection, queries, serving, small_counts
from data_contracts.linked_disclosure import WEEKLY_MEASURES
from data_contracts.referential import departements, regions
from storage.published import open_read_only

THRESHOLD = 10
WEEKS = 12


@pytest.fixture(scope="module")
def panels(serving_home):
    connection = open_read_only(serving_home.home / "serving.duckdb")
    try:
        yield {code: protection.load_panel(connection, code) for code in regions()}
    finally:
        connection.close()


def audited_roles() -> list[Role]:
    roles = [Role("region", code) for code in sorted(regions())]
    return roles + [Role("departement", code) for code, d in departements().items()
                    if d.region_code in ("94", "84")]


def test_disclosure_audit_finds_no_disclosed_cell_for_corse_auvergne_rhone_alpes_and_every_region(panels):
    results = [protection.audit(panels[role.region_codes[0]], role, THRESHOLD, WEEKS)
               for role in audited_roles()]
    assert sum(r.sensitive for r in results) > 1000  # small counts were there to protect
    assert {r.role: len(r.disclosed) for r in results if r.disclosed} == {}


def test_disclosure_audit_finds_leaks_when_protection_is_switched_off(panels):
    for role in (Role.parse("departement:2A"), Role.parse("region:84")):
        result = protection.audit(panels[role.region_codes[0]], role, THRESHOLD, WEEKS, protected=False)
        assert result.disclosed, role


def _truth(serving_home, departement: str, week: str, measure: str):
    return serving_home.serving_value(
        f"select {measure} from marts.fct_weekly_reports where departement_code = ? and week_code = ?",
        departement, week)


@pytest.mark.parametrize(("reader", "other"), [("2A", "2B"), ("2B", "2A")])
def test_corse_total_minus_own_recovers_no_hidden_cell(serving_home, reader, other):
    role = Role.parse(f"departement:{reader}")
    week = queries.current_week()
    own = queries.departement_weekly(role, reader, week, WEEKS)
    recovered = []
    for row in own.iter_rows(named=True):
        region = queries.regional_weekly(role, row["week_code"])
        for measure in WEEKLY_MEASURES:
            total, mine = region[measure][0], row[measure]
            if total is None or mine is None:
                continue
            truth = _truth(serving_home, other, row["week_code"], measure)
            if truth is not None and 1 <= truth <= THRESHOLD and total - mine == truth:
                recovered.append((row["week_code"], measure, truth))
    assert recovered == []


def test_region_84_stock_identity_recovers_no_hidden_closing(serving_home):
    role = Role.parse("region:84")
    week = queries.current_week()
    recovered = []
    for departement in role.departements:
        rows = queries.departement_weekly(role, departement, week, WEEKS).to_dicts()
        for before, after in zip(rows, rows[1:]):
            stocks_and_new = (before["suivis_en_cours"], after["suivis_en_cours"], after["nouveaux_signalements"])
            if after["suivis_clos"] is not None or None in stocks_and_new:
                continue
            closed = before["suivis_en_cours"] + after["nouveaux_signalements"] - after["suivis_en_cours"]
            truth = _truth(serving_home, departement, after["week_code"], "suivis_clos")
            if 1 <= truth <= THRESHOLD and closed == truth:
                recovered.append((departement, after["week_code"], truth))
    assert recovered == []


def test_departement_reads_its_own_small_counts_exactly(serving_home):
    role = Role.parse("departement:2B")
    week = queries.current_week()
    own = queries.departement_weekly(role, "2B", week, WEEKS)
    exact = pl.DataFrame(serving.cursor(serving.serving_file()).execute(
        "select week_code, suivis_clos from marts.fct_weekly_reports where departement_code = '2B' "
        "and week_code in (select unnest(?::varchar[])) order by week_code",
        [own["week_code"].to_list()]).fetchall(), schema=["week_code", "suivis_clos"], orient="row")
    assert own["suivis_clos"].to_list() == exact["suivis_clos"].to_list()
    assert any(v is not None and 1 <= v <= THRESHOLD for v in own["suivis_clos"])


def test_hidden_cells_read_s_and_missing_reports_a_dash_below_national():
    frame = pl.DataFrame({"departement_code": ["01", "03", "07"], "is_received": [True, False, True],
                          "suivis_clos": [None, None, 12]})
    shown = small_counts.mark_secret(frame, Role.parse("region:84"))
    assert shown["suivis_clos"].to_list() == ["s", "—", "12"]
    assert small_counts.mark_secret(frame, Role.parse("national")).equals(frame)


def test_cipd_disclosure_audit_reports_no_disclosed_cell_as_json(serving_home, capsys):
    from cli.main import main

    assert main(["disclosure-audit", "--role", "departement:2A", "--role", "region:94",
                 "--weeks", str(WEEKS), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["disclosed"] == 0 and [r["role"] for r in report["roles"]] == ["departement:2A", "region:94"]
    assert all(r["sensitive"] > 0 and r["narrowest_width"] >= THRESHOLD for r in report["roles"])


def test_trend_marks_hidden_points_with_their_own_legend_entry():
    from dashboards import charts

    frame = pl.DataFrame({"week_code": ["2026-W45", "2026-W46", "2026-W47"], "is_received": [True, True, False],
                          "suivis_clos": [12, None, None]})
    fig = charts.trend(frame, "week_code", {"suivis_clos": "Suivis clos"}, "Suivis")
    marks = [t for t in fig.data if t.name == small_counts.SECRET_LABEL]
    assert len(marks) == 1 and list(marks[0].x) == ["2026-W46"]  # W47: not received, no mark


def test_map_gives_hidden_and_not_received_their_own_legend_entries():
    from dashboards import charts

    frame = pl.DataFrame({"departement_code": ["01", "03", "07"], "departement_name": ["Ain", "Allier", "Ardèche"],
                          "is_received": [True, True, False], "nouveaux_signalements": [14, None, None]})
    fig = charts.choropleth(frame, "nouveaux_signalements", "Nouveaux signalements")
    entries = {t.name: list(t.locations) for t in fig.data if t.showlegend}
    assert entries == {small_counts.SECRET_LABEL: ["03"], small_counts.NOT_RECEIVED_LABEL: ["07"]}
