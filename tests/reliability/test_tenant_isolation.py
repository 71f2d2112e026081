"""Tenant isolation and small counts end to end, on the real marts the Thursday burst built and
published: a département's (or a region's) reader never sees, on any page or in any download,
a row of another département (canary values searched in everything), never sees a count from
1 to the threshold that it did not send (its own figures are exact; hidden cells read « s »),
and every download is in the audit trail. The national role is the
positive control: it does see the canary.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import polars as pl
import pytest
import streamlit
from burst import CANARY, CANARY_COMMENT, CANARY_FAMILIES, CANARY_STOCK
from published import published_copy
from streamlit.elements.widgets.button import ButtonMixin
from streamlit.testing.v1 import AppTest

from dashboards.small_counts import count_columns
from data_contracts.disclosure import is_small
from data_contracts.labels import COLUMNS
from data_contracts.settings import get_settings
from storage.audit import read_events

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dashboards"))
from dashboard_app import APP, APP_TIMEOUT, LOGINS  # noqa: E402
from page_text import visible_text  # noqa: E402

PAGES = ("vue_nationale", "remontees", "fiche_departement", "suivis_actions", "bonnes_pratiques")
BELOW_NATIONAL = ("departement:69", "region:84")  # 13 is in region 93


def canary_texts() -> list[str]:
    """The canary's values as any page may print them (raw, or with French digit grouping)."""
    values = [CANARY_COMMENT]
    for number in (CANARY_STOCK, CANARY_FAMILIES):
        grouped = f"{number:,}"
        values += [str(number), *(grouped.replace(",", sep) for sep in (" ", "\u202f", "\xa0"))]
    return values


@pytest.fixture(scope="module")
def published(fast_burst, tmp_path_factory):
    """The burst's real marts (canary included) with the demo accounts, as CIPD_HOME."""
    with published_copy(fast_burst.home, tmp_path_factory.mktemp("isolation") / "home") as settings:
        yield settings


@pytest.fixture
def downloads(monkeypatch, no_component_scan) -> list[tuple[str, bytes]]:
    """Every file a page offers, produced as if clicked: (file name, bytes)."""
    captured: list[tuple[str, bytes]] = []
    original = ButtonMixin.download_button

    def recording(self, label, data, *args, **kwargs):
        content = data() if callable(data) else data
        captured.append((kwargs.get("file_name") or label,
                         content.encode() if isinstance(content, str) else bytes(content)))
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(ButtonMixin, "download_button", recording)
    monkeypatch.setattr(streamlit, "download_button",
                        lambda *args, **kwargs: recording(streamlit._main, *args, **kwargs))
    return captured


def run_page(role: str, page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT)
    at.session_state["_cipd_login"] = LOGINS[role]
    if query:
        at.query_params.update(query)
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def file_text(name: str, content: bytes) -> str:
    """A download as searchable text (an XLSX is a zip of XML parts)."""
    if name.endswith(".xlsx"):
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return "\n".join(book.read(part).decode("utf-8", "replace") for part in book.namelist())
    return content.decode("utf-8-sig", "replace")


def shown_frames(at: AppTest) -> list[pl.DataFrame]:
    return [pl.from_pandas(frame.value) for frame in at.dataframe]


@pytest.mark.parametrize("forged", [False, True], ids=["plain", "forged-url"])
@pytest.mark.parametrize("role", BELOW_NATIONAL)
@pytest.mark.parametrize("page", PAGES)
def test_below_national_no_other_departement_and_no_small_count(published, downloads, role, page,
                                                                  forged):
    """Canary values searched in the page and every download; small counts looked for in every
    table shown and every CSV downloaded."""
    at = run_page(role, page, query={"departement": CANARY, "role": "national"} if forged else None)
    everything = visible_text(at) + "\n".join(file_text(n, c) for n, c in downloads)
    if not forged:
        assert downloads, "the page offers no download: nothing was searched"
    for canary in canary_texts():
        assert canary not in everything, f"{canary} reached {role} on {page}"
    threshold = get_settings().small_count_threshold
    counts = set(count_columns())
    for frame in shown_frames(at) + [technical_headers(pl.read_csv(
                                         io.BytesIO(c), separator=";", encoding="utf8-lossy",
                                         infer_schema_length=None))
                                     for n, c in downloads if n.endswith(".csv")]:
        frame = not_own(frame, role, page)
        for column in counts & set(frame.columns):
            values = [v for v in map(as_count, frame[column].to_list()) if v is not None]
            assert not any(is_small(v, threshold) for v in values), (role, page, column, values)


