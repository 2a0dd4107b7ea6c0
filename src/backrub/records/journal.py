"""Group commit: one writer thread stores what many sessions send, a batch per transaction.

Each write is a function of a connection, run inside its own savepoint, so one bad write (a seq
already stored) fails alone while the rest of its batch commits. A write's future resolves only
after the COMMIT has returned: the caller acknowledges then, never before.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

T = TypeVar("T")
MAX_BATCH = 256
_STOP = object()


class Journal:
    """A queue of writes and the one thread that commits them in batches."""

    def __init__(
        self, engine: Engine, on_fault: Callable[[BaseException], BaseException] | None = None
    ) -> None:
        self.engine = engine
        self._on_fault = on_fault or (lambda err: err)
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="backrub-journal", daemon=True)
        self._thread.start()

    def submit(self, write: Callable[[Connection], T]) -> Future[T]:
        """Queue a write; its future holds the write's result once committed (or its error)."""
        future: Future[T] = Future()
        self._queue.put((write, future))
        return future

    def close(self) -> None:
        self._queue.put(_STOP)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            batch = [item]
            while len(batch) < MAX_BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    self._commit(batch)
                    return
                batch.append(more)
            self._commit(batch)

    def _commit(self, batch: list[tuple[Callable[[Connection], Any], Future[Any]]]) -> None:
        results: list[tuple[Future[Any], Any, BaseException | None]] = []
        try:
            with self.engine.begin() as conn:
                for write, future in batch:
                    if not future.set_running_or_notify_cancel():
                        continue
                    try:
                        with conn.begin_nested():
                            results.append((future, write(conn), None))
                    except DBAPIError as err:
                        if err.connection_invalidated:
                            raise
                        results.append((future, None, err))
                    except Exception as err:  # handed to the caller, who knows what it means
                        results.append((future, None, err))
        except BaseException as err:  # the commit itself failed: nothing of the batch is stored
            fault = self._on_fault(err)
            for _, future in batch:
                if not future.done():
                    future.set_exception(fault)
            return
        for future, value, error in results:  # committed: now the callers may acknowledge
            if error is None:
                future.set_result(value)
            else:
                future.set_exception(error)
