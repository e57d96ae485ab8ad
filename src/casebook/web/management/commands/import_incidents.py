"""`casebook import FILE`: import incidents from Casebook CSV or JSON, or an ACLED export."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casebook.accounts.models import User
from casebook.transfer.formats import FORMATS
from casebook.transfer.services import ImportFileError, incidents_import

SHOWN = 50  # problems listed before "…and N more": the first ones usually explain the rest


class Command(BaseCommand):
    help = ("Import incidents from a Casebook CSV or JSON file or an ACLED export. "
            "Nothing is written unless the whole file is valid.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to import, or - for standard input.")
        parser.add_argument("--format", default="auto", choices=["auto", *FORMATS],
                            help="The file's layout (default: recognised from the file).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check the file and say what would change; write nothing.")
        parser.add_argument("--skip-existing", action="store_true",
                            help="Leave incidents imported before as they are.")
        parser.add_argument("--channel", default="other",
                            help="Channel of sources that name none (default: other).")
        parser.add_argument("--user", help="Record the import as done by this user.")

    def handle(self, *args, file, format, dry_run, skip_existing, channel, user, **options):
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"There is no user {user!r}.")
        if file == "-":
            data, filename = sys.stdin.buffer.read(), ""
        else:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"There is no file {file}.")
            data, filename = path.read_bytes(), path.name
        try:
            report = incidents_import(
                file=data, filename=filename, format=format, actor=actor, dry_run=dry_run,
                update_existing=not skip_existing, default_channel=channel,
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        for problem in report.problems[:SHOWN]:
            self.stderr.write(f"  {problem}")
        if len(report.problems) > SHOWN:
            self.stderr.write(f"  …and {len(report.problems) - SHOWN} more.")
        for note in report.notes:
            self.stdout.write(f"Note: {note}")
        if report.skipped:
            self.stdout.write(f"Skipped {len(report.skipped)} rows, e.g. "
                              f"{report.skipped[0].where}: {report.skipped[0].reason}.")
        if not report.ok:
            raise CommandError(report.summary)
        self.stdout.write(self.style.SUCCESS(report.summary))
