"""Thursday noon: every département uploads, some twice (double clicks), some correct their
report, through the real submit path, while a writer process loads, builds and publishes and is
SIGKILLed at random points. Every acknowledged upload must end in the warehouse and the
published marts exactly once, with the latest version of each report shown.

Fast variant (``make test``): the 101 départements, 40 more uploads, 20 kills.
Soak (``make soak``): the 101, then 1,000 uploads within 60 s, 60 kills.
"""

from __future__ import annotations

import pytest

from burst import BASE, figures_row, plan_burst, run_burst, verify

RECEIPT_P95_LIMIT_SECONDS = 2.0
#: Bounds on resident memory: the submitting process (pytest + threads) and any one writer.
SUBMIT_SIDE_LIMIT_MIB = 1500
WRITER_LIMIT_MIB = 1500


def _assert_nothing_lost(verification, outcome) -> None:
    assert verification.unanswered == []
    assert verification.losses == [], "acknowledged but missing from the warehouse or the marts"
    assert verification.duplicates == [], "loaded more than once"
    assert verification.stale_reports == [], "the marts do not show the latest version"
    assert outcome.percentile(95) < RECEIPT_P95_LIMIT_SECONDS, outcome.receipt_seconds[-10:]


def _assert_memory_bounded(outcome) -> None:
    assert outcome.submit_peak_kib < SUBMIT_SIDE_LIMIT_MIB * 1024
    assert outcome.writer_peak_kib < WRITER_LIMIT_MIB * 1024


def test_burst_of_101_with_corrections_double_clicks_and_20_kills(fast_burst, figures):
    outcome, verification = fast_burst.outcome, fast_burst.verification
    figures.append(figures_row("burst 101 + 41, 20 kills", outcome, verification))
    assert len(outcome.kills) == 20 and outcome.invariant_checks == 20
    assert {a.receipt.status for a in outcome.answers} == {"accepted", "duplicate"}
    _assert_nothing_lost(verification, outcome)
    _assert_memory_bounded(outcome)


@pytest.mark.soak
def test_soak_1000_uploads_within_60_seconds_with_60_kills(tmp_path, figures):
    plan = plan_burst(1126, first_window=20.0, extra_uploads=1000, extra_window=60.0,
                      double_click_share=0.3)
    outcome = run_burst(tmp_path / "home", plan, base=BASE, kills=60, seed=12)
    verification = verify(tmp_path / "home", outcome)
    figures.append(figures_row("burst 101 + 1001 in 60 s, 60 kills", outcome, verification))
    extras = [u.at for u in plan if u.intent != "first"]
    assert max(extras) - min(extras) <= 61.0  # 1,000 within 60 s, then the canary 0.5 s after
    _assert_nothing_lost(verification, outcome)
    _assert_memory_bounded(outcome)
