from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress

from casebook.audit.models import AuditEntry
from casebook.audit.services import audit_verify


class Command(BaseCommand):
    help = "Work with the audit trail: `casebook audit verify` checks the hash chain."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["verify"])

    def handle(self, *args, verb, **options):
        console = Console()
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Checking the audit chain", total=AuditEntry.objects.count())
            report = audit_verify(progress=lambda n: progress.advance(task, n))
        if not report.ok:
            raise CommandError(
                f"Audit trail broken after {report.checked} good entries: {report.problem}"
            )
        console.print(f"Audit trail intact: {report.checked} entries, chain and head agree.")
