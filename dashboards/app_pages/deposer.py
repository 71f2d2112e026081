"""Déposer un rapport: a préfecture agent uploads a file through the one submit path the CLI
uses (``ingestion.submit.submit``) and reads the same receipt, or the French error list.

The département is the role's, never a form field: an agent can only report for their own.
"""

import json
import math

import polars as pl
import streamlit as st

from data_contracts.registry import CONTRACTS, KINDS
from data_contracts.settings import get_settings
from data_contracts.templates import write_template
from dashboards import queries, serving, ui

RECEIPT_KEY = "_cipd_last_receipt"

role = ui.current_role()
account = st.session_state[ui.ACCOUNT_KEY]
if not role.is_departement:
    st.error("Le dépôt de rapport est réservé aux comptes de préfecture (rôle département).")
    st.stop()
settings = get_settings()
st.title("Déposer un rapport")
st.write(f"**{role.label}**. Formats acceptés : CSV (séparateur « ; »), XLSX ou JSON, selon les "
         "modèles ci-dessous.")

# --- Upload ------------------------------------------------------------------------------------
with st.form("deposit", clear_on_submit=True):
    kind = st.radio("Type de rapport", KINDS, format_func=lambda k: CONTRACTS[k].label, horizontal=True)
    limit_mb = max(1, math.ceil(settings.max_upload_bytes / 1024 / 1024))
    # Streamlit draws the drop zone's own text in English and cannot translate it: say it here.
    upload = st.file_uploader(
        "Fichier du rapport", type=["csv", "xlsx", "json"], max_upload_size=limit_mb,
        help=(f"Glissez le fichier dans la zone ou cliquez sur « Browse files » pour le choisir : "
              f"CSV, XLSX ou JSON, {limit_mb} Mo au plus, rempli à partir des modèles plus bas."))
    sent = st.form_submit_button("Déposer", type="primary")
if sent:
    if upload is None:
        st.error("Aucun fichier choisi : sélectionnez le fichier du rapport puis cliquez sur « Déposer ».")
    else:
        from ingestion.submit import StorageUnavailable, submit

        try:
            receipt = submit(kind, upload.getvalue(), upload.name, role.code,
                             actor=f"web:{account.login}", settings=settings)
        except StorageUnavailable as error:
            st.session_state.pop(RECEIPT_KEY, None)
            st.error(str(error))
        else:
            st.session_state[RECEIPT_KEY] = (receipt.as_dict(), receipt.to_text())

if RECEIPT_KEY in st.session_state:
    data, text = st.session_state[RECEIPT_KEY]
    if data["status"] == "rejected":
        st.error(f"Dépôt refusé : {data['error_count']} erreur(s). Corrigez le fichier puis "
                 "déposez-le à nouveau.")
        errors = pl.DataFrame(data["errors"], schema={"row": pl.Int64, "column": pl.String,
                                                      "value": pl.String, "message": pl.String,
                                                      "code": pl.String})
        # A static table, not a data grid: long French corrections wrap instead of being cut
        # at the right edge (a rejection lists a few errors, never thousands).
        st.table(errors.select("row", "column", "value", "message").rename({
            "row": "ligne", "column": "colonne", "value": "valeur", "message": "correction"}),
            hide_index=True)
    elif data["status"] == "duplicate":
        st.info(f"Fichier déjà reçu (dépôt {data['duplicate_of']}) : rien n'a été enregistré en double.")
    else:
        st.success(f"Dépôt accepté : n° {data['submission_id']}.")
    st.code(text, language=None, wrap_lines=True)  # the whole receipt, however long a line
    st.download_button("Télécharger l'accusé de réception (JSON)",
                        json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"),
                        file_name=f"accuse_{data['submission_id']}.json", mime="application/json",
                        on_click="ignore", key="receipt-json")

# --- Correction requests (docs/steering.md) -------------------------------------------------------
if serving.serving_file() is not None:
    requests = queries.review_requests(role, role.code)
    if not requests.is_empty():
        st.subheader("Demandes de correction ouvertes")
        st.caption("Déposez une version corrigée du rapport concerné : la demande se ferme d'elle-même. "
                   "Si le chiffre est juste, confirmez-le avec sa raison.")
        st.dataframe(ui.with_paris_times(requests, "requested_at").select(
            "report_kind", "period_code", "field_names", "reason_code", "message", "requested_at"),
            hide_index=True)
        with st.form("review-confirm", clear_on_submit=True):
            reports = requests.select("report_kind", "period_code").unique(maintain_order=True).rows()
            confirmed_report = st.selectbox("Rapport dont le chiffre est juste", reports,
                                            format_func=lambda r: f"{CONTRACTS[r[0]].label} {r[1]}")
            reason_text = st.text_input("Raison (une phrase, sans donnée personnelle)", max_chars=500)
            confirm = st.form_submit_button("Confirmer le chiffre")
        if confirm:
            from pydantic import ValidationError

            from ingestion.review import record_review

            try:
                record_review(settings, action="confirm", report_kind=confirmed_report[0],
                              departement=role.code, period_code=confirmed_report[1],
                              actor=f"web:{account.login}", message=reason_text)
            except ValidationError as error:
                st.error("Confirmation non enregistrée : " + " ; ".join(p["msg"] for p in error.errors()))
            else:
                st.success(f"Confirmation enregistrée pour {confirmed_report[1]} : la demande sera close "
                           "à la prochaine publication.")

# --- Templates ---------------------------------------------------------------------------------
st.subheader("Modèles à remplir")


def template_bytes(kind: str, suffix: str) -> bytes:
    """Templates are generated from the contracts once, under CIPD_HOME/templates."""
    path = settings.root / "templates" / f"modele_{kind}_v{CONTRACTS[kind].version}.{suffix}"
    if not path.exists():
        write_template(kind, path)
    return path.read_bytes()


for kind_code in KINDS:
    label = CONTRACTS[kind_code].label
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(f"{label} (XLSX)", template_bytes(kind_code, "xlsx"),
                         file_name=f"modele_{kind_code}.xlsx", mime=ui.XLSX_MIME,
                         on_click="ignore", key=f"template-xlsx-{kind_code}")
    right.download_button(f"{label} (CSV)", template_bytes(kind_code, "csv"),
                          file_name=f"modele_{kind_code}.csv", mime="text/csv",
                          on_click="ignore", key=f"template-csv-{kind_code}")

# --- Recent receipts -------------------------------------------------------------------------------
st.subheader("Derniers dépôts du département")
if serving.serving_file() is None:
    st.info("Les dépôts apparaîtront ici après la prochaine publication des données.")
else:
    recent = queries.submissions(role, role.code, limit=20)
    if recent.is_empty():
        st.info("Aucun dépôt publié pour ce département.")
    else:
        ui.receipts_section(recent, f"depots recents {role.code}",
                            note="un dépôt apparaît ici après la publication suivante")
