"""P9: the disclosure audit of every role below national (18 regions, 101 départements) over
52 weeks of the real-volume warehouse, as ``cipd disclosure-audit`` runs it: each role's
protection decided as the dashboards decide it, then every cell it may not see exactly given
its interval by linear programming. A disclosed cell fails the row whatever the time.

Baseline: the same audit of primary suppression alone (no linked protection, no repair), so
the ratio says what deciding and proving the protection costs over solving the same LPs.
"""

from __future__ import annotations

import time

from bench.figures import Figure
from bench.homes import BenchHomes

WEEKS = 52


def _audit_all(settings, protected: bool) -> tuple[float, list]:
    from dashboards import protection
    from storage.published import serving_connection

    started = time.perf_counter()
    results, panels = [], {}
    with serving_connection(settings) as connection:
        for role in protection.audited_roles():
            region = role.region_codes[0]
            if region not in panels:
                panels[region] = protection.load_panel(connection, region)
            begun = time.perf_counter()
            result = protection.audit(panels[region], role, settings.small_count_threshold, WEEKS,
                                      protected=protected)
            result.seconds = time.perf_counter() - begun  # protection decided + audited
            results.append(result)
    return time.perf_counter() - started, results


def run(homes: BenchHomes) -> list[Figure]:
    settings = homes.real()
    seconds, results = _audit_all(settings, protected=True)
    disclosed = {r.role: len(r.disclosed) for r in results if r.disclosed}
    if disclosed:
        raise RuntimeError(f"disclosed cells: {disclosed}")
    baseline, unprotected = _audit_all(settings, protected=False)
    narrowest = min((r.narrowest.width for r in results if r.narrowest), default=float("nan"))
    return [Figure(
        "P9", f"disclosure audit, {len(results)} roles × {WEEKS} weeks", round(seconds, 1), "s",
        baseline=round(baseline, 1), baseline_label="same audit, primary suppression alone",
        target_op="<=", target=600,
        note=f"0 disclosed of {sum(r.sensitive for r in results)} small counts; narrowest interval "
             f"{narrowest:g}; without protection {sum(len(r.disclosed) for r in unprotected)} disclosed",
        details={"cells_checked": sum(r.cells_checked for r in results),
                 "small_counts": sum(r.sensitive for r in results),
                 "solves": sum(r.solves for r in results),
                 "slowest_roles_s": dict(sorted(((r.role, round(r.seconds, 1)) for r in results),
                                                key=lambda kv: -kv[1])[:5]),
                 "disclosed_without_protection": sum(len(r.disclosed) for r in unprotected)})]
