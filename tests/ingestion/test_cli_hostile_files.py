"""``cipd submit`` facing hostile files: a file name cannot repaint the terminal, and a huge
file is refused without being read into memory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cli.main import main
from cli.submit import read_upload
from ingestion_helpers import FIXTURES

FAKE_ACCEPTANCE = "Dépôt ACCEPTÉ."
#: Carriage return, erase line, green: redraws the line as an acceptance, then a bidi override.
PAINTING_NAME = f"x\r\x1b[2K\x1b[1;32m{FAKE_ACCEPTANCE}\x1b[0m\n\u202evsc.csv"


def test_escape_sequences_in_a_file_name_cannot_paint_a_fake_acceptance(cipd_home, tmp_path, capsys):
    hostile = tmp_path / PAINTING_NAME
    hostile.write_bytes((FIXTURES / "negative_count.csv").read_bytes())
    assert main(["submit", "weekly", str(hostile), "--departement", "13"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Dépôt REFUSÉ")
    assert not any(line.startswith(FAKE_ACCEPTANCE) for line in out.splitlines())
    assert not set(out) & {"\x1b", "\r", "\u202e"}
    assert f"« x{FAKE_ACCEPTANCE}vsc.csv »" in out  # the name, shown flat


def test_read_upload_stops_one_byte_past_the_limit_and_reports_the_real_size(tmp_path):
    sparse = tmp_path / "enorme.csv"
    with sparse.open("wb") as handle:
        handle.truncate(1 << 30)
    content, size = read_upload(sparse, 5 * 1024 * 1024)
    assert len(content) == 5 * 1024 * 1024 + 1 and size == 1 << 30


def test_read_upload_reads_a_file_within_the_limit_whole(tmp_path):
    small = tmp_path / "petit.csv"
    small.write_bytes(b"a;b\n1;2\n")
    assert read_upload(small, 5 * 1024 * 1024) == (b"a;b\n1;2\n", 8)


#: Runs argv[2:] and writes its peak RSS (KiB) to argv[1]. The measure must come from a small
#: parent: at exec, Linux carries the forking process's high-water RSS into the child's
#: ru_maxrss, so a child forked straight from this test process (large once a test has loaded
#: the NER model) would report at least the test's own size.
_PEAK_OF = ("import os, sys; pid = os.fork() or os.execv(sys.argv[2], sys.argv[2:]); "
            "_, status, usage = os.wait4(pid, 0); open(sys.argv[1], 'w').write(str(usage.ru_maxrss)); "
            "sys.exit(os.waitstatus_to_exitcode(status))")


def test_cli_refuses_a_sparse_1gb_file_in_french_without_reading_it(cipd_home, tmp_path):
    sparse = tmp_path / "enorme.csv"
    with sparse.open("wb") as handle:
        handle.truncate(1 << 30)
    out_path, peak_path = tmp_path / "out.txt", tmp_path / "peak_kib.txt"
    with out_path.open("w") as out:
        process = subprocess.run(
            [sys.executable, "-c", _PEAK_OF, str(peak_path), sys.executable, "-m", "cli.main", "submit",
             "weekly", str(sparse), "--departement", "13"],
            stdout=out, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[2], check=False)
    assert process.returncode == 1
    assert "Fichier trop volumineux (1024.0 Mo ; 5 Mo au plus)" in out_path.read_text(encoding="utf-8")
    peak_mib = int(peak_path.read_text()) / 1024  # KiB on Linux
    assert peak_mib < 400, f"cipd submit peaked at {peak_mib:.0f} MiB for a 1 GiB file"
