"""`--dask ADDRESS`: the same audit on an existing Dask cluster, in partitions, results in input order.

Workers rebuild the registry and the configuration from plain data (the explicit config file and the
command-line overrides), so nothing but jobs and results crosses the network. Dask runs tasks in
threads, where the per-card time budget (a POSIX timer) does not apply."""
from __future__ import annotations

from itertools import islice
from typing import Iterable, Iterator

from .errors import UsageError

PARTITION = 64
IN_FLIGHT = 16  # partitions submitted at once: memory stays bounded on both sides


def lint_partition(jobs: list, spec: dict) -> list:
    from .config import ConfigFinder
    from .registry import load
    from .worker import configure, lint_job
    registry = load()
    configure({"finder": ConfigFinder(spec["config"], registry, spec["overrides"]), "registry": registry,
               "with_score": spec["with_score"]})
    return [lint_job(job) for job in jobs]


def run_dask(jobs: Iterable, state: dict, address: str) -> Iterator:
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--dask needs dask.distributed: pip install 'cardlint[dask]'") from None
    finder = state["finder"]
    spec = {"config": finder.explicit, "overrides": finder.overrides, "with_score": state["with_score"]}
    try:
        client = Client(address, timeout=10)
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        jobs = iter(jobs)
        pending = []
        while True:
            while len(pending) < IN_FLIGHT:
                part = list(islice(jobs, PARTITION))
                if not part:
                    break
                pending.append(client.submit(lint_partition, part, spec, pure=False))
            if not pending:
                break
            yield from pending.pop(0).result()
    finally:
        client.close()
