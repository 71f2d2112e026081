"""The import contracts of pyproject.toml are live: they pass on the tree and fail on a wrong import.

Why a copy: the wrong import must not touch the checkout; the packages are small, so the test
copies them into ``tmp_path`` and runs ``lint-imports`` there with the same configuration.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = tuple(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
                 ["tool"]["importlinter"]["root_packages"])
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy_tree(tmp_path: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "results"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True,
                          env={"PATH": str(LINT_IMPORTS.parent), "PYTHONPATH": str(root)}, timeout=300)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    return _copy_tree(tmp_path_factory.mktemp("layers"))


def test_import_contracts_pass_on_the_tree(tree):
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("module", "wrong_import"), [
    ("ingestion/wrong.py", "def later():\n    from orchestration.warehouse import build\n"),
    ("data_contracts/wrong.py", "import storage.lock\n"),
    ("orchestration/wrong.py", "from dashboards import serving\n"),
    ("dashboards/wrong.py", "from ingestion import loader\n"),
])
def test_import_contracts_fail_on_an_import_against_the_order(tmp_path, module, wrong_import):
    root = _copy_tree(tmp_path)
    (root / module).write_text(wrong_import, encoding="utf-8")
    result = _lint(root)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
