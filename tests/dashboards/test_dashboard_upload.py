"""The upload page goes through the CLI's submit path: the same receipt, the same landing,
the same French errors."""

from __future__ import annotations

import json

from dashboard_app import APP, APP_TIMEOUT
from page_text import texts
from streamlit.testing.v1 import AppTest

from accounts import users
from cli.main import main
from data_contracts.registry import columns
from data_contracts.settings import get_settings
from ingestion.landing import list_landed

RECEIPT_KEY = "_cipd_last_receipt"


def _weekly_csv(departement: str, week: str) -> bytes:
    values = {"departement": departement, "semaine": week, "signalements_cnapr": "3",
              "signalements_locaux": "1", "dont_mineurs": "1", "orientations_judiciaires": "0",
              "suivis_en_cours": "42", "suivis_clos": "1", "familles_accompagnees": "7",
              "commentaire": ""}
    header = columns("weekly")
    return (";".join(header) + "\n" + ";".join(values[c] for c in header) + "\n").encode()


def _upload_page(cipd_home) -> AppTest:
    users.add_user(get_settings(), "agent69", "departement:69", "mot-de-passe-long")
    at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT)
    at.session_state["_cipd_login"] = "agent69"
    at.run()
    return at.switch_page("app_pages/deposer.py").run()


def _deposit(at: AppTest, kind: str, filename: str, content: bytes) -> AppTest:
    at.radio[0].set_value(kind)
    at.file_uploader[0].set_value((filename, content, "text/csv"))
    next(b for b in at.button if b.label == "Déposer").click()
    return at.run(timeout=60)


def _cli_json(capsys, path, departement="69") -> dict:
    capsys.readouterr()
    main(["submit", "weekly", str(path), "--departement", departement, "--json"])
    return json.loads(capsys.readouterr().out)


def test_page_upload_lands_like_the_cli(cipd_home, tmp_path, capsys):
    content = _weekly_csv("69", "2026-W47")
    at = _deposit(_upload_page(cipd_home), "weekly", "hebdo_69_W47.csv", content)
    assert not at.exception, [e.message for e in at.exception]
    page_receipt, _ = at.session_state[RECEIPT_KEY]
    assert page_receipt["status"] == "accepted"
    assert any(page_receipt["submission_id"] in s for s in texts(at.success))
    assert "Dépôt ACCEPTÉ" in texts(at.code)[0]

    (landed,) = list_landed(get_settings())
    assert landed.submission_id == page_receipt["submission_id"] and landed.departement == "69"
    assert landed.receipt().as_dict() == page_receipt
    assert landed.receipt().actor == "web:agent69"  # the signed-in account, as in sign-in events

    # The same bytes through the CLI are recognised as the page's deposit.
    path = tmp_path / "hebdo_69_W47.csv"
    path.write_bytes(content)
    cli_receipt = _cli_json(capsys, path)
    assert cli_receipt.keys() == page_receipt.keys()
    assert cli_receipt["status"] == "duplicate"
    assert cli_receipt["duplicate_of"] == page_receipt["submission_id"]
    assert cli_receipt["sha256"] == page_receipt["sha256"]


def test_page_shows_the_cli_errors_in_french(cipd_home, tmp_path, capsys):
    content = _weekly_csv("13", "2026-W99")  # another département's row, impossible week
    at = _deposit(_upload_page(cipd_home), "weekly", "faux.csv", content)
    page_receipt, _ = at.session_state[RECEIPT_KEY]
    assert page_receipt["status"] == "rejected"
    assert any("Dépôt refusé" in e for e in texts(at.error))
    table = at.table[0].value
    assert list(table.columns) == ["ligne", "colonne", "valeur", "correction"]
    assert {"departement", "semaine"} <= set(table["colonne"])

    path = tmp_path / "faux.csv"
    path.write_bytes(content)
    cli_receipt = _cli_json(capsys, path)
    assert cli_receipt["status"] == "rejected"
    assert cli_receipt["errors"] == page_receipt["errors"]
    assert list_landed(get_settings()) == []


def test_deposit_without_file_explains_what_to_do(cipd_home):
    at = _upload_page(cipd_home)
    next(b for b in at.button if b.label == "Déposer").click()
    at.run()
    assert any("Aucun fichier choisi" in e for e in texts(at.error))
    assert any("après la prochaine publication" in i for i in texts(at.info))


def test_upload_beside_a_published_serving_database(signed_in):
    """With marts published, submit also reads them (history warnings) from inside the
    dashboards' process, next to the page's own connection."""
    at = signed_in("departement:69", "deposer")
    _deposit(at, "weekly", "correction_69_W46.csv", _weekly_csv("69", "2026-W46"))
    assert not at.exception, [e.message for e in at.exception]
    receipt, _ = at.session_state[RECEIPT_KEY]
    assert receipt["status"] == "accepted" and receipt["periods"] == ["2026-W46"]
    assert at.dataframe  # the recent receipts, read through the same process's connection
