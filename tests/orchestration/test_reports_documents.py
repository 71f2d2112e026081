"""The national documents built from the landed scenario: HTML opens, figures equal the marts'
and the scenario's, the XLSX reads back with the same numbers."""

from __future__ import annotations

from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest
from landing_scenario import DEPARTEMENTS, LATE, NIL, NOT_SENT, PRACTICE_TITLE, monthly_figures, weekly_figures
from python_calamine import CalamineWorkbook

from data_contracts.labels import COVERAGE_COUNTS, MONTHLY_MEASURES, WEEKLY_MEASURES, status_label
from orchestration.reports.produce import produce_monthly_report, produce_reminder_list, produce_weekly_synthesis
from orchestration.reports.reminders import CELL_CONTACT, ESCALATION_CONTACT
from orchestration.reports.source import ReportError

WEEK = "2026-W48"


class DocumentParser(HTMLParser):
    """Collects what a reader (or a script) finds in a document: key figures by ``data-key``,
    table cells by section id, and the visible text."""

    def __init__(self):
        super().__init__()
        self.figures: dict[str, str] = {}
        self.tables: dict[str, list[dict[str, str]]] = {}
        self.text: list[str] = []
        self._section = self._figure = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self._section = attrs.get("id")
        elif tag == "li" and "data-key" in attrs:
            self._figure = attrs["data-key"]
        elif tag == "span" and attrs.get("class") == "value" and self._figure:
            self.figures[self._figure] = attrs["data-value"]
        elif tag == "tr" and self._section:
            self.tables.setdefault(self._section, []).append({})
        elif tag == "td" and self._section:
            self.tables[self._section][-1][attrs["data-key"]] = attrs["data-value"]

    def handle_endtag(self, tag):
        if tag == "li":
            self._figure = None

    def handle_data(self, data):
        self.text.append(data)


def parse(path) -> DocumentParser:
    parser = DocumentParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    parser.tables = {k: [row for row in rows if row] for k, rows in parser.tables.items()}
    return parser


@pytest.fixture(scope="module")
def synthesis(built_hub, tmp_path_factory):
    return produce_weekly_synthesis(built_hub.settings, WEEK, tmp_path_factory.mktemp("synthesis"))


@pytest.fixture(scope="module")
def national_week(built_hub) -> dict:
    (row,) = built_hub.rows("select * from marts.fct_national_weekly where week_code = $week", week=WEEK)
    return row


def test_the_html_opens_and_its_national_totals_equal_the_mart(synthesis, national_week):
    document = parse(synthesis.html)
    for key in (*WEEKLY_MEASURES, *COVERAGE_COUNTS):
        assert int(document.figures[key]) == national_week[key], key


def test_the_national_totals_are_the_uploaded_figures(synthesis):
    received = [d for d in DEPARTEMENTS if (d, WEEK) not in NOT_SENT]
    figures = [weekly_figures(d, WEEK) for d in received]
    document = parse(synthesis.html)
    assert int(document.figures["nouveaux_signalements"]) == sum(
        f["signalements_cnapr"] + f["signalements_locaux"] for f in figures)
    assert int(document.figures["suivis_en_cours"]) == sum(f["suivis_en_cours"] for f in figures)
    assert int(document.figures["departements_received"]) == len(received)


def test_the_document_is_stamped_with_the_state_of_knowledge(synthesis):
    text = " ".join(parse(synthesis.html).text)
    assert "État des connaissances au 26/11/2026 10:00 (heure de Paris)" in text
    assert "Unité de coordination des services de police" in text and "SG-CIPD" in text


def test_the_compliance_table_has_every_departement_with_its_status(synthesis, built_hub):
    rows = {row["departement_code"]: row for row in parse(synthesis.html).tables["compliance"]}
    assert len(rows) == 101
    marts = {r["departement_code"]: status_label(r["status"], r["is_awaited"]) for r in built_hub.rows(
        "select departement_code, status, is_awaited from marts.fct_weekly_reports where week_code = $week",
        week=WEEK)}
    assert {code: row["status_label"] for code, row in rows.items()} == marts
    # built Thursday 10:00, before the W48 deadline: a report not yet sent is awaited
    assert rows["13"]["status_label"] == "En attente" and rows["01"]["status_label"] == "À l'heure"


def test_the_chart_covers_twelve_weeks(synthesis):
    html = synthesis.html.read_text(encoding="utf-8")
    assert html.count("<polyline") == 3
    assert len(parse(synthesis.html).tables["trend"]) == 12


