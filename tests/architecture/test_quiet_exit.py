"""The test command ends quietly after its summary (DuckDB's nanobind noise) and keeps its status."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SUPPORT = Path(__file__).resolve().parents[1] / "support"

#: Stands for nanobind's finalisation output: printed by an exit handler registered during the run.
NOISY_TEST = '''
import atexit
atexit.register(lambda: print("nanobind: leaked 3 instances!"))

def test_passes():
    assert True

def test_outcome():
    assert {outcome}
'''


def _run_pytest(tmp_path: Path, outcome: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_noisy.py").write_text(NOISY_TEST.format(outcome=outcome))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "quiet_exit",
         "--rootdir", str(tmp_path), "-c", "/dev/null", str(tmp_path)],
        capture_output=True, text=True, timeout=120, env={"PYTHONPATH": str(SUPPORT), "PATH": "/usr/bin:/bin",
                                                         "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        cwd=tmp_path)


@pytest.mark.parametrize(("outcome", "summary", "status"), [("True", "2 passed", 0), ("False", "1 failed, 1 passed", 1)])
def test_pytest_exits_after_its_summary_without_exit_time_noise_and_keeps_its_status(tmp_path, outcome, summary, status):
    result = _run_pytest(tmp_path, outcome)
    last_line = result.stdout.strip().splitlines()[-1]
    assert summary in last_line, result.stdout
    assert "nanobind" not in result.stdout + result.stderr
    assert result.returncode == status
