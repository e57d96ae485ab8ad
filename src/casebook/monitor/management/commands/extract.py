"""`casebook extract FILE.jsonl [-o OUT]`: articles in, candidate incidents out (JSON Lines).

`casebook extract` runs :mod:`casebook.monitor.extraction.commands` without Django; this
management command is the same function, for `casebook help` and `call_command`.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from casebook.monitor.extraction.commands import UsageError, extract_parser, extract_to


class Command(BaseCommand):
    help = extract_parser().description
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON Lines input.")
        parser.add_argument("-o", "--output", help="File to write (default: standard output).")

    def handle(self, *args, file, output, **options):
        try:
            counts = extract_to(file, output, self.stdout)
        except UsageError as error:
            raise CommandError(str(error)) from error
        self.stderr.write(
            f"{counts['read']} articles, {counts['relevant']} relevant, "
            f"{counts['skipped']} lines skipped"
        )
