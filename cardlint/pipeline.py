"""Many cards fast: jobs from files, stdin, dumps and Hub ids, linted on all cores, streamed in order.

Memory stays flat: jobs are read lazily and sent to the workers in bounded windows, and each result
carries findings and the score, never the parsed card."""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from typing import Iterable, Iterator

from .config import ConfigFinder
from .engine import FileResult, lint_bytes, lint_file, meta_finding
from .files import UsageError

WINDOW = 512  # jobs in flight at once
SERIAL_BELOW = 24  # fewer cards than this: one process (starting workers costs more than it saves)
ID_COLUMNS = ("id", "modelId", "model_id", "repo_id", "datasetId", "dataset_id", "name")
TEXT_COLUMNS = ("card", "text", "readme", "content", "card_text", "card_data")


@dataclass
class Job:
    path: str  # as reported
    data: bytes | None = None  # the card itself (stdin, dumps); None: read `path` or fetch a hub id
    config_path: str | None = None  # where to look for configuration
    hub: bool = False
    error: str | None = None  # a dump row that holds no card: reported as unreadable


class HubError(Exception):
    """A Hub card could not be fetched: the message says why (offline, not found, no README)."""


# -- dumps ----------------------------------------------------------------------------------------------
def _pick_column(available, wanted: str | None, defaults, what: str, source: str) -> str:
    if wanted:
        if wanted not in available:
            raise UsageError(f"{source}: no {what} column {wanted!r} (columns: {', '.join(map(str, available))})")
        return wanted
    for name in defaults:
        if name in available:
            return name
    raise UsageError(f"{source}: cannot tell the {what} column among {', '.join(map(str, available))}; "
                     f"name it with --{what}-column")


def iter_dump(path: str, id_column: str | None = None, text_column: str | None = None) -> Iterator[Job]:
    """Cards from JSON Lines or Parquet (an id column and a card-text column), read lazily."""
    if not os.path.isfile(path):
        raise UsageError(f"dump {path!r} does not exist")
    if path.endswith((".parquet", ".pq")):
        yield from _iter_parquet(path, id_column, text_column)
        return
    import json
    with open(path, encoding="utf-8", errors="replace") as fh:
        columns = None
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Job(path=where, error=f"row {number} is not JSON: {exc.msg}")
                continue
            except (ValueError, RecursionError) as exc:  # a 5,000-digit number, arrays nested 100,000 deep
                yield Job(path=where, error=f"row {number} cannot be read: "
                                            f"{'nested too deeply' if isinstance(exc, RecursionError) else exc}")
                continue
            if not isinstance(row, dict):
                yield Job(path=where, error=f"row {number} is not a JSON object")
                continue
            if columns is None:
                columns = (_pick_column(list(row), id_column, ID_COLUMNS, "id", path),
                           _pick_column(list(row), text_column, TEXT_COLUMNS, "text", path))
            yield _row_job(row.get(columns[0]), row.get(columns[1]), where)


def _iter_parquet(path: str, id_column, text_column) -> Iterator[Job]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError("reading Parquet needs pyarrow: pip install 'cardlint[parquet]'") from None
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:
        raise UsageError(f"{path}: not a Parquet file: {exc}") from None
    names = pf.schema_arrow.names
    id_col = _pick_column(names, id_column, ID_COLUMNS, "id", path)
    text_col = _pick_column(names, text_column, TEXT_COLUMNS, "text", path)
    number = 0
    for batch in pf.iter_batches(batch_size=256, columns=[id_col, text_col]):
        for card_id, text in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist()):
            number += 1
            yield _row_job(card_id, text, f"{path}:{number}")


def _row_job(card_id, text, where: str) -> Job:
    """A dump row as a job: its id as printable text, its card as bytes (lone surrogates kept as invalid
    UTF-8, so that the card is reported unreadable, with the offset, rather than ending the run)."""
    name = where if card_id is None else str(card_id).encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(text, str):
        return Job(path=name, data=text.encode("utf-8", "surrogatepass"))
    if isinstance(text, bytes):
        return Job(path=name, data=text)
    if text is None:
        return Job(path=name, data=b"")
    return Job(path=name, error=f"the card column holds {type(text).__name__}, not text")


# -- the Hub ---------------------------------------------------------------------------------------------
def parse_hub_id(target: str) -> tuple[str, str, str | None]:
    """hf://owner/name[@rev] or hf://datasets/owner/name[@rev] -> (repo_type, repo_id, revision)."""
    rest = target[len("hf://"):]
    repo_type = "model"
    for prefix, kind in (("datasets/", "dataset"), ("models/", "model"), ("spaces/", "space")):
        if rest.startswith(prefix):
            repo_type, rest = kind, rest[len(prefix):]
            break
    revision = None
    if "@" in rest:
        rest, revision = rest.rsplit("@", 1)
    if not _HUB_ID.fullmatch(rest) or ".." in rest or "--" in rest or revision is not None and not _revision_ok(revision):
        raise UsageError(f"{target!r} is not a Hub id (hf://owner/name, hf://datasets/owner/name, @revision)")
    return repo_type, rest, revision


# The Hub's own rule for ids (huggingface_hub validate_repo_id): one or two names of letters, digits, -, _ and .,
# none starting or ending with - or ., no "--" or "..". A revision is a branch, tag, commit or refs/pr/N: a
# git ref name, which never holds "..", starts with / or -, or climbs out of the cache as a path would.
_NAME = r"(?![.-])[\w.-]{1,96}(?<![.-])"
_HUB_ID = re.compile(rf"{_NAME}(?:/{_NAME})?", re.ASCII)
_REVISION = re.compile(r"[\w.-]+(?:/[\w.-]+)*", re.ASCII)


