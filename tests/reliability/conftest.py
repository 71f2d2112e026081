"""Fixtures of the reliability tests, and the table of figures they report.

Each burst test adds one row (uploads, kills, losses, duplicates, p50/p95 receipt time, peak
memory) with the ``figures`` fixture; the table is printed at the end of the run, so ``make
soak`` and ``make test`` both show what the hub actually did, not only that it passed.
"""

from __future__ import annotations

import pytest

_ROWS: list[dict] = []


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
