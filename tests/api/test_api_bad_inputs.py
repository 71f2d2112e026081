"""The ingestion tests' hostile-file corpus, sent over HTTP: the service survives each file
and answers 422 with the same French errors as the submit path."""

from __future__ import annotations

import pytest
from bad_input_cases import CASES
from ingestion_helpers import FIXTURES
from live_api import LiveApi

from data_contracts.settings import Settings
from tests_now import FROZEN_NOW


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """One server for the whole corpus, its throttle wide enough for every file and health check."""
    live = LiveApi(Settings(home=tmp_path_factory.mktemp("api_bad_inputs"), now=FROZEN_NOW,
                            api_burst=len(CASES) * 2)).start()
    with live.client(live.token("13", "corpus")) as http:
        yield http
    live.stop()


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_is_rejected_with_422_and_its_french_error(hostile, name):
    kind, _departement, expected = CASES[name]

    response = hostile.post(f"/v1/depots/{kind}", files={"fichier": (name, (FIXTURES / name).read_bytes())})

    assert response.status_code == 422
    assert {e["code"] for e in response.json()["errors"]} == expected
    assert all(" : " in e["message"] for e in response.json()["errors"])
    assert hostile.get("/health").status_code == 200
