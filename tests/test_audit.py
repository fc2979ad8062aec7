"""Auditing many cards: parallel runs equal serial ones, dumps, the HTML report in a real Chromium."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import run_cli, shared_path

CARD = "---\nlicense: Apache-2.0\n---\n\n# Model {i}\n\n## Uses\n\n[More Information Needed]\n"


def make_cards(root, n):
    for i in range(n):
        d = root / f"m{i:03d}"
        d.mkdir(parents=True)
        (d / "README.md").write_text(CARD.format(i=i) + ("\n## Extra\n\ntext\n" if i % 3 else ""))
    return root


def test_parallel_equals_serial(tmp_path):
    make_cards(tmp_path, 60)
    serial = run_cli("check", "--format", "json", "--jobs", "1", str(tmp_path))
    parallel = run_cli("check", "--format", "json", "--jobs", "3", str(tmp_path))
    assert serial.returncode == parallel.returncode == 1
    assert json.loads(serial.stdout) == json.loads(parallel.stdout)
    assert run_cli("check", "--jobs", "0", str(tmp_path)).returncode == 2


def test_corpus_parallel_has_no_internal_error():
    corpus = shared_path("corpus")
    files = sorted(str(p) for p in corpus.iterdir() if p.name != "MANIFEST.tsv")
    proc = run_cli("check", "--format", "json", *files)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    doc = json.loads(proc.stdout)
    assert len(doc["files"]) == len(files)
    assert not [f for x in doc["files"] for f in x["findings"] if f["name"] == "internal-error"]


def test_report_from_jsonl_dump(tmp_path):
    dump = tmp_path / "cards.jsonl"
    with open(dump, "w") as fh:
        for i in range(40):
            fh.write(json.dumps({"modelId": f"org/model-{i}", "card": CARD.format(i=i), "likes": i}) + "\n")
    proc = run_cli("report", "--format", "json", "--from", str(dump))
    doc = json.loads(proc.stdout)
    assert proc.returncode == 0 and len(doc["cards"]) == 40
    assert doc["cards"][7]["path"] == "org/model-7" and doc["summary"]["cards"] == 40
    check = run_cli("check", "--format", "json", "--from", str(dump), "--id-column", "modelId", "--text-column", "card")
    assert check.returncode == 1 and json.loads(check.stdout)["summary"]["errors"] == 40
    bad = run_cli("report", "--from", str(dump), "--text-column", "nope")
    assert bad.returncode == 2 and b"no text column 'nope'" in bad.stderr


def test_report_from_parquet_dump(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq
    table = pa.table({"id": [f"org/m{i}" for i in range(30)], "text": [CARD.format(i=i) for i in range(30)]})
    pq.write_table(table, tmp_path / "cards.parquet")
    doc = json.loads(run_cli("report", "--format", "json", "--from", str(tmp_path / "cards.parquet")).stdout)
    assert [c["path"] for c in doc["cards"]][:2] == ["org/m0", "org/m1"] and doc["summary"]["cards"] == 30


# -- the HTML report in a real browser ------------------------------------------------------------------
@pytest.fixture(scope="session")
def chromium():
    """A real Chromium, when the machine has one (the README's optional line installs it); never installed here."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None:
        pytest.skip("needs Chromium for the HTML report test; the README (Run the tests) has the optional line")
    return exe


def browse(chromium, url, *extra):
    profile = tempfile.mkdtemp(prefix="cardlint-chromium-")
    try:
        return subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                               "--disable-background-networking", "--disable-component-update", "--disable-sync",
                               f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *extra, url],
                              capture_output=True, text=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _page(tmp_path, cards):
    page = tmp_path / "page.html"
    proc = run_cli("report", "--format", "html", "-o", str(page), *map(str, cards), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    return page.read_text()


def test_html_report_summary_paths_and_plurals(tmp_path):
    """The embedded summary is JSON as JSON.parse reads it (a script element's text is not entity-decoded),
    card paths are relative to the working directory, and counts of one are singular."""
    cards = make_cards(tmp_path / "cards", 2)
    odd = cards / "<!--<script>x&y" / "README.md"
    odd.parent.mkdir()
    odd.write_text(CARD.format(i=9))
    text = _page(tmp_path, [cards.resolve()])
    raw = text.split('<script type="application/json" id="summary">', 1)[1].split("</script>", 1)[0]
    assert "&quot;" not in raw and "<" not in raw
    assert json.loads(raw)["cards"] == 3
    assert '">cards/m000/README.md</a>' in text and str(tmp_path) not in text
    one = tmp_path / "one"
    one.mkdir()
    (one / "README.md").write_text("---\nlicense: mit\nmetrics: [f1]\n---\n# Model\n\nA model that sorts cats into "
                                   "boxes.\n\n## Uses\n\nBoxes.\n\n## Limitations\n\nCats only.\n")
    text = _page(tmp_path, [one / "README.md"])
    assert "1 card, mean completeness" in text and "0 errors, 1 warning, 0 info" in text
    assert "</code>: 1 finding</summary>" in text


def test_html_report_renders_in_chromium(tmp_path, chromium):
    cards = make_cards(tmp_path / "cards", 5)
    evil = cards / "evil" / "README.md"
    evil.parent.mkdir()
    evil.write_text("# <script>document.title='pwned'</script><img src=x onerror=alert(1)>\n\n## Uses\n\n"
                    "[More Information Needed] and [<script>document.title='pwned'</script>](url)\n")
    odd = cards / "<!--<script>x&y" / "README.md"  # would break out of a script element unescaped
    odd.parent.mkdir()
    odd.write_text(CARD.format(i=9))
    page = tmp_path / "report.html"
    proc = run_cli("report", "--format", "html", "-o", str(page), str(cards), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    html_text = page.read_text()
    assert "http://" not in html_text.replace("http://www.w3.org/2000/svg", "") and "https://" not in html_text
    assert "<script>document.title" not in html_text and "&lt;script&gt;" in html_text

    dom = browse(chromium, f"{page.as_uri()}#sort=2:desc", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'data-ready="1"' in dom.stdout, "the page's script did not run to the end"
    assert "<title>cardlint report</title>" in dom.stdout  # the card's script never ran
    assert dom.stdout.count("<svg") == 3 and dom.stdout.count("<rect") >= 5
    assert "Uncaught" not in dom.stderr and ":ERROR:CONSOLE" not in dom.stderr
    body = dom.stdout.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    scores = [float(cell.split('data-v="', 1)[1].split('"', 1)[0]) for cell in body.split('<td class="num"')[1::4]]
    assert len(scores) == 7 and scores == sorted(scores, reverse=True)
    assert '<th class="num" aria-sort="descending">score</th>' in dom.stdout  # the header shows the direction
    assert dom.stdout.split("<thead>", 1)[1].split("</thead>", 1)[0].count("aria-sort") == 1

    shot = tmp_path / "report.png"
    proc = browse(chromium, page.as_uri(), f"--screenshot={shot}", "--window-size=1200,900")
    assert shot.exists() and shot.stat().st_size > 10_000, proc.stderr[-2000:]


def test_dask_cluster_gives_the_single_process_result(tmp_path):
    distributed = pytest.importorskip("distributed")
    make_cards(tmp_path / "cards", 150)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = run_cli("check", "--format", "json", "--dask", cluster.scheduler_address, str(tmp_path / "cards"))
        report = run_cli("report", "--format", "json", "--dask", cluster.scheduler_address, str(tmp_path / "cards"))
    single = run_cli("check", "--format", "json", "--jobs", "1", str(tmp_path / "cards"))
    assert on_dask.returncode == single.returncode == 1, on_dask.stderr[-2000:]
    assert json.loads(on_dask.stdout) == json.loads(single.stdout)
    assert json.loads(report.stdout)["summary"]["cards"] == 150
    unreachable = run_cli("check", "--dask", "tcp://127.0.0.1:9", str(tmp_path / "cards"))
    assert unreachable.returncode == 2 and b"Traceback" not in unreachable.stderr


def test_progress_bar_on_a_terminal_only(tmp_path):
    """A real pseudo-terminal: the bar shows for a long text run, never for JSON or a pipe."""
    import pty
    import select
    import sys
    make_cards(tmp_path / "cards", 200)

    def run_on_tty(*args):
        master, slave = pty.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "cardlint", *args], stdout=slave, stderr=slave, cwd=tmp_path,
                                env=dict(os.environ, COLUMNS="100", TERM="xterm",
                                         CARDLINT_PROGRESS_DELAY="0"))  # however fast the machine is
        os.close(slave)
        out = b""
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        proc.wait(timeout=120)
        os.close(master)
        return out.decode("utf-8", "replace")

    shown = run_on_tty("check", "--jobs", "1", "cards")
    assert "linting cards" in shown and "200 files checked" in shown
    assert "linting cards" not in run_on_tty("check", "--jobs", "1", "--format", "json", "cards")
    piped = run_cli("check", "--jobs", "1", str(tmp_path / "cards"), env={"CARDLINT_PROGRESS_DELAY": "0"})
    assert b"linting cards" not in piped.stdout + piped.stderr
