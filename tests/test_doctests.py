"""Every example in a docstring runs, so that none of them drifts from what the code does."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "casebook"


def modules_with_examples() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts or ">>>" not in path.read_text(encoding="utf-8"):
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


@pytest.mark.parametrize("name", modules_with_examples())
def test_the_examples_in_the_docstrings_hold(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    examples = 0
    for test in finder.find(module, name):
        examples += len(test.examples)
        runner.run(test, out=report.append)
    assert examples, f"{name} mentions >>> but has no example doctest can find"
    assert runner.failures == 0, "".join(report)


def test_the_suite_finds_the_modules_with_examples():
    assert "casebook.people.keys.cipher" in modules_with_examples()