def as_count(value) -> float | None:
    """A count as a table or a CSV shows it: a number, or text (« s » and « — » are not)."""
    if isinstance(value, (int, float)):
        return value
    try:
        return float(str(value).replace("\u202f", "").replace(",", "."))  # « 9 830 », « 1,5 »
    except ValueError:
        return None


def technical_headers(frame: pl.DataFrame) -> pl.DataFrame:
    """A download's French headers back to the marts' names, for the columns searched here."""
    names = [*count_columns(), "departement_code", "region_code", "week_code", "month_code"]
    technical: dict[str, str] = {}
    for name in names:
        technical.setdefault(COLUMNS.get(name, name), name)
    return frame.rename({c: technical[c] for c in frame.columns if c in technical})


def not_own(frame: pl.DataFrame, role: str, page: str) -> pl.DataFrame:
    """The rows a département reader did not send: its own figures are shown exactly (it sent
    them; its sheet holds nothing else, the canary search above makes sure); elsewhere a
    result without a département column holds totals (region, nation)."""
    kind, _, code = role.partition(":")
    if kind == "departement" and page == "fiche_departement":
        return frame.clear()
    if kind == "departement" and "departement_code" in frame.columns:
        return frame.filter(pl.col("departement_code").cast(pl.String) != code)
    if kind == "departement" and "region_code" in frame.columns and "week_code" not in frame.columns:
        return frame.clear()  # sums over the reader's own départements (its monthly figures)
    return frame


def test_the_national_role_sees_the_canary_and_exact_small_counts(published, downloads):
    at = run_page("national", "fiche_departement", query={"departement": CANARY})
    everything = visible_text(at) + "\n".join(file_text(n, c) for n, c in downloads)
    stock = canary_texts()[1:5]  # CANARY_STOCK, raw or grouped as a page or a download prints it
    assert any(t in everything for t in stock)  # the canary is findable: its absence above means something
    frames = shown_frames(at)
    small = [v for frame in frames for c in set(count_columns()) & set(frame.columns)
             for v in map(as_count, frame[c].to_list()) if v is not None and is_small(v, 10)]
    assert small, "the national role sees exact counts, small ones included"


def test_a_regions_small_counts_read_s_and_rows_stay(published, downloads):
    """The check above is not vacuous: the sheet a region reads carries count columns, some
    of whose cells are hidden (« s ») while the rows stay."""
    at = run_page("region:84", "fiche_departement")
    counts = set(count_columns())
    columns = [(frame, c) for frame in shown_frames(at) for c in counts & set(frame.columns)]
    assert columns
    assert any("s" in frame[c].cast(pl.String).to_list() for frame, c in columns)


def test_a_departement_reads_its_own_small_counts_exactly(published, downloads):
    at = run_page("departement:69", "fiche_departement")
    counts = set(count_columns())
    small = [v for frame in shown_frames(at) for c in counts & set(frame.columns)
             for v in map(as_count, frame[c].to_list()) if v is not None and is_small(v, 10)]
    assert small, "a département sees its own figures, small ones included"


def test_every_download_is_in_the_audit_trail(published, downloads):
    settings = get_settings()
    _, start = read_events(settings)
    run_page("departement:69", "remontees")
    events, _ = read_events(settings, start)
    exports = [e for e in events if e["action"] == "export"]
    data_files = [n for n, _ in downloads if n.endswith((".csv", ".xlsx"))]
    assert sorted(e["detail"]["file"] for e in exports) == sorted(data_files)
    assert {e["actor"] for e in exports} == {"web:demo-departement"}
    assert {e["departement"] for e in exports} == {"69"}


def test_caches_are_keyed_by_role(published, downloads):
    """The national role reads the canary first; a département reader asking the same thing
    next must not be served the national answer from a cache."""
    from accounts.roles import Role
    from dashboards import queries

    week = queries.current_week()
    national = queries.weekly_by_departement(Role.parse("national"), week)
    assert CANARY in set(national["departement_code"])
    own = queries.weekly_by_departement(Role.parse("departement:69"), week)
    assert set(own["departement_code"]) == {"69"}
    run_page("national", "fiche_departement", query={"departement": CANARY})
    at = run_page("departement:69", "fiche_departement", query={"departement": CANARY})
    assert not any(t in visible_text(at) for t in canary_texts()[1:5])


def test_readers_below_national_are_told_why_cells_are_empty(published, downloads):
    note = "Secret statistique : les effectifs de 1 à 10 sont masqués"
    assert any(note in c.value for c in run_page("departement:69", "remontees").sidebar.caption)
    assert not any(note in c.value for c in run_page("national", "remontees").sidebar.caption)
