"""`casebook restore FILE --evidence FOLDER`: a backup into an empty installation, checked."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from casebook.audit.services import audit_verify
from casebook.installation.restore import RestoreError, installation_restore
from casebook.people.duties.erasure import erasures_finish
from casebook.people.services import data_key_census
from casebook.sources.evidence.services import evidence_verify


class Command(BaseCommand):
    help = (
        "Restore a backup written by `casebook backup FILE --evidence FOLDER` into an empty "
        "installation, then check the audit trail and every evidence file. The keyring and "
        "the master key must be in place first (they are backed up apart)."
    )
    # The checks would look at a database that is meant to be empty.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, metavar="FILE")
        parser.add_argument(
            "--evidence",
            type=Path,
            required=True,
            metavar="FOLDER",
            help="The folder `casebook backup --evidence` copied the evidence vault into.",
        )

    def handle(self, *args, backup: Path, evidence: Path, **options):
        console = Console(soft_wrap=True)
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("Checking the keys and the installation")
            try:
                chosen, vault, indexed = installation_restore(
                    backup=backup,
                    evidence=evidence,
                    step=lambda what: progress.update(task, description=what),
                )
            except RestoreError as error:
                raise CommandError(str(error)) from None
            console.print(f"Restored the database from {backup} ({chosen}).")
            console.print(
                f"Restored the evidence vault from {evidence}: {vault.copied:,} files "
                f"(each checked against its hash)."
            )
            console.print(f"Rebuilt the search index: {indexed:,} people.")
            progress.update(task, description="Checking the audit trail")
            chain = audit_verify()
            progress.update(task, description="Re-hashing the evidence files")
            files = evidence_verify()
        failures = []
        if chain.ok:
            console.print(f"audit verify: intact, {chain.checked:,} entries.")
        else:
            failures.append("audit verify")
            console.print(
                f"audit verify: [red]broken[/red] after {chain.checked:,} entries: {chain.problem}"
            )
            console.print(
                "  If the checkpoint says the trail went further, entries were made after this "
                "backup; when you restored an older backup on purpose, accept that with "
                "`casebook audit reanchor --yes`."
            )
        if files.ok:
            console.print(f"evidence verify: intact, {files.checked:,} files match their hashes.")
        else:
            failures.append("evidence verify")
            console.print(f"evidence verify: [red]{len(files.problems)} problems[/red]")
            for problem in files.problems:
                console.print(f"  {problem}")
        if chain.ok:
            erased = erasures_finish()
            if erased:
                console.print(
                    f"Finished the erasure of {len(erased):,} people erased after this backup "
                    f"was made (their data keys are gone): {', '.join(erased)}."
                )
        elif data_key_census()[0]:
            console.print(
                "Some people in this backup were erased after it was made: once the audit "
                "trail verifies, run `casebook keys reconcile` to finish their erasure."
            )
        if failures:
            raise CommandError(f"Restored, but {' and '.join(failures)} found problems (above).")
        console.print("Restore complete.")
