"""A process's peak resident memory from a chosen moment, not since it was born.

Why not ``ru_maxrss``: Linux keeps the high-water mark across ``exec``, so a writer started from
a pytest process that had loaded the NER model reports pytest's peak, and pytest's own mark
holds whatever every earlier test loaded. ``/proc/self/clear_refs`` (``5``) resets the mark;
``VmHWM`` then reads the peak since that reset."""

from __future__ import annotations

import resource
from pathlib import Path


def reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:  # not Linux, or not allowed: fall back to the lifetime peak
        pass


def peak_kib() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
