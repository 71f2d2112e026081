"""Rendering rules that no scenario exercises: escaping, Excel formula safety, French numbers,
the chart's scale, and a label for every contract count."""

from __future__ import annotations

from datetime import datetime, timezone

from python_calamine import CalamineWorkbook

from data_contracts.labels import MONTHLY_MEASURES, WEEKLY_MEASURES
from data_contracts.raw_schema import contract_columns
from orchestration.reports.charts import chart_geometry, nice_step
from orchestration.reports.document import Chart, ChartSeries, Column, Document, KeyFigure, Table
from orchestration.reports.formatting import fr_delta, fr_euros, fr_int, fr_percent
from orchestration.reports.render import render_html, write_xlsx

AT = datetime(2026, 11, 26, 11, 5, tzinfo=timezone.utc)


def document(text: str) -> Document:
    table = Table("notes", "Notes", "Notes", (Column("text", "Texte", "text"), Column("n", "Nombre")),
                  ({"text": text, "n": 3},))
    return Document("t", "Titre", "Période", ("Destinataire",), AT,
                    (KeyFigure("n", "Nombre", 3, 1),), (table,))


def test_data_is_escaped_never_markup():
    html = render_html(document('<script>alert("x")</script>'), AT)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_text_that_looks_like_a_formula_stays_text_in_excel(tmp_path):
    path = write_xlsx(document('=HYPERLINK("http://x","clic")'), tmp_path / "d.xlsx", AT)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Notes").to_python()
    assert rows[-1][0] == '\'=HYPERLINK("http://x","clic")'


def test_french_number_formats():
    assert fr_int(1234567) == "1\u202f234\u202f567"
    assert fr_percent(0.875, 1) == "87,5\u202f%"
    assert fr_delta(-3) == "\u22123" and fr_delta(0) == "=" and fr_delta(None) == "—"
    assert fr_euros(12500.5) == "12\u202f500,50\u202f€"


def test_chart_scale_is_round_and_missing_values_are_not_zero():
    assert [nice_step(m) for m in (0, 7, 48, 130, 9_000)] == [1.0, 2.0, 10.0, 50.0, 2000.0]
    chart = Chart("t", ("W1", "W2", "W3"), (ChartSeries("s", (10.0, None, 30.0)),))
    geometry = chart_geometry(chart)
    (line,) = geometry.lines
    assert len(line.dots) == 2
    assert line.dots[1][1] < line.dots[0][1]  # 30 is drawn higher than 10
    assert geometry.y_ticks[-1].label == "30"


def _counts(kind: str) -> set[str]:
    """The contract's counts: its integer columns."""
    return {name for name, sql in contract_columns(kind).items() if sql.startswith("BIGINT")}


def test_every_contract_count_has_a_document_label():
    assert _counts("weekly") | {"nouveaux_signalements"} == set(WEEKLY_MEASURES)
    assert _counts("monthly") | {"actions_total"} == set(MONTHLY_MEASURES)
