"""An atheris harness for longer fuzzing outside CI:

    pip install atheris && python tests/fuzz/fuzz_cardlint.py -max_total_time=600 fixtures/

Every input must lint without an internal error and fix to a fixed point. A crash or hang it finds
becomes a fixture card and a regression test."""
import sys

import atheris

with atheris.instrument_imports():
    from cardlint.config import Config
    from cardlint.engine import lint_bytes
    from cardlint.fixer import fix_text_outcome
    from cardlint.card import Unreadable, decode
    from cardlint.registry import load

REGISTRY = load()
CONFIG = Config(timeout=0)


def one_input(data: bytes) -> None:
    result = lint_bytes(data, "README.md", CONFIG, REGISTRY)
    crashed = [f for f in result.findings if f.name == "internal-error"]
    if crashed:
        raise RuntimeError(crashed[0].message)
    try:
        text, _ = decode(data)
    except Unreadable:
        return
    once = fix_text_outcome(text, "README.md", CONFIG, REGISTRY).text
    if fix_text_outcome(once, "README.md", CONFIG, REGISTRY).text != once:
        raise RuntimeError("fix is not idempotent")


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
