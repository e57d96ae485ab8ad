"""`casebook init`: create or upgrade the database, load the codebook, make an administrator."""

import getpass
import secrets
import sys

from django.core.management.base import BaseCommand, CommandError

from casebook.accounts.models import User
from casebook.accounts.roles import Role
from casebook.accounts.services import console_trust_for_enrolment, user_ensure
from casebook.installation.bootstrap import bootstrap_installation


class Command(BaseCommand):
    help = "Create or upgrade the database, load the codebook and create an administrator."

    def add_arguments(self, parser):
        parser.add_argument("--admin", default="admin", help="Administrator's username.")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the administrator's password from standard input.",
        )

    def handle(self, *args, admin, password_stdin, **options):
        for report in bootstrap_installation():
            counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in report.counts.items())
            self.stdout.write(f"Codebook {report.jurisdiction} {report.version}: {counts}")
        if User.objects.filter(username=admin).exists():
            self.stdout.write(f"Administrator {admin!r} already exists; password unchanged.")
            user, _ = user_ensure(username=admin, role=Role.ADMINISTRATOR, password="")
            if console_trust_for_enrolment(user=user):
                self.stdout.write(
                    f"{admin!r} has no authenticator app yet and may set one up at the next "
                    "sign-in (trusted from this console)."
                )
            return
        password = self._password(password_stdin)
        user, _ = user_ensure(username=admin, role=Role.ADMINISTRATOR, password=password[0])
        # Made at this console, so no administrator could have invited them: they set up
        # their authenticator app at the first sign-in without an invitation.
        console_trust_for_enrolment(user=user)
        if password[1]:
            # A password printed where others may read it: they choose their own at once.
            User.objects.filter(pk=user.pk).update(must_change_password=True)
            self.stdout.write(
                f"Administrator {admin!r} created with password: {password[0]}\n"
                "You will choose your own at the first sign-in."
            )
        else:
            self.stdout.write(f"Administrator {admin!r} created.")

    def _password(self, from_stdin: bool) -> tuple[str, bool]:
        if from_stdin:
            password = sys.stdin.readline().strip()
            if len(password) < 10:
                raise CommandError("The password must have at least 10 characters.")
            return password, False
        if sys.stdin.isatty():
            while True:
                first = getpass.getpass("Administrator password (10+ characters): ")
                if len(first) >= 10 and first == getpass.getpass("Again: "):
                    return first, False
                self.stderr.write("The passwords differ or are shorter than 10 characters.")
        return secrets.token_urlsafe(12), True
