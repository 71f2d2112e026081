"""P2's phase table from a landing run's event log (made by hand; no Dagster needed)."""

from __future__ import annotations

from bench.upload_to_dashboard import landing_run_phases


def test_each_phase_runs_from_one_mark_to_the_next():
    events = {"sub-1": [
        ("ASSET_MATERIALIZATION_PLANNED", None, 103.0), ("ASSET_CHECK_EVALUATION_PLANNED", None, 103.1),
        ("PIPELINE_ENQUEUED", None, 103.2), ("PIPELINE_STARTING", None, 103.7),
        ("PIPELINE_START", None, 104.0),
        ("STEP_START", "warehouse_models", 104.5), ("STEP_SUCCESS", "warehouse_models", 108.5),
        ("STEP_START", "serving_marts", 108.6), ("STEP_SUCCESS", "serving_marts", 109.1),
    ]}
    phases = landing_run_phases(events, submitted={"sub-1": 100.0}, seen={"sub-1": 109.4})
    assert phases == {
        "upload → run created": 3.0,
        "run created → queued": 0.2,
        "queued → launched": 0.5,
        "launched → run worker started": 0.3,
        "step warehouse_models": 4.0,
        "step serving_marts": 0.5,
        "published → seen by the dashboard": 0.3,
    }


def test_medians_over_rounds_and_rounds_without_a_run_are_left_out():
    def run(start: float, build: float) -> list:
        return [("ASSET_MATERIALIZATION_PLANNED", None, start), ("STEP_START", "warehouse_models", start + 1),
                ("STEP_SUCCESS", "warehouse_models", start + 1 + build)]

    events = {"a": run(10, 3.0), "b": run(20, 5.0), "c": run(30, 4.0)}
    phases = landing_run_phases(events, submitted={"a": 9.0, "b": 18.0, "c": 27.0, "lost": 1.0},
                                seen={"a": 20.0, "b": 30.0, "c": 40.0, "lost": 2.0})
    assert phases == {"upload → run created": 2.0, "step warehouse_models": 4.0}
