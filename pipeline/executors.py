"""Where per-file work runs: in this process, in local worker processes, or on a Dask cluster.

All three offer the same small interface (submit a picklable top-level function, wait for the next
finished futures, shut down), so the batch runner does not care where work happens. The work is a
pure function of (file bytes, options); results come back to the runner, which alone writes the
cache and the outputs. On a cluster the input paths must be readable by the workers (a shared
file system).
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable
from typing import Any, Protocol

# One thread per worker process: N workers on N cores should not each start N OCR/BLAS threads.
THREAD_LIMITS = {
    "OMP_NUM_THREADS": "1",
    "OMP_THREAD_LIMIT": "1",  # tesseract
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


class ExecutorUnavailableError(RuntimeError):
    """The requested executor cannot be started (missing optional extra, unreachable scheduler)."""


class Executor(Protocol):
    capacity: int  # tasks it runs at once

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    def wait_some(self, pending: Iterable[Any]) -> list[Any]: ...

    def close(self, cancel: bool = False) -> None: ...


def limit_worker_threads() -> None:
    for name, value in THREAD_LIMITS.items():
        os.environ.setdefault(name, value)


def init_worker_process() -> None:
    """Pool worker start: one thread each; Ctrl-C is the parent's business (it stops the pool)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit_worker_threads()


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class InProcessExecutor:
    """Runs each task at once in this process (workers=1: no start-up, no pickling)."""

    capacity = 1

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future:
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            future.set_exception(exc)
        return future

    def wait_some(self, pending: Iterable[cf.Future]) -> list[cf.Future]:
        return list(pending)

    def close(self, cancel: bool = False) -> None:
        pass


class ProcessExecutor:
    """concurrent.futures.ProcessPoolExecutor with single-threaded workers."""

    def __init__(self, workers: int):
        # fork where available: workers start fast and see the parent's imported modules
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.capacity = workers
        self.pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                           initializer=init_worker_process)

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future:
        return self.pool.submit(fn, *args)

    def wait_some(self, pending: Iterable[cf.Future]) -> list[cf.Future]:
        done, _ = cf.wait(list(pending), return_when=cf.FIRST_COMPLETED)
        return list(done)

    def close(self, cancel: bool = False) -> None:
        if not cancel:
            self.pool.shutdown(wait=True)
            return
        # interrupted: drop queued work and stop the workers now rather than after their chunk
        workers = list(getattr(self.pool, "_processes", {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in workers:
            process.terminate()
        for process in workers:
            process.join(timeout=5)


class DaskExecutor:
    """dask.distributed: a scheduler address, or a local cluster when none is given."""

    def __init__(self, scheduler: str | None, workers: int, connect_timeout: float = 20.0):
        try:
            import distributed
        except ImportError as exc:
            raise ExecutorUnavailableError(
                "the dask executor needs dask.distributed: pip install 'jixiao[dask]'"
            ) from exc
        self.distributed = distributed
        self.cluster = None
        try:
            if scheduler:
                self.client = distributed.Client(scheduler, timeout=connect_timeout)
            else:
                self.cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                                        dashboard_address=None)
                self.client = distributed.Client(self.cluster)
        except (OSError, TimeoutError) as exc:
            raise ExecutorUnavailableError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from exc
        self.capacity = max(workers, sum(self.client.nthreads().values()))

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def wait_some(self, pending: Iterable[Any]) -> list[Any]:
        done, _ = self.distributed.wait(list(pending), return_when="FIRST_COMPLETED")
        return list(done)

    def close(self, cancel: bool = False) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(kind: str, workers: int, scheduler: str | None = None,
                  connect_timeout: float = 20.0) -> Executor:
    if kind == "dask":
        return DaskExecutor(scheduler, workers, connect_timeout)
    if kind != "local":
        raise ExecutorUnavailableError(f"unknown executor {kind!r} (local or dask)")
    if workers <= 1:
        return InProcessExecutor()
    return ProcessExecutor(workers)
