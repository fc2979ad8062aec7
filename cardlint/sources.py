"""Where cards come from: paths as given, folders searched for card files, stdin, dumps (JSON Lines,
Parquet) and Hub ids; each becomes a Job, which the pipeline lints."""
from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from typing import Iterator

from .config import DEFAULT_INCLUDE, ConfigFinder
from .errors import HubError, UsageError
from .paths import within
from .wording import plural
from .patterns import lazy

ID_COLUMNS = ("id", "modelId", "model_id", "repo_id", "datasetId", "dataset_id", "name")
TEXT_COLUMNS = ("card", "text", "readme", "content", "card_text", "card_data")
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", ".tox", ".nox", "__pycache__", ".mypy_cache",
             ".pytest_cache", ".ruff_cache", "site-packages", ".eggs"}


# -- files, folders, stdin ---------------------------------------------------------------------------------
@dataclass
class Target:
    path: str  # as shown in output
    stdin: bool = False
    hub: bool = False


def is_card_name(name: str, extra: list[str]) -> bool:
    return name in DEFAULT_INCLUDE or any(fnmatch.fnmatch(name, pat) for pat in extra)


def collect(paths: list[str], finder: ConfigFinder, stdin_filename: str | None = None, *,
            force_exclude: bool = False, respect_gitignore: bool = True) -> tuple[list[Target], list[str]]:
    """(targets, warnings). Raises UsageError for a missing path or a folder with no cards. Files named
    explicitly are linted even when the configuration excludes them, unless force_exclude (pre-commit
    names every file it passes). Folder search skips what git ignores, unless respect_gitignore is off
    (here or in the folder's configuration) or the folder itself is ignored (then it was named on purpose)."""
    targets: list[Target] = []
    warnings: list[str] = []
    seen: set[str] = set()
    skipped_md = 0
    for p in paths or ["."]:
        if p == "-":
            targets.append(Target(stdin_filename or "-", stdin=True))
            continue
        if p.startswith("hf://"):
            parse_hub_id(p)
            targets.append(Target(p, hub=True))
            continue
        if os.path.isfile(p):
            if force_exclude and finder.for_path(p).is_excluded(p):
                continue
            if p not in seen:
                seen.add(p)
                targets.append(Target(p))
            continue
        if os.path.isdir(p):
            found = 0
            tree = os.path.realpath(p)
            git = _gitignore(p, finder) if respect_gitignore else None
            for root, dirs, files in os.walk(p, onerror=lambda e: warnings.append(f"cannot read {e.filename}: {e.strerror}")):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not os.path.isfile(os.path.join(root, d, "pyvenv.cfg"))
                                 and not (git and git.ignored(os.path.join(root, d), is_dir=True)))
                cfg = None
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if cfg is None:
                        cfg = finder.for_path(full)
                    if not is_card_name(name, cfg.include):
                        skipped_md += name.lower().endswith((".md", ".markdown"))
                        continue
                    if cfg.is_excluded(full) or git and git.ignored(full):
                        continue
                    if os.path.islink(full) and not os.path.exists(full):
                        warnings.append(f"{full}: broken symbolic link, skipped")
                        continue
                    if os.path.islink(full) and not within(full, tree):
                        warnings.append(f"{full}: symbolic link to a file outside {p}, skipped (name it to lint it)")
                        continue
                    if full not in seen:
                        seen.add(full)
                        targets.append(Target(full))
                        found += 1
            if not found:
                raise UsageError(f"no cards found in {p!r} (looked for {', '.join(DEFAULT_INCLUDE)}"
                                 f" and the config's include patterns){_skipped_note(skipped_md)}")
            continue
        if os.path.exists(p):
            raise UsageError(f"{p!r} is not a regular file or folder")
        if os.path.islink(p):
            raise UsageError(f"{p!r} is a broken symbolic link")
        raise UsageError(f"path {p!r} does not exist")
    if skipped_md:
        warnings.append(_skipped_note(skipped_md).lstrip("; "))
    return targets, warnings


def _gitignore(folder: str, finder: ConfigFinder):
    from .gitignore import GitIgnore
    if not finder.for_path(os.path.join(folder, "README.md")).respect_gitignore:
        return None
    git = GitIgnore.for_folder(folder)
    return None if git is None or git.ignored(folder, is_dir=True) else git


def _skipped_note(n: int) -> str:
    return (f"; {plural(n, 'Markdown file')} not named like a card skipped: lint them with "
            "--include '*.md' or `include:` in the configuration") if n else ""


# -- jobs ----------------------------------------------------------------------------------------------
@dataclass
class Job:
    path: str  # as reported
    data: bytes | None = None  # the card itself (stdin, dumps); None: read `path` or fetch a hub id
    config_path: str | None = None  # where to look for configuration
    hub: bool = False
    error: str | None = None  # a dump row that holds no card: reported as unreadable


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
_HUB_ID = lazy(rf"{_NAME}(?:/{_NAME})?", re.ASCII)
_REVISION = lazy(r"[\w.-]+(?:/[\w.-]+)*", re.ASCII)


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
