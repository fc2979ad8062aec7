"""The language server, end to end: a real LSP client (pytest-lsp) talks to `cardlint server` over stdio."""
from __future__ import annotations

import asyncio
import os
import re
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp is not installed (pip install -e '.[test]')")
pytest.importorskip("pygls", reason="pygls is not installed (pip install 'cardlint[lsp]')")

from lsprotocol import types as lsp  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

from test_plugins import make_distribution  # noqa: E402

CARD = textwrap.dedent("""\
    ---
    license: Apache-2.0
    metrics: [accuracy]
    ---
    # 🤗 Demo [Model Name]

    A small model that sorts reviews into positive and negative.

    ## Uses

    Sort product reviews.

    ## Limitations

    English only; short reviews.
    """)


def to_offset(text: str, pos: lsp.Position) -> int:
    """An LSP position (UTF-16 units, LSP line breaks) -> an offset in text: the client's side of the sum."""
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    start = starts[pos.line]
    units = chars = 0
    while units < pos.character:
        units += 2 if ord(text[start + chars]) > 0xFFFF else 1
        chars += 1
    return start + chars


def apply_text_edits(text: str, edits) -> str:
    spans = sorted(((to_offset(text, e.range.start), to_offset(text, e.range.end), e.new_text) for e in edits),
                   reverse=True)
    for a, b, new in spans:
        text = text[:a] + new + text[b:]
    return text


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "cardlint", "server"]))
async def client(lsp_client: LanguageClient):
    lsp_client.applied_edits = []

    @lsp_client.feature(lsp.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: lsp.ApplyWorkspaceEditParams):
        lsp_client.applied_edits.append(params.edit)
        return lsp.ApplyWorkspaceEditResult(applied=True)

    await lsp_client.initialize_session(lsp.InitializeParams(capabilities=lsp.ClientCapabilities()))
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def project(tmp_path):
    (tmp_path / ".git").mkdir()  # the configuration search stops here
    return tmp_path


class Doc:
    """One card open in the client, with the text the client holds."""

    def __init__(self, client: LanguageClient, path, text: str):
        self.client, self.uri, self.text, self.version = client, path.as_uri(), text, 1
        path.write_text(text, encoding="utf-8")

    async def open(self):
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(
            uri=self.uri, language_id="markdown", version=self.version, text=self.text)))
        return await self.diagnostics()

    async def change(self, text: str):
        self.text, self.version = text, self.version + 1
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))
        return await self.diagnostics()

    async def diagnostics(self):
        # bounded: a server that never publishes fails the test instead of hanging it
        await asyncio.wait_for(self.client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 30)
        return list(self.client.diagnostics[self.uri])

    async def actions(self, diag, only=None):
        return await self.client.text_document_code_action_async(lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=self.uri), range=diag.range,
            context=lsp.CodeActionContext(diagnostics=[diag], only=only)))


def by_code(diagnostics, code):
    return next(d for d in diagnostics if d.code == code)


@pytest.mark.asyncio
async def test_diagnostics_with_exact_ranges_then_updated_on_change(client: LanguageClient, project):
    doc = Doc(client, project / "README.md", CARD)
    diags = await doc.open()
    lic = by_code(diags, "CL104")
    assert (lic.range.start.line, lic.range.start.character) == (1, 9)
    assert (lic.range.end.line, lic.range.end.character) == (1, 19)  # the value "Apache-2.0"
    assert lic.severity == lsp.DiagnosticSeverity.Error and lic.source == "cardlint"
    assert lic.code_description.href.endswith("/docs/rules/unknown-license.md")
    placeholder = by_code(diags, "CL202")
    # "# 🤗 Demo " is 9 characters but 10 UTF-16 units: the emoji counts twice, as LSP says
    assert (placeholder.range.start.line, placeholder.range.start.character) == (4, 10)
    assert placeholder.range.end.character == 10 + len("[Model Name]")

    diags = await doc.change(CARD.replace("Apache-2.0", "apache-2.0").replace(" [Model Name]", ""))
    assert {d.code for d in diags} & {"CL104", "CL202"} == set()


@pytest.mark.asyncio
async def test_quick_fix_disable_action_and_fix_all_through_apply_edit(client: LanguageClient, project):
    doc = Doc(client, project / "README.md", CARD.replace("metrics: [accuracy]", "tags: demo"))
    diags = await doc.open()
    lic = by_code(diags, "CL104")
    actions = await doc.actions(lic, only=[lsp.CodeActionKind.QuickFix])
    fix = next(a for a in actions if "CL104" in a.title and a.edit)
    assert fix.is_preferred and fix.kind == lsp.CodeActionKind.QuickFix
    fixed = apply_text_edits(doc.text, fix.edit.changes[doc.uri])
    assert "license: apache-2.0\n" in fixed and fixed.replace("apache-2.0", "Apache-2.0") == doc.text
    diags = await doc.change(fixed)
    assert "CL104" not in {d.code for d in diags}

    # "disable this rule for this line" inserts a directive that silences exactly that finding
    placeholder = by_code(diags, "CL202")
    disable = next(a for a in await doc.actions(placeholder) if a.title.startswith("Disable placeholder-text"))
    diags = await doc.change(apply_text_edits(doc.text, disable.edit.changes[doc.uri]))
    assert "<!-- cardlint-disable-line placeholder-text -->" in doc.text.splitlines()[4]
    assert "CL202" not in {d.code for d in diags}

    # fix all: a source action, and a command the server carries out through workspace/applyEdit
    tags = by_code(diags, "CL112")
    source = await doc.actions(tags, only=["source.fixAll"])
    assert [a.kind for a in source] == ["source.fixAll.cardlint"]
    result = await client.workspace_execute_command_async(lsp.ExecuteCommandParams(
        command="cardlint.fixAll", arguments=[doc.uri]))
    assert result["applied"] is True
    (edit,) = client.applied_edits
    new_text = apply_text_edits(doc.text, edit.changes[doc.uri])
    assert "tags: [demo]" in new_text
    assert new_text == apply_text_edits(doc.text, source[0].edit.changes[doc.uri])
    diags = await doc.change(new_text)
    assert not [d for d in diags if d.code in ("CL104", "CL112")]


