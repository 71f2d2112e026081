"""Dagster's SQLite event log, minus the per-event engine, fsync and checkpoint.

Dagster's SQLite event log stores every event on its own: a new SQLAlchemy engine, a new
connection, a commit (an fsync), and on close a checkpoint (two more) — in the run's database
and again in the index for asset and check events. A landing run records about sixty "planned"
events when the daemon creates it (before it can be queued) and about a hundred and twenty more
while the dbt step reports its models and tests: on this machine one to five seconds each, the
largest share of the upload → dashboard latency once the run starts warm.

:class:`HubEventLogStorage` keeps Dagster's storage logic (``store_event``, the schema, the
files and their layout, every read) and changes only how it reaches SQLite:

* one engine and one open connection per database file (most recently used few), instead of a
  new engine per event;
* ``PRAGMA synchronous=NORMAL`` on them: in WAL mode a commit no longer waits for the disk,
  the database cannot be corrupted, and an operating-system crash or power cut may lose the
  last events written (never a landed upload or the warehouse: this is the run history);
* a batch Dagster hands over (``DAGSTER_EVENT_BATCH_SIZE``, which this storage sets unless the
  environment does) is one transaction per database; if it fails it is rolled back and Dagster
  stores the events one by one, as it always did;
* after each write to a run's database its file is touched: the UI's live log watches that
  file, which a connection kept open no longer rewrites at every event.

Connections are never carried across a fork: a forked child (see ``orchestration.instance.run_host``)
drops the cached ones untouched and opens its own. ``orchestration.instance.dagster_home`` names this
class in dagster.yaml.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as db
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy.pool import StaticPool

#: Events per batch Dagster may hand over at once (a landing run plans about sixty).
EVENT_BATCH_SIZE = 1000
#: Database files kept open per storage: the index and the runs being written.
OPEN_DATABASES = 8

_STORAGES: weakref.WeakSet = weakref.WeakSet()
#: Connections inherited through a fork: kept referenced, never used nor closed (closing a
#: SQLite connection in the child could checkpoint or unlock the parent's database).
_INHERITED: list = []


class HubEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log with kept connections, NORMAL sync and one-transaction batches."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        # Before Dagster's own initialisation, which already reads and writes the index.
        self._engines: OrderedDict[str, db.engine.Engine] = OrderedDict()
        self._batch = threading.local()
        super().__init__(base_dir, inst_data)
        os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", str(EVENT_BATCH_SIZE))
        _STORAGES.add(self)

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None,
                          config_value: Mapping[str, Any]) -> HubEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> db.engine.Engine:
        """The shard's engine (one connection, kept open); the caller holds ``_db_lock``."""
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = db.create_engine(
                self.conn_string_for_shard(shard), poolclass=StaticPool,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
            db.event.listen(engine, "connect", _normal_sync)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > OPEN_DATABASES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[db.engine.Connection]:
        batch = getattr(self._batch, "connections", None)
        if batch is not None:  # inside store_event_batch: _db_lock is held, one transaction
            if shard not in batch:
                connection = self._engine(shard).connect()
                connection.begin()
                batch[shard] = connection
            yield batch[shard]
            return
        with self._db_lock, self._engine(shard).connect() as connection, connection.begin():
            yield connection

    def store_event(self, event) -> None:
        super().store_event(event)
        if getattr(self._batch, "connections", None) is None:
            self._touch(event.run_id)

    def store_event_batch(self, events: Sequence) -> None:
        with self._db_lock:
            self._batch.connections = {}
            try:
                for event in events:
                    self.store_event(event)
                for connection in self._batch.connections.values():
                    connection.commit()
            except BaseException:
                for connection in self._batch.connections.values():
                    connection.rollback()
                raise
            finally:
                for connection in self._batch.connections.values():
                    connection.close()
                self._batch.connections = None
        for run_id in {event.run_id for event in events}:
            self._touch(run_id)

    def _touch(self, run_id: str) -> None:
        """Signal the UI's watcher of this run's database (it reacts to the file's changes)."""
        if run_id:
            try:
                os.utime(self.path_for_shard(run_id))
            except FileNotFoundError:
                pass

    def _forget_inherited_connections(self) -> None:
        _INHERITED.extend(self._engines.values())
        self._engines = OrderedDict()
        self._db_lock = threading.Lock()
        self._batch = threading.local()

    def dispose(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()
        super().dispose()


def _normal_sync(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


def _after_fork_in_child() -> None:
    for storage in list(_STORAGES):
        storage._forget_inherited_connections()


os.register_at_fork(after_in_child=_after_fork_in_child)
