"""`casebook user invite NAME`: an invitation to enrol an authenticator, printed once."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casebook.accounts.models import User
from casebook.accounts.security import needs_second_factor
from casebook.accounts.services import INVITATION_HOURS, invitation_issue, invitation_path


class Command(BaseCommand):
    help = "Manage users: `casebook user invite NAME` lets them set up an authenticator app."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        invite = actions.add_parser(
            "invite",
            help="Print a one-time invitation (code and link) to set up an authenticator app.",
        )
        invite.add_argument("username")
        invite.add_argument(
            "--hours",
            type=int,
            default=INVITATION_HOURS,
            help=f"How long the invitation works (default {INVITATION_HOURS}).",
        )
        invite.add_argument(
            "--site",
            default="",
            help="The address people open Casebook at, for the link (default: the first of "
            "CASEBOOK_CSRF_TRUSTED_ORIGINS).",
        )

    def handle(self, *args, action, username, hours, site, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}. Create them in the admin (/admin/) first.")
        if hours < 1:
            raise CommandError("--hours must be 1 or more.")
        invitation, code = invitation_issue(user=user, issued_by=None, hours=hours)
        site = (site or next(iter(settings.CSRF_TRUSTED_ORIGINS), "")).rstrip("/")
        until = timezone.localtime(invitation.expires_at)
        self.stdout.write(
            f"Invitation for {username} to set up an authenticator app; it works once, until "
            f"{until:%d %B %Y %H:%M %Z}:\n"
            f"  code: {code}\n"
            f"  link: {site}{invitation_path(code)}"
            + ("" if site else "  (after your Casebook's address)")
            + "\nGive it to them in person or by a channel apart from their password; it is "
            "not shown again. A new invitation replaces this one."
        )
        if not needs_second_factor(user):
            self.stdout.write(
                "Note: their role does not sign in with an authenticator app (only "
                "coordinators and administrators do), so they will not be asked for it."
            )
