"""Language-server latency (a benchmark, not a test): how long after a change to the largest card the
editor has its diagnostics, through the real server process over stdio.

    python3 bench/lsp.py [CARD] [--changes N]

Target: under 0.5 s from the change notification to the diagnostics for that version (debounce included).
The card defaults to the largest file in ../shared/corpus, or the largest fixture card without it.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def largest_card() -> Path:
    folder = CORPUS if CORPUS.is_dir() else ROOT / "fixtures"
    return max((p for p in folder.rglob("*.md")), key=lambda p: p.stat().st_size)


async def measure(card: Path, changes: int) -> list[float]:
    client = LanguageClient("cardlint-bench", "1")
    arrived: dict[int, float] = {}
    waiting: dict[int, asyncio.Event] = {}

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: lsp.PublishDiagnosticsParams):
        if params.version is not None:
            arrived[params.version] = time.perf_counter()
            waiting.setdefault(params.version, asyncio.Event()).set()

    await client.start_io(sys.executable, "-m", "cardlint", "server")
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities()))
    client.initialized(lsp.InitializedParams())
    text = card.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        uri = (Path(folder) / "README.md").as_uri()
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(
            uri=uri, language_id="markdown", version=0, text=text)))
        await asyncio.wait_for(waiting.setdefault(0, asyncio.Event()).wait(), 60)
        latencies = []
        for version in range(1, changes + 1):
            text += "x"
            sent = time.perf_counter()
            client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))
            await asyncio.wait_for(waiting.setdefault(version, asyncio.Event()).wait(), 60)
            latencies.append(arrived[version] - sent)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return latencies


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("card", nargs="?", type=Path)
    ap.add_argument("--changes", type=int, default=10)
    args = ap.parse_args()
    card = args.card or largest_card()
    latencies = asyncio.run(measure(card, args.changes))
    print(f"card: {card.name} ({card.stat().st_size:,} bytes), {len(latencies)} changes")
    print(f"change -> diagnostics: min {min(latencies):.3f} s, median {statistics.median(latencies):.3f} s, "
          f"max {max(latencies):.3f} s (target < 0.5 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
