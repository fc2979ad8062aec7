"""hf:// cards fetched through huggingface_hub from a real HTTP server on 127.0.0.1 that answers the way
the Hub's resolve endpoint does (HEAD for metadata, GET for the file, X-Error-Code on errors)."""
from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import run_cli

pytest.importorskip("huggingface_hub")

CARDS = {
    ("models", "acme/tiny", "main"): "---\nlicense: Apache-2.0\n---\n\n# Tiny\n\n[More Information Needed]\n",
    ("models", "acme/tiny", "v1"): "---\nlicense: mit\nmetrics: [accuracy]\n---\n\n# Tiny v1\n\nText.\n",
    ("datasets", "acme/reviews", "main"): "---\nlicense: mit\ntask_categories: [text-classification]\n---\n\n# Dataset Card for Reviews\n",
}
REPOS = {(kind, repo) for kind, repo, _ in CARDS} | {("models", "acme/no-readme")}


class HubHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, body: bool) -> None:
        parts = self.path.split("?")[0].strip("/").split("/")
        kind = "models"
        if parts and parts[0] in ("datasets", "spaces"):
            kind, parts = parts[0], parts[1:]
        # /{owner}/{name}/resolve/{revision}/{filename}
        if len(parts) < 5 or parts[2] != "resolve":
            return self._error(404, "RepoNotFound")
        repo, revision, filename = "/".join(parts[:2]), parts[3], "/".join(parts[4:])
        if (kind, repo) not in REPOS:
            return self._error(401, "RepoNotFound")
        if revision not in ("main", "v1"):
            return self._error(404, "RevisionNotFound")
        text = CARDS.get((kind, repo, revision))
        if filename != "README.md" or text is None:
            return self._error(404, "EntryNotFound")
        data = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", '"' + hashlib.sha1(data).hexdigest() + '"')
        self.send_header("X-Repo-Commit", hashlib.sha1(f"{repo}@{revision}".encode()).hexdigest())
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _error(self, status: int, code: str) -> None:
        self.send_response(status)
        self.send_header("X-Error-Code", code)
        self.send_header("Content-Type", "application/json")
        body = json.dumps({"error": code}).encode()
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self._answer(body=False)

    def do_GET(self):
        self._answer(body=True)


@pytest.fixture()
def hub(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), HubHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    env = {"HF_ENDPOINT": f"http://127.0.0.1:{server.server_address[1]}", "HF_HOME": str(tmp_path / "hf"),
           "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_OFFLINE": "0", "HF_HUB_ETAG_TIMEOUT": "5",
           "HF_HUB_DOWNLOAD_TIMEOUT": "5", "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    yield env
    server.shutdown()
    server.server_close()


def check(env, *targets):
    proc = run_cli("check", "--format", "json", *targets, env=env)
    return proc, (json.loads(proc.stdout) if proc.stdout.strip() else None)


def test_model_card_by_id(hub):
    proc, doc = check(hub, "hf://acme/tiny")
    assert proc.returncode == 1, proc.stderr
    f = doc["files"][0]
    assert f["path"] == "hf://acme/tiny"
    assert {(x["name"], x["line"]) for x in f["findings"]} >= {("unknown-license", 2), ("missing-info-stub", 7)}


def test_revision_and_dataset(hub):
    proc, doc = check(hub, "hf://acme/tiny@v1", "hf://datasets/acme/reviews")
    assert proc.returncode == 0, proc.stderr
    v1, ds = doc["files"]
    assert v1["findings"] == [] or all(x["severity"] != "error" for x in v1["findings"])
    assert ds["profile"].startswith("hf-dataset")
    assert "missing-metrics" not in {x["name"] for x in ds["findings"]}


@pytest.mark.parametrize("target,needle", [
    ("hf://acme/missing", "no such model repository"),
    ("hf://acme/tiny@nope", "no revision 'nope'"),
    ("hf://acme/no-readme", "has no README.md"),
])
def test_not_found_is_a_clear_error(hub, target, needle):
    proc, doc = check(hub, target, "hf://acme/tiny")
    err = proc.stderr.decode()
    assert proc.returncode == 2 and needle in err and "Traceback" not in err
    assert len(doc["files"]) == 2  # the other card was still linted


def test_offline(hub):
    proc, _ = check(dict(hub, HF_HUB_OFFLINE="1"), "hf://acme/tiny")
    assert proc.returncode == 2 and b"HF_HUB_OFFLINE is set" in proc.stderr and b"Traceback" not in proc.stderr
    # once fetched, the cached card is linted offline too
    assert check(hub, "hf://acme/tiny")[0].returncode == 1
    proc, doc = check(dict(hub, HF_HUB_OFFLINE="1"), "hf://acme/tiny")
    assert proc.returncode == 1 and doc["files"][0]["findings"]


def test_bad_hub_ids_are_usage_errors():
    for target in ("hf://", "hf://a/b/c", "hf://acme/tiny@"):
        proc = run_cli("check", target)
        assert proc.returncode == 2 and b"not a Hub id" in proc.stderr


def test_an_unreachable_hub_fails_fast_says_why_once_and_counts_apart(hub, tmp_path):
    import socket
    import time
    with socket.socket() as s:  # a port nothing listens on: connections are refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(hub, HF_ENDPOINT=f"http://127.0.0.1:{port}")
    start = time.monotonic()
    proc, doc = check(env, "hf://acme/a", "hf://acme/b", "hf://acme/c")
    assert time.monotonic() - start < 20  # huggingface_hub alone retries each for about 23 s
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Retrying" not in err and "HF_HUB_OFFLINE" not in err
    lines = [l for l in err.splitlines() if l.startswith("cardlint: error:")]
    assert len(lines) == 3 and all(f"cannot reach http://127.0.0.1:{port}" in l for l in lines)
    assert all(f["findings"] == [] and "cannot reach" in f["error"] for f in doc["files"])
    assert doc["summary"]["files"] == 0 and doc["summary"]["not_fetched"] == 3
    (tmp_path / "README.md").write_text("# T\n")
    text = run_cli("check", "hf://acme/a", str(tmp_path / "README.md"), env=env).stdout.decode()
    assert "1 file checked" in text and "1 Hub card not fetched" in text and "CL001" not in text
    # a card fetched before is still linted from the cache when the endpoint stops answering
    assert check(hub, "hf://acme/tiny")[0].returncode == 1
    cached = dict(env, HF_HOME=hub["HF_HOME"])
    proc, doc = check(cached, "hf://acme/tiny")
    assert proc.returncode == 1 and doc["files"][0]["findings"], proc.stderr


def test_sarif_reports_a_card_not_fetched_as_a_notification(hub):
    proc = run_cli("check", "--format", "sarif", "hf://acme/missing", env=hub)
    run = json.loads(proc.stdout)["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is False
    note = run["invocations"][0]["toolExecutionNotifications"][0]
    assert "no such model repository" in note["message"]["text"] and run["results"] == []
