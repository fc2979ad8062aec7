"""`cardlint server`: the Language Server Protocol face of cardlint, for editors (pygls, over stdio).

It runs the same engine, configuration and profiles as `check` on the text the editor holds. Positions
are converted between cardlint's 1-based character columns and LSP's 0-based UTF-16 units using LSP's
own line breaks (CR LF, CR, LF), which are also the Card's, so a U+2028 inside a line moves nothing.
"""
from __future__ import annotations

import asyncio
import bisect
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from ._version import __version__
from .config import CONFIG_NAMES, Config, ConfigError, ConfigFinder
from .card import BOM, load_card
from .docs import rule_markdown, rule_url
from .engine import FileResult, lint_bytes
from .engine_rules import ENGINE_RULES
from .sources import is_card_name
from .fixer import fix_text_outcome, verify_fix
from .metadata_help import completion_values, key_help, top_level_keys
from .registry import Registry, load
from .rule import Finding
from .patterns import lazy

log = logging.getLogger("cardlint.server")

DEBOUNCE_SECONDS = 0.15  # short enough that the largest card shows its findings within 0.5 s (bench/lsp.py)
SEVERITY = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning,
            "info": lsp.DiagnosticSeverity.Information}
FIX_ALL_KIND = "source.fixAll.cardlint"
FIX_ALL_COMMAND = "cardlint.fixAll"
_BREAK = lazy(r"\r\n|\r|\n")


class Positions:
    """Offsets, cardlint positions and LSP positions of one text, with LSP's (and the Card's) line breaks."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [m.end() for m in _BREAK.finditer(text)]
        self.lines = _BREAK.split(text)
        self.bom = text.startswith(BOM)

    def offset_to_lsp(self, offset: int) -> lsp.Position:
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[index]
        head = self.text[start:min(offset, start + len(self.lines[index]))]
        return lsp.Position(line=index, character=_utf16(head))

    def to_lsp(self, line: int, column: int) -> lsp.Position:
        """A Finding's 1-based (line, column) -> an LSP position (the BOM, which the Card drops, counted)."""
        index = max(0, min(line - 1, len(self.lines) - 1))
        text = self.lines[index]
        chars = max(0, min(column - 1 + (1 if index == 0 and self.bom else 0), len(text)))
        return lsp.Position(line=index, character=_utf16(text[:chars]))

    def from_lsp(self, pos: lsp.Position) -> tuple[int, int]:
        """An LSP position -> cardlint's 1-based (line, column) on the Card."""
        index = max(0, min(pos.line, len(self.lines) - 1))
        text, units, chars = self.lines[index], 0, 0
        while chars < len(text) and units < pos.character:
            units += 2 if ord(text[chars]) > 0xFFFF else 1
            chars += 1
        if index == 0 and self.bom:
            chars = max(0, chars - 1)
        return index + 1, chars + 1

    def end(self) -> lsp.Position:
        return self.offset_to_lsp(len(self.text))


def _utf16(s: str) -> int:
    return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)


@dataclass
class Linted:
    """The last lint of one open document: what code actions and hovers answer from."""
    version: int | None
    text: str
    path: str
    config: Config
    result: FileResult
    positions: Positions
    diagnostics: list[lsp.Diagnostic] = field(default_factory=list)


