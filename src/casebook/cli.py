"""The `casebook` command: Casebook's own commands plus every Django management command.

casebook init                 set up the database, codebook and an administrator
casebook demo [--size N]      init + synthetic sample + serve on http://127.0.0.1:8000
casebook serve                serve the web interface
casebook import FILE          import incidents (CSV, JSON, ACLED)
casebook export               export incidents (CSV, JSON, ACLED) or the import template
casebook extract FILE.jsonl   run the news extractor over articles (no database needed)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Commands whose Python module cannot carry the public name (`import` is a keyword).
ALIASES = {"import": "import_incidents", "export": "export_incidents"}
# Only these may create the secret key file; everything else must find one configured.
CREATES_SECRET_KEY = {"init", "demo"}


def demo_data_dir() -> Path:
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "casebook-demo"


def prepare_environment(argv: list[str]) -> list[str]:
    command = argv[1] if len(argv) > 1 else "help"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebook.settings")
    if command in CREATES_SECRET_KEY:
        os.environ["CASEBOOK_CREATE_SECRET_KEY"] = "1"  # noqa: S105 (a flag, not a key)
    # The demo never touches a real installation's database.
    if command == "demo":
        if not os.environ.get("DATABASE_URL"):
            os.environ.setdefault("CASEBOOK_DATA_DIR", str(demo_data_dir()))
        # Demo accounts share a printed password; asking visitors to enrol an
        # authenticator app for invented data would only get in the way.
        os.environ.setdefault("CASEBOOK_REQUIRE_TWO_FACTOR", "0")
    if command in ALIASES:
        argv = [argv[0], ALIASES[command], *argv[2:]]
    return argv


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1:
        # Pure functions of their input files: no settings, database or secret key needed.
        from casebook.monitor.extraction.commands import PURE_COMMANDS

        if argv[1] in PURE_COMMANDS:
            return PURE_COMMANDS[argv[1]](argv[2:])
    argv = prepare_environment(argv)
    argv[0] = "casebook"
    from django.core.exceptions import ImproperlyConfigured

    from casebook.lib.env import EnvError

    try:
        import django

        django.setup()
    except (ImproperlyConfigured, EnvError) as error:
        print(f"casebook: configuration problem: {error}", file=sys.stderr)
        return 2
    from django.core.management import execute_from_command_line

    if len(argv) == 1 or argv[1] in {"-h", "--help"}:
        print(__doc__)
        argv = [argv[0], "help"]
    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
