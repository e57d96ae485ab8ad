from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress

from casebook.audit import anchor
from casebook.audit.models import AuditEntry
from casebook.audit.services import audit_reanchor, audit_verify


class Command(BaseCommand):
    help = (
        "Work with the audit trail: `casebook audit verify` checks the keyed hash chain "
        "against the signed checkpoint kept outside the database; `casebook audit reanchor` "
        "moves the checkpoint back after restoring a database backup."
    )

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        verify = verbs.add_parser("verify", help="Check the chain, its head and its checkpoint.")
        verify.add_argument(
            "--checkpoint",
            metavar="N:HASH",
            help="A checkpoint line an earlier `audit verify` printed: the trail must hold it.",
        )
        reanchor = verbs.add_parser(
            "reanchor",
            help="After restoring a database backup: accept that the entries made since it "
            "are gone, and move the checkpoint to the restored trail's end.",
        )
        reanchor.add_argument(
            "--yes", action="store_true", help="Confirm: the restore was deliberate."
        )

    def handle(self, *args, verb, **options):
        self.console = Console(soft_wrap=True)
        getattr(self, f"_{verb}")(**options)

    def _verify(self, checkpoint: str | None = None, **options):
        with Progress(console=self.console, transient=True) as progress:
            task = progress.add_task("Checking the audit chain", total=AuditEntry.objects.count())
            try:
                report = audit_verify(
                    progress=lambda n: progress.advance(task, n), operator_checkpoint=checkpoint
                )
            except ValueError as error:
                raise CommandError(str(error)) from None
        if not report.ok:
            raise CommandError(
                f"Audit trail broken after {report.checked} good entries: {report.problem}"
            )
        self.console.print(
            f"Audit trail intact: {report.checked} entries, chain, head and checkpoint agree."
        )
        if report.checkpoint:
            self.console.print(
                f"Checkpoint (keep a copy outside this machine; check a later trail against "
                f"it with `casebook audit verify --checkpoint ...`):\n{report.checkpoint.line()}"
            )
        self.console.print(f"Checkpoint file: {anchor.checkpoint_file()}")

    def _reanchor(self, yes: bool = False, **options):
        if not yes:
            raise CommandError(
                "Run this only after restoring a database backup on purpose: it accepts that "
                "the entries made since the backup are gone. Add --yes to confirm."
            )
        try:
            before, after = audit_reanchor()
        except anchor.AuditKeyError as error:
            raise CommandError(str(error)) from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.console.print(
            f"Checkpoint moved from {before.line() if before else 'none'} to {after.line()}; "
            "the trail records the move."
        )
