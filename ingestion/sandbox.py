"""Parse untrusted files in long-lived, resource-limited worker processes.

Why a separate process: a crafted XLSX can make calamine abort (SIGABRT) or exhaust memory,
and neither is catchable by ``except``. Why long-lived workers rather than one fresh Python
per file: the Thursday burst needs a receipt within ~200 ms, and starting an interpreter that
imports the readers costs more than that. Why plain subprocesses rather than
``multiprocessing``: its spawn/forkserver modes re-import the caller's ``__main__`` (a
Streamlit script, a test runner) in the worker, and fork from a threaded server is unsafe.

Each worker (:mod:`ingestion.sandbox_worker`) limits its own address space and CPU time
before it reads anything; the server also enforces a wall-clock timeout. Replies are JSON,
never pickle: the worker touches hostile bytes, so the server must not unpickle what it
says. A worker that dies, overruns or runs out of memory is discarded and replaced; the
file gets a clean French rejection.
"""

from __future__ import annotations

import json
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time
from typing import Any

from data_contracts.settings import Settings, get_settings
from ingestion.readers.table import ParsedTable, failed, table_from_wire
from ingestion.sandbox_worker import FRAME
from ingestion.screening import timed_out

#: A worker is replaced after this many files, so slow leaks never accumulate.
MAX_TASKS_PER_WORKER = 500
#: Starting a worker (interpreter + readers) may take this long on a loaded machine.
STARTUP_TIMEOUT = 30.0
#: Loading the NER model, once per worker on the first file with free text (about 2 s of CPU).
MODEL_LOAD_ALLOWANCE = 20.0
#: One core per worker: the NER model's numeric libraries would otherwise start a thread per
#: core, and one hostile file could take the whole machine instead of one worker's CPU.
SINGLE_THREADED = {name: "1" for name in (
    "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
    "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")}


class WorkerDied(Exception):
    """The worker ended while parsing (its return code — negative for a signal — in args[0])."""


class WorkerTimedOut(Exception):
    """The worker did not answer in time and was killed (args[0]: "parse" or "screening")."""


class _Worker:
    def __init__(self, memory_bytes: int):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ingestion.sandbox_worker", str(memory_bytes)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            close_fds=True, start_new_session=True, env={**os.environ, **SINGLE_THREADED})
        self.tasks = 0
        self._stdin = self.process.stdin.fileno()
        self._stdout = self.process.stdout.fileno()
        self._read_frame(time.monotonic() + STARTUP_TIMEOUT)  # the "ready" handshake

    def _read_exactly(self, size: int, deadline: float, phase: str = "parse") -> bytes:
        chunks, remaining = [], size
        while remaining:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._stdout], [], [], left)[0]:
                self.kill()
                raise WorkerTimedOut(phase)
            chunk = os.read(self._stdout, min(remaining, 1 << 20))
            if not chunk:
                self.kill()
                raise WorkerDied(self.process.returncode)
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _read_frame(self, deadline: float, phase: str = "parse") -> dict[str, Any]:
        (size,) = FRAME.unpack(self._read_exactly(FRAME.size, deadline, phase))
        return json.loads(self._read_exactly(size, deadline, phase))

    def run(self, header: dict[str, Any], content: bytes, timeout: float,
            screening_timeout: float = 0.0) -> dict[str, Any]:
        self.tasks += 1
        head = json.dumps(dict(header, size=len(content))).encode()
        try:
            data = memoryview(FRAME.pack(len(head)) + head + content)
            while data:
                data = data[os.write(self._stdin, data):]
        except OSError:
            self.kill()
            raise WorkerDied(self.process.returncode) from None
        reply = self._read_frame(time.monotonic() + timeout)
        if reply.get("status") == "screening":
            reply = self._read_frame(time.monotonic() + screening_timeout, "screening")
        return reply

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


