"""Where a laptop install keeps its database, keys and files, and where the demo keeps its own.

Both are outside the repository, under the XDG data folder (`~/.local/share` by default):
`casebook` for the installation `casebook init` makes, `casebook-demo` for `casebook demo`,
so that trying the demo never touches a real casebook. `CASEBOOK_DATA_DIR` overrides both.
"""

from __future__ import annotations

import os
from pathlib import Path

DATABASE_FILE = "casebook.sqlite3"


def _xdg_data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def default_data_dir() -> Path:
    """The folder of the installation `casebook init` makes when nothing else is set."""
    return _xdg_data_home() / "casebook"


def demo_data_dir() -> Path:
    """The folder of the casebook `casebook demo` makes."""
    return _xdg_data_home() / "casebook-demo"


def holds_a_casebook(folder: Path) -> bool:
    """Has a SQLite casebook been set up in this folder?"""
    return (folder / DATABASE_FILE).is_file()
