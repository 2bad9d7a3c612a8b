"""Running one half of a full verification in a forked process, on a second core.

SQLite builds the digest texts inside its own step, which a thread cannot overlap with the
hashing (every row goes back through the GIL), so the second half of the chain is read by a
child process with its own connection to the same file. Only where that is sound: a database
file (an in-memory one is not shared), outside a transaction (a child does not see uncommitted
rows), in a single-threaded process on a POSIX system. Elsewhere the half runs here, after the
first, with the same result. The child's CPU time is the parent's to report
(`resource.RUSAGE_CHILDREN` once it is reaped).
"""

import os
import pickle
import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def can_fork() -> bool:
    """Only a single-threaded process forks: a lock another thread holds at the fork (logging,
    an import) would stay held in the child for ever."""
    if not hasattr(os, "fork") or connection.vendor != "sqlite" or connection.in_atomic_block:
        return False
    if threading.active_count() > 1:
        return False
    # SQLite's wrapper only has is_in_memory_db.
    return not connection.is_in_memory_db()  # type: ignore[attr-defined]


class Deferred:
    """`function()`'s result: computed in a forked child when `can_fork()`, else on `result()`."""

    def __init__(self, function: Callable[[], Any]):
        self.function = function
        self.pid = 0
        if can_fork():
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover — the child; its coverage is not collected
                os.close(read)
                self._child(write)
            os.close(write)
            self.pid, self.read = pid, read

    def _child(self, write: int) -> None:
        try:
            # The parent's SQLite handle must not be used across a fork: a connection of its own.
            connection.connection = None
            connection.ensure_connection()
            payload = pickle.dumps((True, self.function()))
        except BaseException as exc:  # noqa: BLE001 — reported to the parent, raised there
            payload = pickle.dumps((False, f"{type(exc).__name__}: {exc}"))
        with os.fdopen(write, "wb") as pipe:
            pipe.write(payload)
        os._exit(0)

    def result(self) -> Any:
        if not self.pid:
            return self.function()
        with os.fdopen(self.read, "rb") as pipe:
            payload = pipe.read()
        os.waitpid(self.pid, 0)
        if not payload:
            raise RuntimeError("the verification child process died without a result")
        ok, value = pickle.loads(payload)  # noqa: S301 — our own child's bytes, through a pipe
        if not ok:
            raise RuntimeError(f"the verification child process failed: {value}")
        return value
