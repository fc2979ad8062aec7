"""One card job, run where the work is: in this process, a pool worker or a Dask worker. Each process holds
its own state (the configuration finder, the registry, whether to score), set once by `configure`."""
from __future__ import annotations

import gc

from .config import ConfigFinder
from .engine import FileResult, lint_bytes, lint_file, meta_finding
from .engine_rules import unreadable_file
from .errors import HubError
from .sources import Job, fetch_hub_card

_STATE: dict = {}


def configure(state: dict) -> None:
    """Set this process's state: {"finder": ConfigFinder, "registry": Registry, "with_score": bool}."""
    _STATE.update(state)
    tune_gc()


def tune_gc() -> None:
    """A card makes many short-lived objects and few cycles (its section tree): the cyclic collector runs
    every 50,000 allocations instead of 700, and never again through what is loaded by now (frozen: the
    modules, the registry, the vocabularies). Its share of a card's time fell from 0.21x to 0.03x of the
    parse floor (bench/run.py --steps), the findings are the same, and memory stays bounded by a card."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def lint_job(job: Job) -> FileResult:
    finder: ConfigFinder = _STATE["finder"]
    registry = _STATE["registry"]
    config = finder.for_path(job.config_path or job.path)
    with_score = _STATE["with_score"]
    if job.error:
        return FileResult(path=job.path, findings=[meta_finding(unreadable_file, config, job.path,
                                                                job.error)])
    if job.hub:
        try:
            data = fetch_hub_card(job.path)
        except HubError as exc:  # not checked: said once, on stderr, and counted apart (no finding)
            result = FileResult(path=job.path, findings=[])
            result.fetch_error = str(exc)
            return result
        result = lint_bytes(data, job.path, config, registry, with_score=with_score)
    elif job.data is not None:
        result = lint_bytes(job.data, job.path, config, registry, with_score=with_score)
    else:
        result = lint_file(job.path, config, registry, with_score=with_score)
    result.min_score = config.min_score
    return result


def lint_chunk(jobs: list[Job]) -> list[FileResult]:
    return [lint_job(job) for job in jobs]
