"""The commands that read no card: rules, explain, config, server."""
from __future__ import annotations

import os

from ..errors import UsageError
from ..report.escape import say
from .common import EXIT_OK, load_registry


def cmd_rules(args) -> int:
    registry = load_registry()
    if args.docs:
        from ..docs import write_docs
        try:
            written = write_docs(args.docs, registry)
        except OSError as exc:
            raise UsageError(f"cannot write {args.docs!r}: {exc.strerror}") from None
        say(f"wrote {len(written)} pages to {args.docs}")
        return EXIT_OK
    if args.profiles:  # the built-in ones and those of the rule packs the configuration here names
        from ..config import ConfigFinder
        from ..packs import data_dir, profiles
        packs = tuple(ConfigFinder(args.config, registry).for_folder().rule_packs)
        from ..topics import DATASET_TOPICS, MEANING, MODEL_TOPICS
        known = profiles(packs)
        width = max(map(len, known)) + 1
        for name, prof in sorted(known.items()):
            covered = ", ".join(dict.fromkeys(e.topic for e in prof.sections if e.topic != "other"))
            print(f"{name:{width}} {prof.title} ({len(prof.sections)} sections, {len(prof.fields)} fields; "
                  f"topics: {covered})" + ("" if str(prof.origin).startswith(str(data_dir())) else f"  [{prof.origin}]"))
        print("\ndocumentation topics (model cards: " + ", ".join(MODEL_TOPICS) + "; dataset cards: "
              + ", ".join(DATASET_TOPICS) + "):")
        for topic, meaning in MEANING.items():
            print(f"  {topic:21} {meaning}")
        return EXIT_OK
    if args.format == "json":
        import json
        print(json.dumps([{"code": r.code, "name": r.name, "severity": r.severity, "fixable": r.fixable, "fix": r.fix,
                           "options": {k: {"default": o.default, "help": o.help} for k, o in r.options.items()},
                           "tags": list(r.tags), "summary": r.summary, "origin": r.origin} for r in registry.rules],
                         indent=2))
    elif args.format == "markdown":
        print(rules_markdown(registry))
    else:
        for r in registry.rules:
            print(f"{r.code}  {r.name:26} {r.severity:8} {'fixable' if r.fixable else '       '}  {r.summary}")
    return EXIT_OK


def rules_markdown(registry) -> str:
    """The rule table, then one line per rule on what it deliberately does not flag (from its docs)."""
    from ..docs import doc_sections
    rows = ["| code | name | severity | fix | what it finds |", "| --- | --- | --- | --- | --- |"]
    for r in registry.rules:
        summary = r.summary.replace("|", "\\|")
        rows.append(f"| {r.code} | `{r.name}` | {r.severity} | {'' if r.fix == 'none' else r.fix} | {summary} |")
    rows += ["", "What each rule deliberately does not flag:", ""]
    for r in registry.rules:
        quiet = " ".join(doc_sections(r.doc).get("Not flagged", "").split())
        if quiet:
            rows.append(f"- `{r.name}`: {quiet}")
    return "\n".join(rows)


def cmd_explain(args) -> int:
    registry = load_registry()
    rule = registry.get(args.rule)
    if rule is None:
        if _explain_key(args.rule):
            return EXIT_OK
        raise UsageError(f"no rule or front matter key {args.rule!r}; see `cardlint rules`")
    from ..config import ConfigFinder
    from ..docs import rule_markdown
    print(rule_markdown(rule, ConfigFinder(None, registry).for_folder().docs_url), end="")
    return EXIT_OK


def _explain_key(name: str) -> bool:
    """`cardlint explain pipeline_tag`: what a front matter key holds and every value the Hub accepts."""
    from ..metadata_help import completion_values, key_help, top_level_keys
    for kind in ("model", "dataset"):
        for key in (name, name.replace("-", "_")):
            if key in top_level_keys(kind):
                print(key_help(key, kind).split("\n\nOne of")[0].replace("**", ""))
                values = completion_values(key, kind)
                if values:
                    print(f"\n{len(values):,} values the Hub accepts ({kind} cards):")
                    print("\n".join(f"  {v}" for v in values))
                return True
    return False


def cmd_server(args) -> int:
    try:
        from ..server import main as serve
    except ImportError as exc:
        raise UsageError(f"the language server needs pygls ({exc.name} is not installed): "
                         "pip install 'cardlint[lsp]'") from None
    return serve()


def cmd_config(args) -> int:
    import json
    from ..config import ConfigFinder
    registry = load_registry()
    if args.schema:
        from ..config import config_schema
        print(json.dumps(config_schema(registry), indent=2))
        return EXIT_OK
    cfg = ConfigFinder(args.config, registry).for_path(os.path.join(args.path, "README.md")
                                                       if os.path.isdir(args.path) else args.path)
    print(f"# configuration for {args.path}: {cfg.source or 'defaults (no configuration file found)'}")
    print(json.dumps(cfg.as_dict(), indent=2))
    return EXIT_OK
