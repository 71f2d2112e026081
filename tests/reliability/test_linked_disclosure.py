"""Protection decided over a whole view (data_contracts.linked_disclosure) and its proof by
linear programming (data_contracts.disclosure_audit), on small hand-made regions: the two
attacks of issue 13 (total − own across tables, the stock identity across weeks) succeed
against primary suppression alone and fail against the view's protection."""

from __future__ import annotations

from data_contracts.disclosure_audit import audit_departement_view, audit_region_view, repair_region_view
from data_contracts.linked_disclosure import (
    NATIONAL, REGION, WEEKLY_MEASURES, RegionPanel, protect_departement_view)

THRESHOLD = 10
WEEKS = tuple(f"2026-W{n:02d}" for n in range(10, 16))


def panel_of(series: dict[str, list[dict[str, int]]]) -> RegionPanel:
    """A region from each département's weekly figures (the region's and the nation's
    totals summed; the nation adds a large rest of the country)."""
    panel = RegionPanel("94", tuple(series), WEEKS, {w: "2026-03" for w in WEEKS})
    for code, weeks in series.items():
        for week, figures in zip(WEEKS, weeks):
            for measure in WEEKLY_MEASURES:
                panel.values[(code, week, measure)] = figures[measure]
    for week in WEEKS:
        for measure in WEEKLY_MEASURES:
            total = sum(panel.values[(code, week, measure)] for code in series)
            panel.values[(REGION, week, measure)] = total
            panel.values[(NATIONAL, week, measure)] = total + 5000
    return panel


def weeks_of(stock: int, new: list[int], closed: list[int], minors: int = 0) -> list[dict[str, int]]:
    """A series that follows stock_t = stock_{t−1} + new − closed (CNAPR holds the new)."""
    result = []
    for n, c in zip(new, closed):
        stock = stock + n - c
        result.append({"signalements_cnapr": n, "signalements_locaux": 0, "nouveaux_signalements": n,
                       "dont_mineurs": min(minors, n), "orientations_judiciaires": 0,
                       "suivis_en_cours": stock, "suivis_clos": c, "familles_accompagnees": 40})
    return result


def corse() -> RegionPanel:
    return panel_of({"2A": weeks_of(300, [31, 30, 28, 33, 29, 30], [25, 28, 30, 27, 31, 26]),
                     "2B": weeks_of(80, [3, 0, 5, 2, 0, 4], [2, 4, 1, 0, 3, 2])})


def test_total_minus_own_gives_the_other_departement_without_linked_protection():
    panel = corse()
    primary_only = {c for c, v in panel.values.items() if c[0] == REGION and 1 <= v <= THRESHOLD}
    result = audit_departement_view(panel, "2A", primary_only, THRESHOLD, "departement:2A")
    recovered = {(i.cell[1], i.cell[2]) for i in result.disclosed}
    assert ("2026-W10", "nouveaux_signalements") in recovered  # 34 − 31 = 3, exactly


def test_departement_view_hides_the_region_total_that_would_reveal_the_other():
    panel = corse()
    hidden = protect_departement_view(panel, "2A", THRESHOLD)
    assert (REGION, "2026-W10", "nouveaux_signalements") in hidden
    result = audit_departement_view(panel, "2A", hidden, THRESHOLD, "departement:2A")
    assert result.sensitive > 0 and result.disclosed == []


def test_departement_view_hides_only_region_totals_never_the_readers_own_figures():
    hidden = protect_departement_view(corse(), "2A", THRESHOLD)
    assert hidden and {unit for unit, _, _ in hidden} == {REGION}


def one_departement() -> RegionPanel:
    """A region of one département: its totals are its figures, so only weeks link cells."""
    return panel_of({"01": weeks_of(84, [0, 12, 0, 14, 0, 15], [4, 3, 0, 2, 5, 1])})


def test_stock_identity_gives_hidden_closings_without_linked_protection():
    panel = one_departement()
    primary_only = {c for c, v in panel.values.items() if c[0] in ("01", REGION) and 1 <= v <= THRESHOLD}
    result = audit_region_view(panel, primary_only, THRESHOLD, "region:84")
    # W11: 80 → 89 with 12 new ⇒ 3 closed
    assert ("01", "2026-W11", "suivis_clos") in {i.cell for i in result.disclosed}


def test_region_view_protection_leaves_no_cell_narrower_than_the_threshold():
    panel = one_departement()
    hidden, _ = repair_region_view(panel, THRESHOLD)
    assert ("01", "2026-W11", "suivis_en_cours") in hidden
    result = audit_region_view(panel, hidden, THRESHOLD, "region:84")
    assert result.sensitive > 0 and result.disclosed == []
    assert result.narrowest.width >= THRESHOLD