class SandboxPool:
    """A small, thread-safe pool of parse workers, started on first use, replaced when
    they die. Safe in threaded servers (Streamlit): each request borrows one worker."""

    def __init__(self, size: int, memory_bytes: int):
        self.size, self.memory_bytes = size, memory_bytes
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._alive = 0

    def _acquire(self) -> _Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            grow = self._alive < self.size
            if grow:
                self._alive += 1
        if not grow:
            return self._idle.get()
        try:
            return _Worker(self.memory_bytes)
        except BaseException:
            with self._lock:
                self._alive -= 1
            raise

    def _release(self, worker: _Worker, keep: bool) -> None:
        if keep and worker.process.poll() is None and worker.tasks < MAX_TASKS_PER_WORKER:
            self._idle.put(worker)
            return
        worker.kill()
        with self._lock:
            self._alive -= 1

    def warm_up(self) -> None:
        """Start one worker now and load its NER model (servers call this at start-up; the
        first receipt, with free text or not, is then fast)."""
        worker = self._acquire()
        keep = False
        try:
            reply = worker.run({"warm": True, "cpu_seconds": MODEL_LOAD_ALLOWANCE}, b"",
                               STARTUP_TIMEOUT + MODEL_LOAD_ALLOWANCE)
            keep = reply.get("status") == "ok"
        except (WorkerDied, WorkerTimedOut):
            pass  # the next file starts a fresh worker and gets the usual clean rejection if any
        finally:
            self._release(worker, keep)

    def run(self, header: dict[str, Any], content: bytes, timeout: float,
            screening_timeout: float = 0.0) -> dict[str, Any]:
        worker = self._acquire()
        keep = False
        try:
            reply = worker.run(header, content, timeout, screening_timeout)
            keep = reply.get("status") == "ok"
            return reply
        finally:
            self._release(worker, keep)

    def close(self) -> None:
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            self._release(worker, keep=False)


_pools: dict[tuple[int, int], SandboxPool] = {}
_pools_lock = threading.Lock()


def pool_for(settings: Settings) -> SandboxPool:
    """This process's pool for these limits (a forked child builds its own)."""
    key = (os.getpid(), settings.parse_memory_bytes)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            pool = _pools[key] = SandboxPool(size=max(1, min(4, os.cpu_count() or 1)),
                                             memory_bytes=settings.parse_memory_bytes)
        return pool


def warm_up(settings: Settings | None = None) -> None:
    """Start a parse worker now, so that the first receipt of a server (the upload page,
    Dagster) does not pay the worker's start-up."""
    pool_for(settings or get_settings()).warm_up()


def parse_file(content: bytes, filename: str, kind: str, settings: Settings | None = None) -> ParsedTable:
    """Read ``content`` in a sandboxed worker. Whatever the file does to the worker, this
    returns a table or a French rejection; it never raises because of the file's content."""
    settings = settings or get_settings()
    timeout, budget = settings.parse_timeout_seconds, settings.free_text_budget_seconds
    # The worker keeps the free-text budget itself and answers with a clean refusal; the
    # server's clock and the CPU limit allow a first model load on top, and kill beyond.
    screening_timeout = budget + MODEL_LOAD_ALLOWANCE
    header = {"filename": filename, "kind": kind, "max_rows": settings.max_rows,
              "cpu_seconds": timeout, "free_text_budget": budget,
              "screening_cpu_seconds": screening_timeout}
    try:
        reply = pool_for(settings).run(header, content, timeout, screening_timeout)
    except WorkerTimedOut as overrun:
        if overrun.args and overrun.args[0] == "screening":
            return timed_out("unknown", budget)
        return failed("unknown", "parse_timeout",
                      f"Lecture du fichier interrompue après {timeout:g} s : le fichier est trop "
                      "lourd ou piégé. Copiez les données dans le modèle vierge (`cipd template`) "
                      "et déposez-le.")
    except WorkerDied as died:
        return failed("unknown", "unreadable_file", _died_message(died.args[0] if died.args else None))
    if reply.get("status") == "ok":
        return table_from_wire(reply["table"])
    if reply.get("status") == "memory":
        return failed("unknown", "file_too_complex",
                      "Le fichier demande trop de mémoire pour être lu (fichier piégé ou démesuré) : "
                      "copiez les données dans le modèle vierge (`cipd template`) et déposez-le.")
    return failed("unknown", "unreadable_file",
                  "Le fichier n'a pas pu être lu : ré-enregistrez-le depuis Excel (« Classeur "
                  "Excel (.xlsx) » ou « CSV UTF-8 ») puis déposez-le à nouveau.")


def _died_message(returncode: int | None) -> str:
    if returncode == -signal.SIGXCPU:
        cause = "temps de calcul dépassé"
    elif returncode is not None and returncode < 0:
        cause = "le lecteur s'est arrêté brutalement"
    else:
        cause = "le lecteur s'est arrêté"
    return (f"Le fichier n'a pas pu être lu ({cause} : fichier corrompu ou piégé). "
            "Ouvrez-le dans Excel, « Enregistrer sous » au format « Classeur Excel (.xlsx) » ou "
            "« CSV UTF-8 », puis déposez-le à nouveau.")
