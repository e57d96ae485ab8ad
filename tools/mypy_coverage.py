"""Print how many of Casebook's modules mypy checks: those under `[tool.mypy] files`.

    python tools/mypy_coverage.py

Counts .py files under src/casebook, migrations left out (they are generated); lines too.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def modules(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.py") if "migrations" not in p.parts]


def main() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    checked = {p for entry in config["files"] for p in modules(ROOT / entry)}
    every = set(modules(ROOT / "src" / "casebook"))
    lines = {p: len(p.read_text(encoding="utf-8").splitlines()) for p in every}
    checked_lines = sum(lines[p] for p in checked)
    print(
        f"mypy checks {len(checked)} of {len(every)} modules "
        f"({len(checked) / len(every):.0%}), {checked_lines:,} of {sum(lines.values()):,} lines "
        f"({checked_lines / sum(lines.values()):.0%})"
    )
    for entry in config["files"]:
        print(f"  {entry}")


if __name__ == "__main__":
    main()
