"""The card layer: a card's bytes turned into a Card and everything derived from it that more than one
rule, or the score, reads. Nothing here knows about rules, profiles or configuration.

    text         decoding, line breaks, pipe-mangled recovery
    frontmatter  the YAML block with node positions and limits
    markdown     the parser, inline text, masking, slugs
    core         Card and Section
"""
from __future__ import annotations

from .core import Card, Section, load_card
from .frontmatter import FrontMatter, YamlLimit, YamlProblem, safe_yaml, yaml_scalar
from .markdown import inline_text, markdown_parser, mask_inline, slugify
from .text import BOM, MAX_SCAN, Unreadable, decode, recover_pipe_mangled

__all__ = ["BOM", "MAX_SCAN", "Card", "FrontMatter", "Section", "Unreadable", "YamlLimit", "YamlProblem", "decode",
           "inline_text", "load_card", "markdown_parser", "mask_inline", "recover_pipe_mangled", "safe_yaml",
           "slugify", "yaml_scalar"]
