"""Per-token throttling: a token bucket per API token, in the server's memory.

Why a bucket rather than a fixed window: a préfecture's system may send its week's files in a
quick burst (``api_burst``), then is held to ``api_requests_per_minute``; a refusal says when
to come back (``Retry-After``). One uvicorn process serves the API, so memory is the right
home: a restart forgets the counts, which only ever lets a client in earlier.
"""

from __future__ import annotations

import math
import threading
import time


class TokenBuckets:
    """``allow(key)`` spends one call of ``key``'s bucket: 0 when allowed, else the seconds to
    wait (whole, at least 1) before the next call can be."""

    def __init__(self, per_minute: int, burst: int, clock=time.monotonic):
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._guard = threading.Lock()

    def allow(self, key: str) -> int:
        now = self._clock()
        with self._guard:
            level, since = self._buckets.get(key, (self.burst, now))
            level = min(self.burst, level + (now - since) * self.rate)
            if level >= 1.0:
                self._buckets[key] = (level - 1.0, now)
                return 0
            self._buckets[key] = (level, now)
            return max(1, math.ceil((1.0 - level) / self.rate))
