"""The bench's arithmetic: verdicts, ratios, percentiles, the table and the Dagster log
breakdown (no timing here: benchmarks run in ``make bench``, never as tests)."""

from __future__ import annotations

import json
import math

from bench.figures import Figure, failed_figure, render_table, write_json
from bench.timing import percentile
from bench.upload_to_dashboard import where_the_seconds_go


def test_a_value_target_passes_or_fails_on_the_value():
    assert Figure("P1a", "receipt", 150, "ms", baseline=10, target_op="<=", target=200).passed is True
    assert Figure("P1a", "receipt", 250, "ms", baseline=10, target_op="<=", target=200).passed is False


def test_a_ratio_target_uses_value_over_baseline():
    fig = Figure("P3b", "dbt ÷ direct", 90, "s", baseline=75, target_op="<=", target=1.6, target_on="ratio")
    assert math.isclose(fig.ratio, 1.2) and fig.passed is True
    slow = Figure("P1b", "validation", 4_000, "rows/s", baseline=400_000, target_op=">=", target=0.5,
                  target_on="ratio")
    assert slow.passed is False


def test_a_benchmark_that_could_not_run_fails_with_its_reason():
    fig = failed_figure("P2a", "upload → dashboard", "s", TimeoutError("not published after 180 s"),
                        target_op="<=", target=15)
    assert fig.passed is False and math.isnan(fig.value) and "TimeoutError" in fig.note
    assert "FAIL" in render_table([fig]) and "not published after 180 s" in render_table([fig])


def test_a_figure_without_target_is_information_only():
    assert Figure("X", "info", 1.0, "s").passed is None
    assert "info" in render_table([Figure("X", "info", 1.0, "s")])


def test_percentiles_are_observed_values_nearest_rank():
    samples = list(range(1, 21))  # 1..20
    assert percentile(samples, 95) == 19
    assert percentile(samples, 50) == 10
    assert percentile([7.0], 95) == 7.0
    assert math.isnan(percentile([], 95))


def test_the_json_file_holds_every_figure_with_its_verdict(tmp_path):
    figures = [Figure("P1a", "receipt", 150, "ms", baseline=10, target_op="<=", target=200),
               Figure("P4", "incremental", 30, "s", baseline=10, target_op="<=", target=2, target_on="ratio")]
    path = tmp_path / "latest.json"
    write_json(figures, path, context={"cpus": 2})
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["passed"], data["failed"]) == (1, 1)
    assert [(f["key"], f["passed"], f["ratio"]) for f in data["figures"]] == [("P1a", True, 15.0), ("P4", False, 3.0)]


def test_the_daemon_log_gives_each_phase_of_a_landing_run():
    log = "\n".join([
        "2026-11-26 16:25:17 +0000 - dagster.daemon.SensorDaemon - INFO - Creating new run for landing_sensor",
        "2026-11-26 16:25:26 +0000 - dagster.daemon.SensorDaemon - INFO - Launching run for landing_sensor",
        "2026-11-26 16:25:37 +0000 - dagster.daemon.QueuedRunCoordinatorDaemon - INFO - Launched 1 runs.",
        "2026-11-26 16:25:48 +0000 - dagster - DEBUG - ingest_build_publish - a1 - 1 - RUN_START - Started",
        '2026-11-26 16:26:17 +0000 - dagster - DEBUG - ingest_build_publish - a1 - 1 - warehouse_models - '
        'STEP_SUCCESS - Finished execution of step "warehouse_models" in 23.45s.',
        "2026-11-26 16:26:20 +0000 - dagster - DEBUG - ingest_build_publish - a1 - 1 - RUN_SUCCESS - Finished",
    ])
    assert where_the_seconds_go(log) == {
        "sensor_saw_upload → run_created": 9.0,
        "run_created → run_dequeued_and_launched": 11.0,
        "run_dequeued_and_launched → run_worker_started": 11.0,
        "run_worker_started → run_finished": 32.0,
        "step warehouse_models": 23.45,
    }
