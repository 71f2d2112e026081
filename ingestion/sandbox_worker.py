"""The parse worker's main loop (``python -m ingestion.sandbox_worker``).

It limits itself before reading any request (address space, CPU, no core dumps), then
serves requests on stdin/stdout with a length-prefixed framing and JSON replies. A file with
free text gets two frames: ``{"status": "screening"}`` once parsed (the server's deadline and
the CPU limit switch to the free-text budget), then the reply. Launched
by :mod:`ingestion.sandbox`, which explains why it exists.
"""

from __future__ import annotations

import json
import math
import os
import resource
import signal
import struct
import sys

FRAME = struct.Struct(">I")


def apply_process_limits(memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def renew_cpu_budget(seconds: float) -> None:
    """RLIMIT_CPU counts the process's whole life; move the soft limit to "used + budget"
    before each file so a long-lived worker gets the same budget for every file."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(usage.ru_utime + usage.ru_stime + seconds)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def read_exactly(fd: int, size: int) -> bytes | None:
    chunks, remaining = [], size
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def write_frame(fd: int, payload: bytes) -> None:
    data = memoryview(FRAME.pack(len(payload)) + payload)
    while data:
        data = data[os.write(fd, data):]


def serve(memory_bytes: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's business
    apply_process_limits(memory_bytes)
    from ingestion.readers.dispatch import read_table
    from ingestion.readers.table import table_to_wire
    from ingestion.screening import free_text_cells, screen_cells

    stdin, stdout = sys.stdin.fileno(), sys.stdout.fileno()
    write_frame(stdout, b'{"status": "ready"}')
    while True:
        size = read_exactly(stdin, FRAME.size)
        if size is None:
            return
        header = json.loads(read_exactly(stdin, FRAME.unpack(size)[0]) or b"null")
        content = read_exactly(stdin, header["size"])
        if content is None:
            return
        renew_cpu_budget(header["cpu_seconds"])
        if header.get("warm"):  # a server starting up: load the NER model now, not on a receipt
            from data_contracts.free_text import load_model

            load_model()
            write_frame(stdout, b'{"status": "ok"}')
            continue
        try:
            table = read_table(content, header["filename"], header["kind"], header["max_rows"])
            cells = free_text_cells(header["kind"], table) if table.header else []
            if cells:  # tell the server: its clock switches to the free-text budget
                write_frame(stdout, b'{"status": "screening"}')
                renew_cpu_budget(header["screening_cpu_seconds"])
                table = screen_cells(table, cells, header["free_text_budget"])
            else:
                table.free_text_screened = True
            reply = {"status": "ok", "table": table_to_wire(table)}
        except (MemoryError, RecursionError):
            reply = {"status": "memory"}
        except Exception as exc:  # noqa: BLE001 - any reader bug becomes a clean rejection
            reply = {"status": "error", "detail": f"{type(exc).__name__}: {exc}"[:500]}
        del content
        try:
            payload = json.dumps(reply, ensure_ascii=False).encode("utf-8")
        except (UnicodeEncodeError, ValueError):  # text no UTF-8 can carry: refuse the file
            payload = b'{"status": "error", "detail": "unencodable text"}'
        except MemoryError:
            return
        write_frame(stdout, payload)
        if reply["status"] == "memory":
            return  # a worker that ran out of memory is not trusted with the next file


if __name__ == "__main__":
    serve(int(sys.argv[1]))
