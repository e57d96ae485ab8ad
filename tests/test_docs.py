"""Docs that could drift are checked here: settings and commands must be documented."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ROOT / "src" / "casebook" / "settings.py"


def test_every_environment_variable_is_in_env_example():
    used = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', SETTINGS.read_text()))
    used.add("DATABASE_URL")
    used.discard("CASEBOOK_CREATE_SECRET_KEY")  # set by `casebook init` itself, not by people
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert used - documented == set(), "add these to .env.example"


def test_every_casebook_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    ours = {name for name, app in get_commands().items() if app.startswith("casebook")}
    public = {
        "import" if n == "import_incidents" else "export" if n == "export_incidents" else n
        for n in ours
    }
    missing = {name for name in public if f"casebook {name}" not in readme}
    assert missing == set(), "document these commands in README.md"


def test_readme_quick_start_is_two_commands():
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^\s*(make \w+)\s*$", quick_start, re.M)
    assert commands[:2] == ["make demo", "make test"]


def test_every_app_folder_is_in_the_contributing_guide():
    guide = (ROOT / "CONTRIBUTING.md").read_text()
    where = guide.split("## Where things go", 1)[1].split("\n## ", 1)[0]
    apps = {path.name for path in (ROOT / "src" / "casebook").iterdir() if path.is_dir()}
    apps.discard("__pycache__")
    missing = {name for name in apps if f"`{name}/`" not in where}
    assert missing == set(), "add these apps to 'Where things go' in CONTRIBUTING.md"


def test_the_contributing_guide_points_nowhere_outside_the_repository():
    assert "../" not in (ROOT / "CONTRIBUTING.md").read_text()
