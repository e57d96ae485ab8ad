import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from casebook.people.duties.erasure import person_erase
from casebook.people.duties.subject_access import person_export
from casebook.people.models import Person


class Command(BaseCommand):
    help = (
        "A person's data-protection requests: `casebook person export REF FILE.zip` (subject "
        "access) and `casebook person erase REF --reason WHY` (erasure)."
    )

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        export = verbs.add_parser("export", help="Write everything held about a person to a zip.")
        export.add_argument("reference", help="The person's reference, e.g. P-000123.")
        export.add_argument("output", type=Path, help="The archive to write (.zip).")
        erase = verbs.add_parser("erase", help="Erase a person's details for good.")
        erase.add_argument("reference", help="The person's reference, e.g. P-000123.")
        erase.add_argument(
            "--reason",
            required=True,
            help="Why (kept on the record; never a name), e.g. 'their request'.",
        )
        erase.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, verb, reference, **options):
        console = Console(soft_wrap=True)
        reference = reference.strip().upper()
        person = Person.objects.filter(reference=reference).first()
        if person is None:
            raise CommandError(f"No person {reference} in this casebook.")
        if verb == "export":
            output = options["output"]
            if output.suffix.lower() != ".zip":
                raise CommandError("Give the archive a .zip name.")
            report = person_export(person=person, output=output)
            console.print(
                f"Wrote {report.output} (mode 600): {report.involvements} involvements, "
                f"{report.evidence_files} evidence files, {report.audit_entries} audit entries."
            )
            console.print("It holds the person's details: hand it over safely, then delete it.")
            return
        if not options["yes"] and sys.stdin.isatty():
            console.print(f"This destroys the details of {reference} here and in every backup.")
            if input(f"Type {reference} to confirm: ").strip().upper() != reference:
                raise CommandError("Not confirmed; nothing was erased.")
        try:
            report = person_erase(person=person, reason=options["reason"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if report.already_erased:
            console.print(f"{reference} was already erased; its tombstone is unchanged.")
        else:
            console.print(
                f"Erased the details of {reference}: data key "
                f"{'destroyed' if report.key_destroyed else 'was already gone'}; "
                f"{report.evidence_removed} evidence files removed, "
                f"{report.evidence_detached} unlinked from the person. The tombstone "
                "and involvements stay."
            )