class CardServer(LanguageServer):
    def __init__(self, registry: Registry | None = None):
        # whole-text sync: the text is small, and it keeps line counting ours, not the library's
        super().__init__("cardlint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Full)
        self.registry = registry or load()
        self.finder = ConfigFinder(None, self.registry)
        self.linted: dict[str, Linted] = {}
        self.pending: dict[str, asyncio.Task] = {}
        self.options: dict = {}

    # -- linting ----------------------------------------------------------------------------------------
    def config_for(self, path: str) -> Config:
        try:
            return self.finder.for_path(path)
        except ConfigError as exc:
            self.window_show_message(lsp.ShowMessageParams(
                type=lsp.MessageType.Error, message=f"cardlint: {exc}; using the default configuration"))
            return Config(root=Path(os.path.abspath(path)).parent)

    def reload_config(self) -> None:
        self.finder = ConfigFinder(None, self.registry)
        for uri in list(self.linted):
            self.lint(uri)

    def lint(self, uri: str) -> None:
        doc = self.workspace.get_text_document(uri)
        path = to_fs_path(uri) or uri
        config = self.config_for(path)
        if not is_card_name(os.path.basename(path), config.include) or config.is_excluded(path):
            self.linted.pop(uri, None)
            self.publish(uri, doc.version, [])
            return
        text = doc.source
        try:
            result = lint_bytes(text, path, config, self.registry)
        except Exception as exc:  # the engine reports a crashing rule itself; this is a last guard
            log.exception("linting %s failed", path)
            self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Error,
                                                         message=f"cardlint: linting {path} failed: {exc!r}"))
            return
        positions = Positions(text)
        state = Linted(doc.version, text, path, config, result, positions)
        state.diagnostics = [self.diagnostic(f, i, positions, config) for i, f in enumerate(result.findings)]
        self.linted[uri] = state
        self.publish(uri, doc.version, state.diagnostics)

    def publish(self, uri: str, version, diagnostics) -> None:
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, version=version,
                                                                            diagnostics=diagnostics))

    def diagnostic(self, f: Finding, index: int, positions: Positions, config: Config) -> lsp.Diagnostic:
        rule = self.registry.get(f.code)
        href = rule_url(rule, config.docs_url) if rule else None
        return lsp.Diagnostic(
            range=lsp.Range(start=positions.to_lsp(f.line, f.column), end=positions.to_lsp(f.end_line, f.end_column)),
            message=f.message, severity=SEVERITY[f.severity], code=f.code, source="cardlint",
            code_description=lsp.CodeDescription(href=href) if href else None,
            data={"index": index, "code": f.code, "name": f.name})

    def schedule(self, uri: str) -> None:
        """Lint after the user stops typing for a moment; a newer change cancels the older wait."""
        task = self.pending.pop(uri, None)
        if task:
            task.cancel()

        async def later():
            await asyncio.sleep(float(self.options.get("debounceSeconds", DEBOUNCE_SECONDS)))
            self.pending.pop(uri, None)
            self.lint(uri)

        self.pending[uri] = asyncio.ensure_future(later())

    # -- code actions -----------------------------------------------------------------------------------
    def finding_edit(self, state: Linted, edits) -> list[lsp.TextEdit]:
        card = load_card(state.text, state.path)
        base = card.original if card.line_map else card
        p = state.positions
        shift = 1 if p.bom else 0  # Card offsets leave the BOM out
        return [lsp.TextEdit(range=lsp.Range(start=p.offset_to_lsp(base.offset(e.line, e.column) + shift),
                                             end=p.offset_to_lsp(base.offset(e.end_line, e.end_column) + shift)),
                             new_text=e.text.replace("\n", base.newline)) for e in edits]

    def code_actions(self, uri: str, rng: lsp.Range, only) -> list[lsp.CodeAction]:
        state = self.linted.get(uri)
        if state is None:
            return []
        actions: list[lsp.CodeAction] = []
        first, _ = state.positions.from_lsp(rng.start)
        last, _ = state.positions.from_lsp(rng.end)
        wanted = (lambda kind: not only or any(kind == k or kind.startswith(k + ".") for k in only))
        card = None
        for f, diag in zip(state.result.findings, state.diagnostics):
            if f.end_line < first or f.line > last:
                continue
            if f.fix and wanted(lsp.CodeActionKind.QuickFix):
                card = card or load_card(state.text, state.path)
                if verify_fix(card, state.result, f, state.config, self.registry):
                    actions.append(lsp.CodeAction(
                        title=f"{f.fix.description or 'Fix'} ({f.code} {f.name})" + ("" if f.fix.safe else " [unsafe]"),
                        kind=lsp.CodeActionKind.QuickFix, diagnostics=[diag], is_preferred=f.fix.safe,
                        edit=lsp.WorkspaceEdit(changes={uri: self.finding_edit(state, f.fix.edits)})))
            if not any(r.owns(f) for r in ENGINE_RULES) and wanted(lsp.CodeActionKind.QuickFix):
                edit = self.disable_edit(state, f)
                if edit:
                    actions.append(lsp.CodeAction(title=f"Disable {f.name} for this line",
                                                  kind=lsp.CodeActionKind.QuickFix, diagnostics=[diag],
                                                  edit=lsp.WorkspaceEdit(changes={uri: [edit]})))
        if wanted(FIX_ALL_KIND) and any(f.fix and f.fix.safe for f in state.result.findings):
            edit = self.fix_all_edit(state)
            if edit:
                actions.append(lsp.CodeAction(title="cardlint: fix all safe problems", kind=FIX_ALL_KIND,
                                              edit=lsp.WorkspaceEdit(changes={uri: [edit]})))
        return actions

    def fix_all_edit(self, state: Linted) -> lsp.TextEdit | None:
        text = state.text[1:] if state.positions.bom else state.text
        outcome = fix_text_outcome(text, state.path, state.config, self.registry, unsafe=False)
        if not outcome.changed:
            return None
        new = (BOM if state.positions.bom else "") + outcome.text
        # one edit over the part that changed, so the editor keeps the cursor and folds elsewhere
        old = state.text
        start = 0
        while start < min(len(old), len(new)) and old[start] == new[start]:
            start += 1
        end_old, end_new = len(old), len(new)
        while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
            end_old, end_new = end_old - 1, end_new - 1
        p = state.positions
        return lsp.TextEdit(range=lsp.Range(start=p.offset_to_lsp(start), end=p.offset_to_lsp(end_old)),
                            new_text=new[start:end_new])

    def disable_edit(self, state: Linted, f: Finding) -> lsp.TextEdit | None:
        """A directive at the end of the finding's line: a YAML comment in the front matter, an HTML
        comment in the body (a comment on a line of its own would split a paragraph or a table)."""
        card = load_card(state.text, state.path)
        if card.line_map or f.line > len(card.lines):
            return None
        line = card.lines[f.line - 1]
        fm = card.front_matter
        if fm and fm.start_line <= f.line <= fm.end_line:
            if not (fm.start_line < f.line < fm.end_line) or not re.match(r"^\s*(?:- )?[\w.-]+:(?:\s|$)|^\s*- ", line) \
                    or re.search(r"[|>][-+]?\s*$", line):
                return None  # a fence, or inside a multi-line value, where a comment would change the value
            directive = f"  # cardlint: disable-line {f.name}"
        elif (f.line - 1) in card.code_indexes:
            return None
        else:
            directive = f" <!-- cardlint-disable-line {f.name} -->"
        at = state.positions.to_lsp(f.line, len(line) + 1)
        return lsp.TextEdit(range=lsp.Range(start=at, end=at), new_text=directive)

    # -- hover and completion ---------------------------------------------------------------------------
    def hover(self, uri: str, pos: lsp.Position) -> lsp.Hover | None:
        state = self.linted.get(uri)
        if state is None:
            return None
        line, column = state.positions.from_lsp(pos)
        parts = []
        for f in state.result.findings:
            inside = (f.line, f.column) <= (line, column) <= (f.end_line, max(f.end_column, f.column + 1))
            rule = self.registry.get(f.code)
            if inside and rule and rule.code not in {p[0] for p in parts}:
                parts.append((rule.code, rule_markdown(rule, state.config.docs_url, heading_level=3)))
        card = load_card(state.text, state.path)
        fm = card.front_matter
        if fm and fm.start_line < line < fm.end_line:
            m = re.match(r"^(\s*)([\w.-]+)\s*:", card.lines[line - 1])
            if m and not m.group(1) and column <= m.end(2) + 1:
                text = key_help(m.group(2), _card_type(state))
                if text:
                    parts.append(("key", text))
        title = next((s for s in card.sections if s.level == 1), None)
        if title and title.line == line and state.result.score is not None:
            parts.append(("score", _score_markdown(state.result)))
        if not parts:
            return None
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown,
                                                    value="\n\n---\n\n".join(p[1] for p in parts)))

    def completion(self, uri: str, pos: lsp.Position) -> lsp.CompletionList | None:
        doc = self.workspace.get_text_document(uri)
        positions = Positions(doc.source)
        line, column = positions.from_lsp(pos)
        card = load_card(doc.source, to_fs_path(uri) or uri)
        lines = card.lines
        # the block need not parse (the user is typing): the opening fence and the next "---" bound it
        if not lines or lines[0].strip() != "---" or line == 1:
            return None
        close = next((i + 1 for i in range(1, len(lines)) if lines[i].rstrip() == "---"), len(lines) + 1)
        if line >= close:
            return None
        state = self.linted.get(uri)
        kind = _card_type(state) if state else ("dataset" if "task_categories" in doc.source else "model")
        before = lines[line - 1][:column - 1]
        key, typed = None, ""
        m = re.match(r"^([\w.-]+)\s*:\s*\[?\s*(?:[^,\[\]]*,\s*)*([^\s,\[\]]*)$", before)
        if m:
            key, typed = m.group(1), m.group(2)
        else:
            m = re.match(r"^\s*-\s+(\S*)$", before)
            if m:
                typed = m.group(1)
                for i in range(line - 2, 0, -1):
                    k = re.match(r"^([\w.-]+)\s*:\s*$", lines[i])
                    if k:
                        key = k.group(1)
                        break
                    if lines[i] and not lines[i][0].isspace() and not lines[i].startswith("-"):
                        break
            elif re.match(r"^[\w-]*$", before):
                return lsp.CompletionList(is_incomplete=False, items=[
                    lsp.CompletionItem(label=k, kind=lsp.CompletionItemKind.Property, insert_text=f"{k}: ",
                                       documentation=key_help(k, kind)) for k in top_level_keys(kind)
                    if k.startswith(before)])
        if key is None:
            return None
        values = completion_values(key, kind)
        if not values:
            return None
        items = [lsp.CompletionItem(label=v, kind=lsp.CompletionItemKind.Value, sort_text=f"{i:05d}")
                 for i, v in enumerate(values) if v.startswith(typed)]
        return lsp.CompletionList(is_incomplete=False, items=items)


