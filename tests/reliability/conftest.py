"""Fixtures of the reliability tests, and the table of figures they report.

Each burst test adds one row (uploads, kills, losses, duplicates, p50/p95 receipt time, peak
memory) with the ``figures`` fixture; the table is printed at the end of the run, so ``make
soak`` and ``make test`` both show what the hub actually did, not only that it passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from burst import BASE, BurstOutcome, Verification, plan_burst, run_burst, verify

_ROWS: list[dict] = []


@dataclass(frozen=True)
class BurstRun:
    home: Path
    outcome: BurstOutcome
    verification: Verification


@pytest.fixture(scope="session")
def fast_burst(tmp_path_factory) -> BurstRun:
    """The fast Thursday burst (101 départements, 40 corrections and double clicks, 20 kills
    of the writer), run once: its test checks it, the rebuild tests start from its warehouse."""
    home = tmp_path_factory.mktemp("burst") / "home"
    plan = plan_burst(2026, first_window=12.0, extra_uploads=40, extra_window=10.0,
                      double_click_share=0.5)
    # kills during publishing need a whole dbt build first: left to the soak
    outcome = run_burst(home, plan, base=BASE, kills=20, seed=48,
                        kill_targets={"ingest": (0.7, 0.5), "build": (0.3, 3.0)})
    return BurstRun(home, outcome, verify(home, outcome))


@pytest.fixture(scope="session")
def figures() -> list[dict]:
    return _ROWS


def format_table(rows: list[dict]) -> str:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    widths = {c: max(len(c), *(len(str(row.get(c, ""))) for row in rows)) for c in columns}
    line = " | ".join(c.ljust(widths[c]) for c in columns)
    rule = "-+-".join("-" * widths[c] for c in columns)
    body = [" | ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns) for row in rows]
    return "\n".join([line, rule, *body])


def pytest_terminal_summary(terminalreporter) -> None:
    if _ROWS:
        terminalreporter.section("reliability figures")
        terminalreporter.write_line(format_table(_ROWS))


@pytest.fixture
def no_component_scan(monkeypatch) -> None:
    """Each AppTest scans installed packages for custom components (~2 s); the dashboards use
    none."""
    from streamlit.components.v2.component_manager import BidiComponentManager

    monkeypatch.setattr(BidiComponentManager, "discover_and_register_components",
                        lambda self, **kwargs: None)
