"""Page furniture every dashboard shares, so each rule lives once: the signed-in role, the
freshness and coverage line under every figure, and the CSV/XLSX downloads under every chart."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime, timezone

import polars as pl
import streamlit as st

from accounts.roles import Role
from dashboards import audit_trail, queries, serving, small_counts
from dashboards.display import french_cells, header_labels
from dashboards.exports import to_csv_bytes, to_xlsx_bytes
from data_contracts import labels
from data_contracts.calendar import PARIS, format_paris
from data_contracts.french_format import fr_int

#: Session key holding the signed-in account (set only by :mod:`dashboards.auth`).
ACCOUNT_KEY = "_cipd_account"

#: Colours of the status labels (data_contracts.labels.STATUS) in grids and maps.
STATUS_COLOURS = {"À l'heure": "#2e7d32", "En retard": "#f9a825", "Néant": "#90a4ae",
                  "En attente": "#bbdefb", "Manquant": "#c62828"}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def current_role() -> Role:
    """The role of the signed-in account (the router signs people in before any page runs)."""
    account = st.session_state.get(ACCOUNT_KEY)
    if account is None:
        st.error("Session expirée : reconnectez-vous.")
        st.stop()
    return account.role


def require_serving() -> None:
    """Stop the page with an explanation when nothing has been published yet."""
    if serving.serving_file() is None:
        st.warning(
            "Aucune donnée publiée pour l'instant : lancez `cipd build` (ou `make build`) pour "
            "construire et publier l'entrepôt, puis rechargez la page.")
        st.stop()


def freshness_line(covered: int | None = None, expected: int | None = None) -> str:
    """« Données publiées le … · N départements sur M » — what every figure carries."""
    published: datetime | None = queries.published_at()
    parts = [f"Données publiées le {format_paris(published)}" if published
             else "Données non publiées"]
    if covered is not None:
        parts.append(f"{covered} département{'s' if covered != 1 else ''}"
                     + (f" sur {expected}" if expected is not None else ""))
    return " · ".join(parts)


def caption(covered: int | None = None, expected: int | None = None, note: str = "") -> None:
    st.caption(freshness_line(covered, expected) + (f" · {note}" if note else ""))


def as_utc(instant: datetime) -> datetime:
    """Marts store ``*_at`` as naive UTC timestamps; make them aware before converting."""
    return instant.replace(tzinfo=timezone.utc) if instant.tzinfo is None else instant


def paris(instant: datetime | None) -> str:
    return format_paris(as_utc(instant)) if instant else "—"


def paris_short(instant: datetime | None) -> str:
    """``26/11/2026 10:00`` — for metrics, whose label says the time is Paris time."""
    return as_utc(instant).astimezone(PARIS).strftime("%d/%m/%Y %H:%M") if instant else "—"


def with_paris_times(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """Replace UTC timestamp columns by how users read them (Paris wall-clock text), as
    :func:`paris` writes them. Vectorised (polars' time zones) for timestamp columns: the
    practices catalogue converts 200 000 rows at ×100 volume, seconds one value at a time."""
    converted = []
    for column in (c for c in columns if c in frame.columns):
        dtype = frame.schema[column]
        if isinstance(dtype, pl.Datetime):
            utc = pl.col(column) if dtype.time_zone else pl.col(column).dt.replace_time_zone("UTC")
            text = utc.dt.convert_time_zone(str(PARIS)).dt.strftime("%d/%m/%Y %H:%M") + " (heure de Paris)"
            converted.append(text.fill_null("—").alias(column))
        else:
            converted.append(pl.col(column).map_elements(paris, return_dtype=pl.String))
    return frame.with_columns(converted)


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=])")


def md_escape(text: object) -> str:
    """Free text from the départements (or a visitor's URL) rendered literally inside Markdown
    (no links, images, HTML, entities or formatting smuggled through a practice's title or a
    ``?departement=`` value); every user-controlled text passed to ``st.markdown``,
    ``st.error`` and the like goes through it."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text or ""))


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "donnees"


def signed(delta: int | float) -> str:
    """A metric's change in French (« +1 234 », « -473 »): an ASCII minus, which Streamlit reads
    to draw the arrow down."""
    return ("-" if delta < 0 else "+") + fr_int(abs(delta))


#: The shared chrome's CSS: Streamlit's file uploader has no option for its English texts
#: (« Upload », « 5MB per file • CSV, XLSX, JSON », « Drag and drop a file here » while a file
#: is dragged over it), so they are hidden and French ones drawn in their place. Selectors
#: follow Streamlit 1.67's uploader (dropzone section > button span, instructions div > span).
FRENCH_WIDGETS_CSS = """
<style>
[data-testid="stFileUploaderDropzoneInstructions"] span { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {
  content: "Fichier CSV, XLSX ou JSON ; {limit} Mo au plus"; }
[data-testid="stFileUploaderDropzone"] > div:not([data-testid]) > span { display: none; }
[data-testid="stFileUploaderDropzone"] > div:not([data-testid])::after { content: "Déposez le fichier ici"; }
[data-testid="stFileUploaderDropzone"] > span > button > * { display: none; }
[data-testid="stFileUploaderDropzone"] > span > button::after { content: "Choisir un fichier"; }
</style>
"""

#: Placeholder of every multiselect (Streamlit's default is « Choose options »).
MULTISELECT_PLACEHOLDER = "Choisir…"


def french_widgets() -> None:
    """Drawn by the router on every run, before any page (the sign-in page included)."""
    import math

    from data_contracts.settings import get_settings

    limit = max(1, math.ceil(get_settings().max_upload_bytes / 1024 / 1024))
    st.html(FRENCH_WIDGETS_CSS.replace("{limit}", str(limit)))


def _progress_columns(column_config: dict | None) -> tuple[str, ...]:
    """Columns a page draws as a bar (they keep their number)."""
    return tuple(c for c, v in (column_config or {}).items()
                 if isinstance(v, dict) and v.get("type_config", {}).get("type") == "progress")


def _headers(frame: pl.DataFrame, column_config: dict | None) -> dict:
    return {**header_labels(frame), **(column_config or {})}


def shown_table(frame: pl.DataFrame, column_config: dict | None = None) -> pl.DataFrame:
    """``frame`` as the grid shows it: French numbers, words and dates; « — » where empty."""
    return french_cells(small_counts.mark_secret(frame, current_role()),
                        keep=_progress_columns(column_config))


def audited_export(frame: pl.DataFrame | Callable[[], pl.DataFrame], file_name: str,
                   render) -> Callable[[], bytes]:
    """The file's bytes, produced when the user clicks (Streamlit's deferred download) and
    recorded in the audit trail then: who exported which table, with which role. ``frame``
    may itself be deferred (a function), for a table too large to read on every render."""
    account = st.session_state.get(ACCOUNT_KEY)

    def produce() -> bytes:
        table = frame() if callable(frame) else frame
        data = render(table)
        audit_trail.record("export", account.login if account else None, "downloaded",
                           account.role if account else None, file=file_name, rows=table.height,
                           columns=len(table.columns), size_bytes=len(data))
        return data

    return produce


def downloads(frame: pl.DataFrame | Callable[[], pl.DataFrame], name: str,
              column_config: dict | None = None) -> None:
    """The table behind a figure, as CSV and XLSX with the page's headers (cells neutralised
    by :mod:`exports`); ``frame`` may be a function, read only when the user clicks."""
    base = slug(name)
    role = current_role()
    table = frame
    frame = ((lambda: small_counts.mark_secret(table(), role)) if callable(table)
             else small_counts.mark_secret(table, role))  # « s » and « — » in the files too
    def headers(table: pl.DataFrame) -> dict[str, str]:
        return header_labels(table, column_config)

    left, right = st.columns(2)
    left.download_button("Télécharger (CSV)", audited_export(
                             frame, f"{base}.csv", lambda t: to_csv_bytes(t, headers=headers(t))),
                         file_name=f"{base}.csv", mime="text/csv", key=f"csv-{base}",
                         on_click="ignore")
    right.download_button("Télécharger (XLSX)", audited_export(
                              frame, f"{base}.xlsx", lambda t: to_xlsx_bytes(t, headers=headers(t))),
                          file_name=f"{base}.xlsx", mime=XLSX_MIME, key=f"xlsx-{base}",
                          on_click="ignore")


def figure(fig, frame: pl.DataFrame, name: str, covered: int | None = None,
           expected: int | None = None, note: str = "") -> None:
    """A chart, its freshness/coverage line, and its table behind an expander with downloads."""
    st.plotly_chart(fig, width="stretch", key=f"chart-{slug(name)}")
    caption(covered, expected, note)
    with st.expander(f"Tableau : {name}"):
        shown = shown_table(frame)
        st.dataframe(shown, hide_index=True, width="stretch", column_config=_headers(shown, None))
        downloads(frame, name)


def table(frame: pl.DataFrame, name: str, covered: int | None = None,
          expected: int | None = None, note: str = "", column_config: dict | None = None) -> None:
    """A table figure: shown, captioned, downloadable (with the same headers)."""
    shown = shown_table(frame, column_config)
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config=_headers(shown, column_config))
    caption(covered, expected, note)
    downloads(frame, name, column_config)


def receipts(frame: pl.DataFrame) -> pl.DataFrame:
    """``fct_submissions`` rows as a département reads its receipts (French words, Paris time)."""
    from data_contracts.registry import CONTRACTS

    kinds = {kind: model.label for kind, model in CONTRACTS.items()}
    shown = frame.select(
        "received_at", "report_kind", "period_codes", "status", "version_number", "is_on_time",
        "filename", "row_count", "error_count", "warning_count", "submission_id", "actor")
    return with_paris_times(shown.with_columns(
        pl.col("report_kind").replace_strict(kinds, default=pl.col("report_kind")),
        pl.col("status").replace_strict(labels.RECEIPT_STATUS, default=pl.col("status")),
    ), "received_at")


def receipt_errors(frame: pl.DataFrame) -> pl.DataFrame:
    """The French errors of the rejected receipts in ``frame``, one row per error, as the
    upload page lists them (row, column, value, how to fix)."""
    import json

    rows = [
        {"submission_id": r["submission_id"], "fichier": r["filename"], "ligne": e.get("row"),
         "colonne": e.get("column"), "valeur": e.get("value"), "correction": e.get("message")}
        for r in frame.filter(pl.col("status") == "rejected").iter_rows(named=True)
        for e in json.loads(r["errors_json"] or "[]")
    ]
    schema = {"submission_id": pl.String, "fichier": pl.String, "ligne": pl.Int64,
              "colonne": pl.String, "valeur": pl.String, "correction": pl.String}
    return pl.DataFrame(rows, schema=schema)


def receipts_section(frame: pl.DataFrame, name: str, note: str) -> None:
    """A département's receipts, then the French errors of the rejected ones (the sheet and
    the upload page show the same)."""
    table(receipts(frame), name, covered=1, expected=1, note=note)
    errors = receipt_errors(frame)
    if not errors.is_empty():
        st.warning(f"{errors['submission_id'].n_unique()} dépôt(s) refusé(s) : les erreurs "
                   "ci-dessous indiquent la ligne, la colonne et la correction attendue.")
        # The widest column the grid offers: French corrections are sentences, not codes.
        table(errors, f"erreurs {name}", covered=1, expected=1,
              column_config={"correction": st.column_config.TextColumn("Correction", width="large")})


def status_label(frame: pl.DataFrame, column: str = "status") -> pl.DataFrame:
    """Status codes as the French words users read."""
    return frame.with_columns(pl.col(column).replace_strict(
        labels.STATUS, default=pl.col(column)).alias(column))
