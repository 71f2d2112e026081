"""The upload page shows a receipt in full: long French corrections wrap in the error table and
in the receipt block instead of being cut at the right edge."""

from __future__ import annotations

from dashboard_app import APP, APP_TIMEOUT
from streamlit.testing.v1 import AppTest

from accounts import users
from data_contracts.settings import get_settings
from ingestion_helpers import FIXTURES


def rejected_upload(login: str) -> AppTest:
    users.add_user(get_settings(), login, "departement:13", "mot de passe assez long")
    at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT)
    at.session_state["_cipd_login"] = login
    at.switch_page("app_pages/deposer.py").run()
    content = (FIXTURES / "negative_count.csv").read_bytes()
    at.file_uploader[0].set_value(("hebdo.csv", content, "text/csv"))
    next(button for button in at.button if button.label == "Déposer").click()
    at.run(timeout=60)
    assert not at.exception
    return at


def test_upload_errors_are_listed_in_a_wrapping_table_with_the_whole_correction(cipd_home):
    at = rejected_upload("agent-table")
    assert not at.dataframe  # a data grid cuts long text at the column's edge; a table wraps
    (errors,) = at.table
    shown = errors.value
    assert list(shown.columns) == ["ligne", "colonne", "valeur", "correction"]
    (correction,) = shown["correction"]
    assert len(correction) > 60 and correction in at.code[0].value  # the full sentence


def test_upload_receipt_block_wraps_long_lines(cipd_home):
    at = rejected_upload("agent-code")
    (receipt,) = at.code
    assert receipt.proto.wrap_lines
    assert max(len(line) for line in receipt.value.splitlines()) > 100  # lines that need it


def test_receipt_errors_of_a_departement_sheet_give_the_correction_the_widest_column(signed_in):
    import json

    from real_serving import CANARY

    at = signed_in("national", "fiche_departement", query={"departement": CANARY})
    (errors,) = [frame for frame in at.dataframe if "correction" in frame.value.columns]
    config = json.loads(errors.proto.columns)
    assert config["correction"]["width"] == "large"
