"""Group commit: one writer thread stores what many sessions send, a batch per transaction.

Each write is a function of a connection. A batch runs first without savepoints; when one write
fails (a seq already stored) the batch is rolled back and run again, each write on its own
savepoint, so the bad write fails alone while the rest commits. A write may therefore run twice
(the first run rolled back): it must touch nothing but the connection it is given. A write's
future resolves only after the COMMIT has returned: the caller acknowledges then, never before.

On PostgreSQL the writes submitted as `pipelined` (one statement each, like a live session's
change) are sent together in one libpq pipeline: the batch costs one round trip to the server
instead of one per write, which is what bounds a single writer thread (it otherwise waits for the
server's answer to each statement in turn). Such a write finds the psycopg connection under
`conn.info[PIPELINE]`, sends its statement there and returns a `Later`, read once all are answered.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

T = TypeVar("T")
MAX_BATCH = 256
PIPELINE = "backrub_pipeline"  # conn.info key: the psycopg connection, while a pipeline is open
_STOP = object()
_Item = tuple[Callable[[Connection], Any], Future[Any], bool]


class Later(Generic[T]):
    """A pipelined write's answer, read once the whole pipeline is answered (`result()`)."""

    __slots__ = ("_read",)

    def __init__(self, read: Callable[[], T]) -> None:
        self._read = read

    def result(self) -> T:
        return self._read()


class Journal:
    """A queue of writes and the one thread that commits them in batches."""

    def __init__(
        self, engine: Engine, on_fault: Callable[[BaseException], BaseException] | None = None
    ) -> None:
        self.engine = engine
        self._on_fault = on_fault or (lambda err: err)
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._pipelines = engine.dialect.name == "postgresql"
        self._thread = threading.Thread(target=self._run, name="backrub-journal", daemon=True)
        self._thread.start()

    def submit(self, write: Callable[[Connection], T | Later[T]], *, pipelined: bool = False) -> Future[T]:
        """Queue a write; its future holds the write's result once committed (or its error).
        `pipelined`: the write may be sent in a pipeline with others (it sends one statement through
        `conn.info[PIPELINE]` when that is set, and returns a `Later`)."""
        future: Future[T] = Future()
        self._queue.put((write, future, pipelined))
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

    def _commit(self, batch: list[_Item]) -> None:
        live = [item for item in batch if item[1].set_running_or_notify_cancel()]
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
            for _, future, _ in live:
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
        self, batch: list[_Item], *, savepoints: bool
    ) -> list[tuple[Future[Any], Any, BaseException | None]] | None:
        """Run the batch in one transaction and commit it; None when a write failed without savepoints
        (rolled back: nothing stored) and the batch has more writes to save."""
        results: list[tuple[Future[Any], Any, BaseException | None]] = []
        rest = batch
        try:
            with self.engine.begin() as conn:
                ahead = [item for item in batch if item[2]] if self._pipelines and not savepoints else []
                if len(ahead) > 1:
                    rest = [item for item in batch if not item[2]]
                    results.extend(self._pipeline(conn, ahead))
                for write, future, _ in rest:
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

    def _pipeline(self, conn: Connection,
                  ahead: list[_Item]) -> list[tuple[Future[Any], Any, BaseException | None]]:
        """Send the pipelined writes' statements together and read their answers (PostgreSQL). A
        statement the server refuses (a seq already stored) aborts the transaction: _Failed, and the
        batch is run again write by write, on savepoints, through SQLAlchemy (where a connection that
        is gone is told apart and reported as the batch's fault)."""
        raw = conn.connection.driver_connection
        assert raw is not None
        conn.info[PIPELINE] = raw
        sent: list[tuple[Future[Any], Any]] = []
        try:
            with raw.pipeline():
                for write, future, _ in ahead:
                    sent.append((future, write(conn)))
        except Exception as err:
            raise _Failed(err) from err
        finally:
            conn.info.pop(PIPELINE, None)
        out: list[tuple[Future[Any], Any, BaseException | None]] = []
        for future, got in sent:
            # Each statement ran whole: reading its answer can only refuse that write (Stale).
            try:
                out.append((future, got.result() if isinstance(got, Later) else got, None))
            except Exception as err:
                out.append((future, None, err))
        return out


class _Failed(Exception):
    """A write failed in a batch run without savepoints: roll the batch back and run it again."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error
