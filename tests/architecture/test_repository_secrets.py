"""The Streamlit secrets file (OIDC client secret, cookie secret) can never be committed."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_streamlit_secrets_file_is_ignored_by_git():
    check = subprocess.run(["git", "check-ignore", "--no-index", "-q", ".streamlit/secrets.toml"],
                           cwd=REPO, capture_output=True, text=True)
    assert check.returncode == 0, "add .streamlit/secrets.toml to .gitignore"
