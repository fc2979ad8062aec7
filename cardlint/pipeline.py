"""Many cards fast: jobs linted on all cores, streamed in order.

Memory stays flat: jobs are read lazily and a bounded number is in flight at once, and each result
carries findings and the score, never the parsed card."""
from __future__ import annotations

import os
import sys
from collections import deque
from itertools import chain, islice
from typing import Iterable, Iterator

from .config import ConfigFinder
from .engine import FileResult, meta_finding
from .engine_rules import internal_error
from .sources import Job
from .worker import configure, lint_chunk, lint_job

CHUNK = 8  # jobs sent to a worker at once
IN_FLIGHT = 4  # chunks in flight per worker
SERIAL_BELOW = 24  # fewer cards than this: one process (starting workers costs more than it saves)


def run(jobs: Iterable[Job], finder: ConfigFinder, registry, *, processes: int | None = None,
        with_score: bool = True, dask: str | None = None) -> Iterator[FileResult]:
    """Lint every job; results come back in the order of the jobs."""
    state = {"finder": finder, "registry": registry, "with_score": with_score}
    configure(state)
    if dask:
        from .distributed import run_dask
        yield from run_dask(jobs, state, dask)
        return
    jobs = iter(jobs)
    head: list[Job] = []
    for job in jobs:
        head.append(job)
        if len(head) >= SERIAL_BELOW:
            break
    n = processes if processes is not None else (os.cpu_count() or 1)
    jobs = chain(head, jobs)
    if n <= 1 or len(head) < SERIAL_BELOW:
        yield from map(lint_job, jobs)
        return
    import multiprocessing as mp
    ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
    yield from _stream(ctx, n, state, jobs)


def _stream(ctx, n: int, state: dict, jobs: Iterator[Job]) -> Iterator[FileResult]:
    """Chunks of jobs submitted as results come back, a bounded number in flight (so no worker waits for
    the parent between batches, and memory stays flat), results yielded in input order."""
    from concurrent.futures.process import BrokenProcessPool
    chunks = iter(lambda: list(islice(jobs, CHUNK)), [])
    pending: deque = deque()  # (future, chunk), oldest first
    pool = None
    try:
        while True:
            pool = pool or _pool(ctx, n, state)
            while len(pending) < IN_FLIGHT * n and (part := next(chunks, None)):
                pending.append((pool.submit(lint_chunk, part), part))
            if not pending:
                return
            future, part = pending.popleft()
            try:
                results = future.result()
            except BrokenProcessPool:
                # A worker died (a crash in a C library, the OOM killer): which card killed it is unknown,
                # so this chunk runs one card per process; the chunks in flight go round again on a new pool.
                pool.shutdown(wait=False, cancel_futures=True)
                pool = None
                for job in part:
                    yield _isolated(ctx, state, job)
                chunks = chain([p for _, p in pending], chunks)
                pending.clear()
                continue
            yield from results
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _pool(ctx, n: int, state: dict):
    from concurrent.futures import ProcessPoolExecutor
    return ProcessPoolExecutor(n, mp_context=ctx, initializer=configure, initargs=(state,))


def _isolated(ctx, state: dict, job: Job) -> FileResult:
    from concurrent.futures.process import BrokenProcessPool
    with _pool(ctx, 1, state) as solo:
        try:
            return solo.submit(lint_job, job).result()
        except BrokenProcessPool:
            config = state["finder"].for_path(job.config_path or job.path)
            return FileResult(path=job.path, findings=[meta_finding(
                internal_error, config, job.path,
                "the process checking this card died (a crash below Python, or out of memory); "
                "the card was not checked")])