def test_the_xlsx_reads_back_with_the_same_numbers(synthesis, national_week):
    workbook = CalamineWorkbook.from_path(str(synthesis.xlsx))
    cover = workbook.get_sheet_by_name("Présentation").to_python()
    values = {row[0]: row[1] for row in cover if row and row[0]}
    for key, label in {**WEEKLY_MEASURES, **COVERAGE_COUNTS}.items():
        assert values[label] == national_week[key], label
    compliance = workbook.get_sheet_by_name("Conformité par département").to_python()
    assert len(compliance) == 3 + 101  # title, blank note row, header, one row per département
    trend = workbook.get_sheet_by_name("Évolution 12 semaines").to_python()
    assert trend[-1][0] == WEEK


def test_notable_changes_list_a_second_missing_week(synthesis):
    findings = {(row["departement_code"], row["finding"]) for row in parse(synthesis.html).tables["notable-changes"]}
    assert ("69", "Aucun rapport depuis deux semaines") in findings


def test_a_stock_that_falls_more_than_the_closures_is_a_consistency_warning(built_hub, tmp_path):
    (departement, week), = NIL  # the nil week reports 10 follow-ups after 61 the week before
    produced = produce_weekly_synthesis(built_hub.settings, week, tmp_path)
    alerts = parse(produced.html).tables["consistency"]
    assert [(row["departement_code"], row["alert"]) for row in alerts] == [
        (departement, "Stock de suivis incohérent")]


def test_a_synthesis_as_known_at_a_past_instant_rebuilds_the_marts(built_hub, tmp_path):
    (late_departement, late_week), = LATE
    before_late_upload = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
    produced = produce_weekly_synthesis(built_hub.settings, late_week, tmp_path, known_at=before_late_upload)
    rows = {row["departement_code"]: row for row in parse(produced.html).tables["compliance"]}
    assert rows[late_departement]["status_label"] == "Manquant"
    assert "20/11/2026 09:00" in " ".join(parse(produced.html).text)
    current = produce_weekly_synthesis(built_hub.settings, late_week, tmp_path / "now")
    assert {r["departement_code"]: r for r in parse(current.html).tables["compliance"]}[
        late_departement]["status_label"] == "En retard"
    assert not (built_hub.settings.root / "tmp").exists() or not any((built_hub.settings.root / "tmp").iterdir())


def test_an_unknown_week_is_refused_in_french(built_hub, tmp_path):
    with pytest.raises(ReportError, match="n'est pas dans les marts publiés"):
        produce_weekly_synthesis(built_hub.settings, "2027-W10", tmp_path)


def test_the_reminder_list_escalates_a_second_miss(built_hub, tmp_path):
    produced = produce_reminder_list(built_hub.settings, WEEK, tmp_path)
    by_code = {r.departement_code: r for r in produced.reminders}
    assert {"13", "69", "971"} <= set(by_code) and not {"01", "2A", "75"} & set(by_code)
    assert by_code["971"].contact_role == CELL_CONTACT          # on time last week
    assert by_code["13"].contact_role == ESCALATION_CONTACT     # late last week
    assert by_code["69"].contact_role == ESCALATION_CONTACT     # missing last week
    lines = produced.csv.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Code;Département;Région;Contact à relancer")
    assert len(lines) == 1 + len(produced.reminders)


def test_the_monthly_report_totals_and_escaped_practice(built_hub, tmp_path):
    produced = produce_monthly_report(built_hub.settings, "2026-10", tmp_path)
    document = parse(produced.html)
    (national,) = built_hub.rows("select * from marts.fct_national_monthly where month_code = '2026-10'")
    for key in ("suivis_engages", "actions_total", "professionnels_formes"):
        assert int(document.figures[key]) == national[key], key
    senders = ("01", "13", "75")
    assert int(document.figures["suivis_engages"]) == sum(monthly_figures(d)["suivis_engages"] for d in senders)
    html = produced.html.read_text(encoding="utf-8")
    assert PRACTICE_TITLE not in html and "Atelier &lt;parents&gt; &amp; ados" in html
    assert [row["titre"] for row in document.tables["practices"]] == [PRACTICE_TITLE]
    cover = CalamineWorkbook.from_path(str(produced.xlsx)).get_sheet_by_name("Présentation").to_python()
    values = {row[0]: row[1] for row in cover if row and row[0]}
    assert values[MONTHLY_MEASURES["suivis_engages"]] == national["suivis_engages"]
