"""Render a :class:`Document` as a self-contained HTML page and as an XLSX workbook.

HTML comes only from Jinja templates with autoescaping on: département names, comments and
practice titles are data typed by users and must never become markup. The workbook keeps raw
numbers with Excel formats so that readers can sort and recompute; every text goes through
:func:`data_contracts.safe_text.neutralise_cell` (a comment typed ``+cmd|' /C calc'!A0`` stays
text, even once the sheet is re-saved as CSV) and is written as a string, never a formula or link.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import xlsxwriter
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from data_contracts.calendar import PARIS, UTC, format_paris
from data_contracts.safe_text import neutralise_cell
from orchestration.reports.charts import chart_geometry
from orchestration.reports.document import Column, Document, Table
from orchestration.reports.formatting import format_cell

_ENV = Environment(
    loader=PackageLoader("orchestration.reports", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=False,
    lstrip_blocks=False,
)
_ENV.filters["cell"] = format_cell

#: Column kind → Excel number format (None: the cell is written as text).
_XLSX_FORMATS = {
    "int": "#,##0",
    "delta": "+#,##0;-#,##0;0",
    "percent": "0.0%",
    "euros": '#,##0.00 "€"',
    "datetime": "dd/mm/yyyy hh:mm",
    "text": None,
}


def render_html(document: Document, generated_at: datetime) -> str:
    context = {
        "doc": document,
        "known_at_text": format_paris(document.known_at),
        "known_at_iso": document.known_at.astimezone(UTC).isoformat(),
        "generated_text": format_paris(generated_at),
        "chart_svg": "",
        "chart_lines": (),
    }
    if document.chart is not None:
        geometry = chart_geometry(document.chart)
        svg = _ENV.get_template("line_chart.svg.j2").render(g=geometry, chart=document.chart)
        # The SVG was produced by an autoescaped template: it is markup, not data.
        context["chart_svg"] = Markup(svg)
        context["chart_lines"] = geometry.lines
    return _ENV.get_template("document.html.j2").render(**context)


def write_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """Write beside the target then rename over it, so a reader (or the e-mail job) never
    picks up half a document."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_html(document: Document, path: Path, generated_at: datetime) -> Path:
    html = render_html(document, generated_at)
    return write_atomically(path, lambda target: target.write_text(html, encoding="utf-8"))


def write_xlsx(document: Document, path: Path, generated_at: datetime) -> Path:
    return write_atomically(path, lambda target: _write_workbook(document, target, generated_at))


def _excel_value(value: object, kind: str) -> object:
    if isinstance(value, datetime):
        # Excel has no time zones: show Paris wall-clock time, as in the HTML.
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(PARIS).replace(tzinfo=None)
    if kind != "text" and value is not None and not isinstance(value, (int, float)):
        return float(value)  # Decimal euros
    return value


def _text(value: object) -> str:
    """A text cell's content, neutralised (see the module docstring)."""
    return str(neutralise_cell(str(value)))


def _write_workbook(document: Document, path: Path, generated_at: datetime) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"remove_timezone": True, "strings_to_formulas": False,
                                               "strings_to_urls": False})
    try:
        title = workbook.add_format({"bold": True, "font_size": 14, "font_color": "#000091"})
        bold = workbook.add_format({"bold": True})
        header = workbook.add_format({"bold": True, "bg_color": "#ECECFE", "border": 1, "text_wrap": True})
        formats = {kind: workbook.add_format({"num_format": fmt, "border": 1}) if fmt
                   else workbook.add_format({"border": 1}) for kind, fmt in _XLSX_FORMATS.items()}

        cover = workbook.add_worksheet("Présentation")
        cover.set_column(0, 0, 42)
        cover.set_column(1, 1, 60)
        cover.write_string(0, 0, _text(document.title), title)
        cover.write_string(1, 0, _text(document.period_label), bold)
        cover.write_string(2, 0, "État des connaissances au")
        cover.write_string(2, 1, format_paris(document.known_at), bold)
        cover.write_string(3, 0, "Destinataires")
        cover.write_string(3, 1, _text(" ; ".join(document.recipients)))
        cover.write_string(4, 0, "Produit le")
        cover.write_string(4, 1, format_paris(generated_at))
        cover.write(6, 0, "Chiffres clés", bold)
        previous = document.comparison_label[0].upper() + document.comparison_label[1:]
        cover.write_row(7, 0, ("Indicateur", "Valeur", previous, "Évolution"), header)
        for row, figure in enumerate(document.key_figures, start=8):
            cover.write_string(row, 0, _text(figure.label), formats["text"])
            fmt = formats[figure.kind]
            cover.write(row, 1, _excel_value(figure.value, figure.kind), fmt)
            cover.write(row, 2, _excel_value(figure.previous, figure.kind), fmt)
            cover.write(row, 3, figure.change, formats["delta"])
        for offset, note in enumerate(document.notes, start=9 + len(document.key_figures)):
            cover.write_string(offset, 0, _text(note))

        for table in document.tables:
            _write_table(workbook, table, title, header, formats)
    finally:
        workbook.close()


def _write_table(workbook: xlsxwriter.Workbook, table: Table, title_format, header_format,
                 formats: dict) -> None:
    sheet = workbook.add_worksheet(table.sheet)
    sheet.write_string(0, 0, _text(table.title), title_format)
    if table.note:
        sheet.write_string(1, 0, _text(table.note))
    header_row = 2
    columns: tuple[Column, ...] = table.columns
    sheet.write_row(header_row, 0, [_text(c.label) for c in columns], header_format)
    for index, column in enumerate(columns):
        sheet.set_column(index, index, 34 if column.kind == "text" else 16)
    for row_index, row in enumerate(table.rows, start=header_row + 1):
        for index, column in enumerate(columns):
            value = _excel_value(row[column.key], column.kind)
            if value is None:
                sheet.write_blank(row_index, index, None, formats[column.kind])
            elif column.kind == "datetime":
                sheet.write_datetime(row_index, index, value, formats["datetime"])
            elif column.kind == "text":
                # write_string, never write(): a title typed as "=HYPERLINK(...)" stays text.
                sheet.write_string(row_index, index, _text(value), formats["text"])
            else:
                sheet.write(row_index, index, value, formats[column.kind])
    if not table.rows:
        sheet.write_string(header_row + 1, 0, _text(table.empty_text))
    sheet.freeze_panes(header_row + 1, 0)
