"""`casebook evidence add FILE... --incident CB-...`, `casebook evidence verify` and
`casebook evidence backfill-hashes`."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress

from casebook.accounts.models import User
from casebook.cases.models import Incident
from casebook.people.models import Person
from casebook.sources.evidence.services import (
    EvidenceRefused,
    evidence_add,
    evidence_blob_count,
    evidence_perceptual_hashes_backfill,
    evidence_perceptual_hashes_missing,
    evidence_verify,
)
from casebook.sources.models import Source


class Command(BaseCommand):
    help = (
        "Evidence files: `add` checks files and stores them unaltered, attached to an "
        "incident, a source or a person; `verify` re-hashes every stored file; "
        "`backfill-hashes` gives older images their perceptual hash."
    )

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(
            dest="verb", required=True, metavar="{add,verify,backfill-hashes}"
        )
        add = verbs.add_parser("add", help="Add evidence files.")
        add.add_argument("files", nargs="+", metavar="FILE")
        add.add_argument("--incident", help="Incident reference, e.g. CB-2024-000123.")
        add.add_argument("--source", type=int, help="Source number.")
        add.add_argument("--person", help="Person reference, e.g. P-000042.")
        add.add_argument("--caption", default="", help="A short caption for every file.")
        add.add_argument(
            "--user",
            help="Record the files as added by this user (and check that they may add them).",
        )
        verbs.add_parser(
            "verify", help="Re-hash every stored file; name any that changed or went missing."
        )
        verbs.add_parser(
            "backfill-hashes",
            help="Give images added before perceptual hashes existed their hash, so that "
            "linkage finds re-encoded or resized copies of them (safe to run again).",
        )

    def handle(self, *args, verb, **options):
        if verb == "add":
            return self.add(**options)
        if verb == "backfill-hashes":
            return self.backfill_hashes()
        return self.verify()

    def add(self, *, files, incident, source, person, caption, user, **options):
        targets = {
            "incident": self._find(Incident, "reference", incident, "incident"),
            "source": self._find(Source, "pk", source, "source"),
            "person": self._find(Person, "reference", person, "person"),
        }
        if not any(targets.values()):
            raise CommandError(
                "Say what the files are evidence of: --incident, --source or --person."
            )
        actor = self._find(User, "username", user, "user")
        refused = 0
        for name in files:
            path = Path(name)
            if not path.is_file():
                self.stderr.write(f"refused  {name}: there is no such file.")
                refused += 1
                continue
            try:
                with path.open("rb") as content:
                    added = evidence_add(
                        content=content,
                        filename=path.name,
                        actor=actor,
                        caption=caption,
                        via="command line",
                        **targets,
                    )
            except EvidenceRefused as refusal:
                self.stderr.write(f"refused  {name}: {refusal.reason}")
                refused += 1
                continue
            except (PermissionDenied, ValidationError) as error:
                raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
            evidence = added.evidence
            state = "stored  " if added.created else "already "
            self.stdout.write(
                f"{state} {name}: evidence #{evidence.pk}, "
                f"{evidence.get_media_type_display()}, sha256 {evidence.sha256}"
            )
        if refused:
            raise CommandError(f"{refused} of {len(files)} files refused.")

    def _find(self, model, field: str, value, what: str):
        if value in (None, ""):
            return None
        found = model.objects.filter(**{field: value}).first()
        if found is None:
            raise CommandError(f"There is no {what} {value}.")
        return found

    def verify(self):
        console = Console(stderr=False)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Re-hashing evidence files", total=evidence_blob_count())
            report = evidence_verify(progress=lambda n: progress.advance(task, n))
        for problem in report.problems:
            self.stderr.write(f"  {problem}")
        if not report.ok:
            raise CommandError(
                f"{len(report.problems)} of {report.checked} stored evidence files are missing "
                "or changed."
            )
        console.print(f"Evidence intact: {report.checked} stored files match their hashes.")

    def backfill_hashes(self):
        console = Console(file=self.stdout, highlight=False)
        with Progress(console=Console(file=self.stderr), transient=True) as progress:
            task = progress.add_task(
                "Hashing older images", total=evidence_perceptual_hashes_missing()
            )
            report = evidence_perceptual_hashes_backfill(
                progress=lambda n: progress.advance(task, n)
            )
        for problem in report.problems:
            self.stderr.write(f"  {problem}")
        console.print(
            f"{report.hashed} images given a perceptual hash ({report.updated} evidence "
            f"records); {report.unreadable} could not be read as images."
        )
        if report.hashed:
            console.print("Run `casebook linkage run` to compare incidents by these photos.")
        if report.problems:
            raise CommandError(
                f"{len(report.problems)} stored files are missing or changed: not hashed "
                "(`casebook evidence verify` names them all)."
            )
