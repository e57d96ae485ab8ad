import contextlib
import fcntl
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from casebook.lib.signing import SigningKeyError, signing_key
from casebook.people.duties.erasure import MISSING_KEY_REASON, person_erase
from casebook.people.keys import cipher
from casebook.people.keys.keyring import UNUSED_GRACE_DAYS, keyring
from casebook.people.keys.master import (
    ENV_VAR,
    MasterKeyError,
    add_master_key,
    encode_key,
    retire_master_keys,
)
from casebook.people.models import Person
from casebook.people.services import data_key_census, search_index_rebuild


@contextlib.contextmanager
def _exclusive(path: Path):
    """One rotation at a time, across processes."""
    lock_path = path.with_name(path.name + ".rotate.lock")
    descriptor = os.open(lock_path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CommandError("Another `casebook keys rotate` is running.") from None
        yield
    finally:
        os.close(descriptor)


class Command(BaseCommand):
    help = (
        "Master and data keys: `casebook keys status`, `rotate` (new master key, every data "
        "key re-wrapped, old key retired), `generate` (print a new key for "
        f"{ENV_VAR}), `backup FILE` (the keyring), `reconcile` and `reindex` (after restoring "
        "a backup), `public-key` (the key that signs bundles and releases, to publish)."
    )

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        verbs.add_parser("status", help="Where the keys are and what they protect.")
        rotate = verbs.add_parser("rotate", help="Move every data key to a new master key.")
        rotate.add_argument("--batch", type=int, default=500, help="Keys per transaction.")
        verbs.add_parser("generate", help=f"Print a new random master key for {ENV_VAR}.")
        backup = verbs.add_parser("backup", help="Copy the keyring (keep only the newest copy).")
        backup.add_argument("output", type=Path)
        reconcile = verbs.add_parser(
            "reconcile",
            help="After restoring a database backup: finish the erasure of people "
            "whose data key is gone; list keys no person uses.",
        )
        verbs.add_parser(
            "reindex",
            help="Rebuild the search index in the keyring from this database (after "
            "restoring a backup).",
        )
        public = verbs.add_parser(
            "public-key",
            help="Print the public half of the key that signs evidence bundles and open "
            "data releases (made if there is none yet), with its fingerprint.",
        )
        public.add_argument("-o", "--output", type=Path, help="Also write the PEM to this file.")
        reconcile.add_argument("--dry-run", action="store_true")
        reconcile.add_argument(
            "--destroy-unused",
            action="store_true",
            help="Also destroy keys that no person in this database uses.",
        )

    def handle(self, *args, verb, **options):
        self.console = Console(soft_wrap=True)
        try:
            getattr(self, f"_{verb.replace('-', '_')}")(**options)
        except MasterKeyError as error:
            raise CommandError(str(error)) from None

    def _public_key(self, *, output=None, **options):
        try:
            key = signing_key(settings.SIGNING_KEY_FILE)
        except SigningKeyError as error:
            raise CommandError(str(error)) from None
        if output:
            output.write_text(key.public_pem(), encoding="ascii")
        self.stdout.write(key.public_pem(), ending="")
        self.stdout.write(f"Fingerprint (SHA-256 of the raw key): {key.fingerprint}")

    def _status(self, **options):
        ring = keyring()
        master = ring.master()
        counts = ring.counts_by_master_key()
        table = Table(title="Master keys")
        table.add_column("Key id")
        table.add_column("Use")
        table.add_column("Keys it wraps", justify="right")
        for number, key_id in enumerate(master.ids):
            table.add_row(
                key_id,
                "in use" if number == 0 else "old, still configured",
                str(counts.get(key_id, 0)),
            )
        for key_id in set(counts) - set(master.ids):
            table.add_row(key_id, "[red]NOT CONFIGURED[/red]", str(counts[key_id]))
        self.console.print(table)
        self.console.print(f"Master key from: {master.source}")
        self.console.print(f"Keyring: {ring.path} ({ring.count()} data keys)")
        missing, unused = data_key_census()
        people = Person.objects.count()
        erased = Person.objects.erased().count()
        self.console.print(
            f"People: {people} ({erased} erased); without a data key and not "
            f"marked erased: {len(missing)}; keys no person uses: {len(unused)}"
        )
        if missing:
            self.console.print("Run `casebook keys reconcile` to finish their erasure.")

    def _reindex(self, **options):
        indexed, stale = search_index_rebuild()
        self.console.print(
            f"Search index rebuilt: {indexed} people indexed; stale entries of {stale} "
            "people no longer in this database removed."
        )

    def _generate(self, **options):
        key = cipher.new_key()
        self.stdout.write(encode_key(key))
        self.stderr.write(
            f"Key id {cipher.key_fingerprint(key)}. Put it first in {ENV_VAR} "
            "(comma, then the old key), restart, and run `casebook keys rotate`."
        )

    def _backup(self, output: Path, **options):
        count = keyring().backup(output)
        self.console.print(f"Wrote the keyring ({count} data keys) to {output} (mode 600).")
        self.console.print(
            "Keep only this newest copy: an older one still holds the keys of "
            "people erased since, and would let their old backups be read."
        )

    def _rotate(self, batch: int, **options):
        ring = keyring()
        with _exclusive(ring.path):
            master = ring.master()
            pending = ring.not_under(master.active_id)
            if len(master.ids) > 1 or pending:
                self.console.print(f"Finishing the rotation to master key {master.active_id}.")
            elif master.from_environment:
                raise CommandError(
                    f"The master key comes from {ENV_VAR}: run `casebook keys generate`, put "
                    f"the new key first in {ENV_VAR} with the old one after it, restart, then "
                    "run `casebook keys rotate` again."
                )
            else:
                new_id = add_master_key()
                self.console.print(f"New master key {new_id} written to {master.source}.")
                master = ring.master()
            total = ring.not_under(master.active_id)
            with Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
            ) as progress:
                task = progress.add_task("Re-wrapping data keys", total=total)
                done = ring.rewrap(progress=lambda n: progress.advance(task, n), batch=batch)
                # A web process that had not yet seen the new key file may have added a key
                # under the old master key meanwhile: one more pass picks it up.
                done += ring.rewrap(batch=batch)
            left = ring.not_under(master.active_id)
            if left:
                raise CommandError(
                    f"{left} keys are still wrapped by an old master key; run "
                    "`casebook keys rotate` again."
                )
            retired = retire_master_keys()
            self.console.print(
                f"Re-wrapped {done} keys; all {ring.count()} data keys are "
                f"wrapped by master key {master.active_id}."
            )
            if master.from_environment and retired:
                self.console.print(
                    f"Remove the old keys ({', '.join(retired)}) from {ENV_VAR} "
                    "and restart: they are no longer needed."
                )
            elif retired:
                self.console.print(f"Retired old master keys: {', '.join(retired)}.")

    def _reconcile(self, dry_run: bool, destroy_unused: bool, **options):
        missing, unused = data_key_census()
        people = Person.objects.filter(key_id__in=missing).order_by("reference")
        for person in people:
            self.console.print(
                f"{'Would mark' if dry_run else 'Marked'} {person.reference} as "
                "erased: its data key is gone."
            )
            if not dry_run:
                person_erase(person=person, reason=MISSING_KEY_REASON)
        self.console.print(
            f"{len(missing)} people without a data key; {len(unused)} keys "
            "that no person in this database uses."
        )
        if unused and destroy_unused and not dry_run:
            # Spare keys a running process may still hand to a new person are spared.
            old = set(keyring().key_ids(older_than_days=UNUSED_GRACE_DAYS)) & unused
            destroyed = keyring().destroy_data_keys(old)
            self.console.print(
                f"Destroyed {destroyed} unused keys older than {UNUSED_GRACE_DAYS} day."
            )
        elif unused:
            self.console.print(
                "Unused keys are spares made for new people, or belong to "
                "people deleted, never saved, or added after the backup you "
                "restored. Check that this is the right database, then add "
                "--destroy-unused."
            )