def _card_type(state: Linted | None) -> str:
    if state is None:
        return "model"
    from .engine import Context
    return Context(card=load_card(state.text, state.path), config=state.config, registry=None).card_type


def _score_markdown(result: FileResult) -> str:
    rows = ["| section | status |", "| --- | --- |"]
    for row in result.sections:
        rows.append(f"| {row.title}{' (required)' if row.required else ''} | {row.status} |")
    return f"**Completeness {result.score:g}/100** (profile `{result.profile}`)\n\n" + "\n".join(rows)


def build_server(registry: Registry | None = None) -> CardServer:
    server = CardServer(registry)

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: CardServer, params: lsp.InitializeParams):
        ls.options = params.initialization_options or {}

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: CardServer, params):
        caps = ls.client_capabilities.workspace
        watch = caps and caps.did_change_watched_files and caps.did_change_watched_files.dynamic_registration
        if watch:
            ls.client_register_capability(lsp.RegistrationParams(registrations=[lsp.Registration(
                id="cardlint-config", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=lsp.DidChangeWatchedFilesRegistrationOptions(watchers=[
                    lsp.FileSystemWatcher(glob_pattern=f"**/{name}") for name in CONFIG_NAMES]))]))

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CardServer, params: lsp.DidOpenTextDocumentParams):
        ls.lint(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: CardServer, params: lsp.DidChangeTextDocumentParams):
        ls.schedule(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CardServer, params: lsp.DidSaveTextDocumentParams):
        if os.path.basename(to_fs_path(params.text_document.uri) or "") in CONFIG_NAMES:
            ls.reload_config()
        elif params.text_document.uri in ls.workspace.text_documents:
            ls.lint(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CardServer, params: lsp.DidCloseTextDocumentParams):
        ls.linted.pop(params.text_document.uri, None)
        ls.publish(params.text_document.uri, None, [])

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: CardServer, params: lsp.DidChangeWatchedFilesParams):
        if any(os.path.basename(to_fs_path(c.uri) or "") in CONFIG_NAMES for c in params.changes):
            ls.reload_config()

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(
        code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL_KIND]))
    def code_action(ls: CardServer, params: lsp.CodeActionParams):
        return ls.code_actions(params.text_document.uri, params.range, params.context.only)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: CardServer, params: lsp.HoverParams):
        return ls.hover(params.text_document.uri, params.position)

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[":", " ", "-", ","]))
    def completion(ls: CardServer, params: lsp.CompletionParams):
        return ls.completion(params.text_document.uri, params.position)

    @server.command(FIX_ALL_COMMAND)
    async def fix_all_command(ls: CardServer, *args):
        """Apply every safe fix to an open card through workspace/applyEdit (for a key binding or on save)."""
        uri = args[0] if args and isinstance(args[0], str) else None
        state = ls.linted.get(uri) if uri else None
        edit = ls.fix_all_edit(state) if state else None
        if edit is None:
            return {"applied": False}
        result = await ls.workspace_apply_edit_async(lsp.ApplyWorkspaceEditParams(
            edit=lsp.WorkspaceEdit(changes={uri: [edit]}), label="cardlint: fix all safe problems"))
        return {"applied": bool(result.applied)}

    return server


def main() -> int:
    build_server().start_io()
    return 0
