"""Group commit: one writer thread stores what many sessions send, a batch per transaction.

Each write is a function of a connection. A batch runs first without savepoints; when one write
fails (a seq already stored) the batch is rolled back and run again, each write on its own
savepoint, so the bad write fails alone while the rest commits. A write may therefore run twice
(the first run rolled back): it must touch nothing but the connection it is given. A write's
future resolves only after the COMMIT has returned: the caller acknowledges then, never before.
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
        live = [(write, future) for write, future in batch if future.set_running_or_notify_cancel()]
        if not live:
            return
        try:
            # Most batches have no bad write: run them without a savepoint each (two statements
            # fewer per write). When one fails, the transaction is rolled back and the batch run
            # again with savepoints, so only the bad write fails.
            results = self._attempt(live, savepoints=False)
            if results is None:
                results = self._attempt(live, savepoints=True)
        except BaseException as err:  # the commit itself failed: nothing of the batch is stored
            fault = self._on_fault(err)
            for _, future in live:
                if not future.done():
                    future.set_exception(fault)
            return
        assert results is not None
        for future, value, error in results:  # committed: now the callers may acknowledge
            if error is None:
                future.set_result(value)
            else:
                future.set_exception(error)

    def _attempt(
        self, batch: list[tuple[Callable[[Connection], Any], Future[Any]]], *, savepoints: bool
    ) -> list[tuple[Future[Any], Any, BaseException | None]] | None:
        """Run the batch in one transaction and commit it; None when a write failed without savepoints
        (rolled back: nothing stored) and the batch has more writes to save."""
        results: list[tuple[Future[Any], Any, BaseException | None]] = []
        try:
            with self.engine.begin() as conn:
                for write, future in batch:
                    try:
                        if savepoints:
                            with conn.begin_nested():
                                results.append((future, write(conn), None))
                        else:
                            results.append((future, write(conn), None))
                    except DBAPIError as err:
                        if err.connection_invalidated:
                            raise
                        if not savepoints:
                            raise _Failed(err) from err
                        results.append((future, None, err))
                    except Exception as err:  # handed to the caller, who knows what it means
                        if not savepoints:
                            raise _Failed(err) from err
                        results.append((future, None, err))
        except _Failed as failed:
            if len(batch) == 1:  # rolled back, and nothing else to save: that write failed alone
                return [(batch[0][1], None, failed.error)]
            return None
        return results


class _Failed(Exception):
    """A write failed in a batch run without savepoints: roll the batch back and run it again."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error
