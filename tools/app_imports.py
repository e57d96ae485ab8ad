"""Print which of Casebook's apps import which, with the number of import statements.

    python tools/app_imports.py            # one line per pair of apps, then the cycles
    python tools/app_imports.py --dot      # the same graph for Graphviz

Every `import` counts, including those inside functions (a deferred import is still a
dependency). Top-level modules (`cli`, `bootstrap`, `settings`, `urls`) count as apps of their
own. Reads the source with `ast`; imports nothing of Casebook, needs no database.
"""

from __future__ import annotations

import argparse
import ast
from collections import Counter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "casebook"


def app_of(dotted: str) -> str | None:
    """The app a `casebook.…` module belongs to, or None for anything outside Casebook.

    >>> app_of("casebook.cases.models.incident")
    'cases'
    >>> app_of("django.db") is None
    True
    """
    parts = dotted.split(".")
    if parts[0] != "casebook" or len(parts) < 2:
        return None
    return parts[1]


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                found.append(".".join([*base, node.module] if node.module else base))
            elif node.module:
                found.append(node.module)
    return found


def app_edges(package: Path = PACKAGE) -> Counter[tuple[str, str]]:
    edges: Counter[tuple[str, str]] = Counter()
    for path in sorted(package.rglob("*.py")):
        if "migrations" in path.parts:
            continue  # migrations name other apps' models by history, not by design
        importer = app_of(module_name(path))
        for dotted in imported_modules(path):
            imported = app_of(dotted)
            if importer and imported and imported != importer:
                edges[(importer, imported)] += 1
    return edges


def cycles(edges: Counter[tuple[str, str]]) -> list[tuple[str, str]]:
    """Pairs of apps that import each other."""
    return sorted((a, b) for a, b in edges if a < b and (b, a) in edges)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dot", action="store_true", help="Print a Graphviz digraph.")
    arguments = parser.parse_args()
    edges = app_edges()
    if arguments.dot:
        print("digraph apps {")
        for (a, b), count in sorted(edges.items()):
            print(f'  "{a}" -> "{b}" [label={count}];')
        print("}")
        return
    for (a, b), count in sorted(edges.items()):
        print(f"{a:>10} -> {b:<10} {count:>3}")
    mutual = cycles(edges)
    print(f"{len(edges)} edges between apps; {len(mutual)} pairs import each other:")
    for a, b in mutual:
        print(f"  {a} <-> {b}  ({edges[(a, b)]} / {edges[(b, a)]})")


if __name__ == "__main__":
    main()