@pytest.mark.asyncio
async def test_hover_on_a_finding_a_metadata_key_and_the_title(client: LanguageClient, project):
    doc = Doc(client, project / "README.md", CARD)
    await doc.open()

    async def hover(line, character):
        result = await client.text_document_hover_async(lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=doc.uri), position=lsp.Position(line=line, character=character)))
        return result.contents.value if result else ""

    on_value = await hover(1, 12)
    assert "CL104 unknown-license" in on_value and "What it deliberately does not flag" in on_value
    on_key = await hover(2, 2)
    assert "`metrics`" in on_key and "evaluated" in on_key
    on_title = await hover(4, 1)
    assert "Completeness" in on_title and "/100" in on_title
    assert await hover(7, 3) == ""  # plain prose: nothing to say


@pytest.mark.asyncio
async def test_completion_of_front_matter_values_and_keys(client: LanguageClient, project):
    text = "---\nlicense: apa\nlanguage:\n- fr\n- \npipeline_tag: text-cl\n---\n# Model\n"
    doc = Doc(client, project / "README.md", text)
    await doc.open()

    async def labels(line, character):
        result = await client.text_document_completion_async(lsp.CompletionParams(
            text_document=lsp.TextDocumentIdentifier(uri=doc.uri), position=lsp.Position(line=line, character=character)))
        items = result.items if isinstance(result, lsp.CompletionList) else (result or [])
        return [i.label for i in items]

    assert "apache-2.0" in await labels(1, len("license: apa"))
    assert "mit" not in await labels(1, len("license: apa"))
    assert {"en", "de"} <= set(await labels(4, 2))  # a list item under language:
    assert await labels(5, len("pipeline_tag: text-cl")) == ["text-classification"]
    assert await labels(7, 3) == []  # the body is not metadata


@pytest.mark.asyncio
async def test_configuration_change_changes_diagnostics(client: LanguageClient, project):
    doc = Doc(client, project / "README.md", CARD)
    assert "CL202" in {d.code for d in await doc.open()}
    config = project / ".cardlint.yaml"
    config.write_text("ignore: [placeholder-text]\ndocs-url: https://docs.example.org/{code}.html\n")
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(changes=[
        lsp.FileEvent(uri=config.as_uri(), type=lsp.FileChangeType.Created)]))
    diags = await doc.diagnostics()
    assert "CL202" not in {d.code for d in diags}
    assert by_code(diags, "CL104").code_description.href == "https://docs.example.org/CL104.html"


@pytest.mark.asyncio
async def test_only_cards_are_linted_and_a_hostile_card_does_not_stop_the_server(client: LanguageClient, project):
    notes = Doc(client, project / "NOTES.md", CARD)
    assert await notes.open() == []  # not a card name: no diagnostics
    hostile = Doc(client, project / "README.md", "---\nlicense: [" + "[" * 5000 + "\n---\n" + "> " * 3000 + "x\n")
    assert "CL102" in {d.code for d in await hostile.open()}
    (project / "sub").mkdir()
    doc = Doc(client, project / "sub" / "README.md", CARD)
    assert "CL104" in {d.code for d in await doc.open()}  # the server still answers


# A plugin whose rule crashes on every card, installed for the server process only.
_SITE = Path(tempfile.mkdtemp(prefix="cardlint-lsp-plugin-"))
make_distribution(_SITE, "cardlint_crashing", textwrap.dedent('''\
    from cardlint.rule import rule


    @rule("XY900", "always-crashes", "A rule that crashes.")
    def always_crashes(card, ctx):
        """Crashes."""
        raise KeyError("boom")
    '''), "crashing = cardlint_crashing\n")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "cardlint", "server"],
                                              server_env={**os.environ, "PYTHONPATH": str(_SITE)}))
async def crashing_client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(lsp.InitializeParams(capabilities=lsp.ClientCapabilities()))
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_a_crashing_rule_is_a_diagnostic_not_a_dead_server(crashing_client: LanguageClient, project):
    doc = Doc(crashing_client, project / "README.md", CARD)
    diags = await doc.open()
    crash = by_code(diags, "CL002")
    assert "XY900" in crash.message and "KeyError" in crash.message
    assert "CL104" in {d.code for d in diags}  # the other rules still ran
    diags = await doc.change(CARD.replace("Apache-2.0", "mit"))
    assert "CL104" not in {d.code for d in diags} and "CL002" in {d.code for d in diags}