def _revision_ok(revision: str) -> bool:
    return (len(revision) <= 255 and bool(_REVISION.fullmatch(revision)) and ".." not in revision
            and not revision.startswith(("-", ".")) and not revision.endswith((".lock", ".")))


_REACH: dict[str, str | None] = {}


def _unreachable(endpoint: str) -> str | None:
    """Why the endpoint cannot be reached (a refused or failed connection, asked once per run and
    endpoint, 5 s at most), or None when it answers."""
    if any(os.environ.get(v) for v in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")):
        return None  # through a proxy, a direct connection says nothing; huggingface_hub finds out itself
    if endpoint not in _REACH:
        import socket
        from urllib.parse import urlsplit
        url = urlsplit(endpoint)
        try:
            socket.create_connection((url.hostname or "", url.port or (443 if url.scheme == "https" else 80)),
                                     timeout=5).close()
            _REACH[endpoint] = None
        except OSError as exc:
            _REACH[endpoint] = exc.strerror or type(exc).__name__
    return _REACH[endpoint]


def fetch_hub_card(target: str) -> bytes:
    repo_type, repo_id, revision = parse_hub_id(target)
    try:
        import huggingface_hub
        from huggingface_hub import constants, errors
    except ImportError:
        raise HubError("hf:// needs huggingface_hub: pip install 'cardlint[hub]'") from None
    endpoint = constants.ENDPOINT
    offline = constants.HF_HUB_OFFLINE
    unreachable = None if offline else _unreachable(endpoint)
    try:  # an endpoint that refuses connections is not retried for half a minute: the cache answers, or nothing
        path = huggingface_hub.hf_hub_download(repo_id, "README.md", repo_type=repo_type, revision=revision,
                                               local_files_only=bool(offline or unreachable))
    except errors.LocalEntryNotFoundError:  # before EntryNotFoundError, its base class
        why = "HF_HUB_OFFLINE is set" if offline else f"cannot reach {endpoint} ({unreachable or 'no answer'})"
        raise HubError(f"{target}: {why}, and the card is not in the local cache") from None
    except errors.GatedRepoError:
        raise HubError(f"{target}: a gated repository; accept its terms on the Hub and set HF_TOKEN") from None
    except errors.RepositoryNotFoundError:
        raise HubError(f"{target}: no such {repo_type} repository on {endpoint} (or it is private: set HF_TOKEN)") from None
    except errors.RevisionNotFoundError:
        raise HubError(f"{target}: no revision {revision!r} in {repo_id}") from None
    except errors.EntryNotFoundError:
        raise HubError(f"{target}: the repository has no README.md") from None
    except errors.HfHubHTTPError as exc:
        raise HubError(f"{target}: {endpoint} answered {str(exc).splitlines()[0]}") from None
    except OSError as exc:
        raise HubError(f"{target}: cannot reach {endpoint}: {exc}") from None
    with open(path, "rb") as fh:
        return fh.read()


# -- running ---------------------------------------------------------------------------------------------
_STATE: dict = {}


def _lint_job(job: Job) -> FileResult:
    finder: ConfigFinder = _STATE["finder"]
    registry = _STATE["registry"]
    config = finder.for_path(job.config_path or job.path)
    with_score = _STATE["with_score"]
    if job.error:
        return FileResult(path=job.path, findings=[meta_finding(registry, config, "unreadable-file", job.path,
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


def _init_worker(state: dict) -> None:
    _STATE.update(state)


def run(jobs: Iterable[Job], finder: ConfigFinder, registry, *, processes: int | None = None,
        with_score: bool = True, dask: str | None = None) -> Iterator[FileResult]:
    """Lint every job; results come back in the order of the jobs."""
    state = {"finder": finder, "registry": registry, "with_score": with_score}
    _STATE.update(state)
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
    if n <= 1 or len(head) < SERIAL_BELOW:
        for job in head:
            yield _lint_job(job)
        for job in jobs:
            yield _lint_job(job)
        return
    import multiprocessing as mp
    from concurrent.futures.process import BrokenProcessPool
    ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
    window, pool = head, None
    try:
        while window:
            pool = pool or _pool(ctx, n, state)
            done = 0
            try:
                for result in pool.map(_lint_job, window, chunksize=max(1, min(32, len(window) // (4 * n)))):
                    done += 1
                    yield result
            except BrokenProcessPool:
                # A worker died (a crash in a C library, the OOM killer): which card killed it is unknown,
                # so the rest of this window runs one card per process, and the run goes on.
                pool.shutdown(wait=False, cancel_futures=True)
                pool = None
                for job in window[done:]:
                    yield _isolated(ctx, state, job)
            window = [job for _, job in zip(range(WINDOW), jobs)]
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _pool(ctx, n: int, state: dict):
    from concurrent.futures import ProcessPoolExecutor
    return ProcessPoolExecutor(n, mp_context=ctx, initializer=_init_worker, initargs=(state,))


def _isolated(ctx, state: dict, job: Job) -> FileResult:
    from concurrent.futures.process import BrokenProcessPool
    with _pool(ctx, 1, state) as solo:
        try:
            return solo.submit(_lint_job, job).result()
        except BrokenProcessPool:
            config = state["finder"].for_path(job.config_path or job.path)
            return FileResult(path=job.path, findings=[meta_finding(
                state["registry"], config, "internal-error", job.path,
                "the process checking this card died (a crash below Python, or out of memory); "
                "the card was not checked")])
