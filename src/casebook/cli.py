"""The `casebook` command: Casebook's own commands plus every Django management command.

casebook init                 set up the database, codebook and an administrator
casebook demo [--size N]      init + synthetic sample + serve on http://127.0.0.1:8000 (--port)
casebook serve                serve the web interface
casebook import FILE          import incidents (CSV, JSON, ACLED)
casebook export               export incidents (CSV, JSON, ACLED) or the import template
casebook extract FILE.jsonl   run the news extractor over articles (no database needed)
"""

from __future__ import annotations

import os
import secrets
import sys

from casebook.lib.data_folders import default_data_dir, demo_data_dir, holds_a_casebook

# Commands whose Python module cannot carry the public name (`import` is a keyword).
ALIASES = {"import": "import_incidents", "export": "export_incidents"}
# Only these may create the secret key file; everything else must find one configured.
CREATES_SECRET_KEY = {"init", "demo"}
HELP = {"help", "-h", "--help"}


def only_asks_for_help(argv: list[str]) -> bool:
    """`casebook`, `casebook --help`, `casebook help import`, `casebook import --help`."""
    return len(argv) < 2 or argv[1] in HELP or any(arg in {"-h", "--help"} for arg in argv[2:])


def demo_is_the_only_casebook() -> bool:
    """Nothing chose a casebook, there is no installation of one's own, but there is a demo.

    That is the state `make demo` leaves on a new machine; a newcomer then expects the other
    commands (import, export, serve…) to work on the casebook they have just been shown.
    """
    if os.environ.get("CASEBOOK_DATA_DIR") or os.environ.get("DATABASE_URL"):
        return False
    return not holds_a_casebook(default_data_dir()) and holds_a_casebook(demo_data_dir())


def prepare_environment(argv: list[str]) -> list[str]:
    command = argv[1] if len(argv) > 1 else "help"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebook.settings")
    helping = only_asks_for_help(argv)
    if helping:
        # Listing commands and options signs nothing: it needs no installation, so a key made
        # up for this process (never stored) lets help work before `casebook init`.
        os.environ.setdefault("CASEBOOK_SECRET_KEY", secrets.token_urlsafe(50))
    elif command in CREATES_SECRET_KEY:
        os.environ["CASEBOOK_CREATE_SECRET_KEY"] = "1"  # noqa: S105 (a flag, not a key)
    # The demo never touches a real installation's database.
    if command == "demo":
        if not os.environ.get("DATABASE_URL"):
            os.environ.setdefault("CASEBOOK_DATA_DIR", str(demo_data_dir()))
    elif command != "init" and demo_is_the_only_casebook():
        os.environ["CASEBOOK_DATA_DIR"] = str(demo_data_dir())
        if not helping:
            print(
                f"casebook: using the demo casebook in {demo_data_dir()} (this machine has no "
                f"other; `casebook init` makes one in {default_data_dir()}).",
                file=sys.stderr,
            )
    if os.environ.get("CASEBOOK_DATA_DIR") == str(demo_data_dir()):
        # Demo accounts share a printed password; asking visitors to enrol an
        # authenticator app for invented data would only get in the way.
        os.environ.setdefault("CASEBOOK_REQUIRE_TWO_FACTOR", "0")
    if command in ALIASES:
        argv = [argv[0], ALIASES[command], *argv[2:]]
    elif command == "help" and len(argv) > 2 and argv[2] in ALIASES:
        argv = [argv[0], "help", ALIASES[argv[2]], *argv[3:]]
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
