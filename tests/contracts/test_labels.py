"""One label per status, column and code, for the dashboards, the documents and the downloads."""

from __future__ import annotations

from data_contracts import labels
from data_contracts.codes import ACTION_COLUMNS, ACTION_TYPES, PARTNER_TYPES, TARGET_PUBLICS


def test_every_code_list_value_of_the_contracts_has_a_label():
    assert set(labels.PARTNERS) == set(PARTNER_TYPES)
    assert set(labels.ACTION_TYPES) == set(ACTION_TYPES)
    assert set(labels.TARGET_PUBLICS) == set(TARGET_PUBLICS)
    assert set(labels.MONTHLY_ACTIONS) == set(ACTION_COLUMNS.values())


def test_a_column_has_the_same_label_in_tables_and_documents():
    for group in (labels.WEEKLY_MEASURES, labels.MONTHLY_MEASURES, labels.COVERAGE):
        for column, label in group.items():
            assert labels.COLUMNS[column] == label, column


def test_labels_once_disagreeing_have_one_wording():
    assert labels.COLUMNS["on_time_rate"] == "Taux de remise à l'heure"
    assert labels.PARTNERS["spip"] == "SPIP (probation)"
    assert labels.PARTNERS["association"] == "Associations"
