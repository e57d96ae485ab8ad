"""`casebook token create USERNAME --scope read` (the token printed once, on the last line alone),
`casebook token list USERNAME`, `casebook token revoke USERNAME [PREFIX]`."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casebook.accounts.models import User
from casebook.api.models import Scope
from casebook.api.services import DEFAULT_DAYS, token_create, token_revoke, tokens_of


class Command(BaseCommand):
    help = "API access tokens: create (printed once), list and revoke a user's tokens."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Create a token; it is printed once.")
        create.add_argument("username")
        create.add_argument(
            "--scope",
            action="append",
            required=True,
            choices=Scope.values,
            help="read, write (includes read) or personal-data; repeat for several.",
        )
        create.add_argument(
            "--expires",
            type=int,
            default=DEFAULT_DAYS,
            metavar="DAYS",
            help=f"Days until it stops working (default {DEFAULT_DAYS}).",
        )
        create.add_argument("--name", default="made at the console", help="What it is for.")
        listing = actions.add_parser("list", help="List a user's tokens (never the tokens).")
        listing.add_argument("username")
        revoke = actions.add_parser(
            "revoke", help="Revoke the token starting with PREFIX, or every token of the user."
        )
        revoke.add_argument("username")
        revoke.add_argument("prefix", nargs="?", default="")

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}. Create them in the admin (/admin/) first.")
        return user

    def handle(self, *args, action, username, **options):
        user = self._user(username)
        if action == "create":
            self._create(user, options)
        elif action == "list":
            for token in tokens_of(user):
                used = (
                    f"last used {timezone.localtime(token.last_used_at):%Y-%m-%d %H:%M}"
                    if token.last_used_at
                    else "never used"
                )
                self.stdout.write(
                    f"{token.prefix}…  {token.state:8}  {token.scopes:24}  "
                    f"expires {timezone.localtime(token.expires_at):%Y-%m-%d}  {used}  {token.name}"
                )
        else:
            self._revoke(user, options["prefix"])

    def _create(self, user: User, options) -> None:
        try:
            token, raw = token_create(
                user=user,
                name=options["name"],
                scopes=options["scope"],
                days=options["expires"],
                at_console=True,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        until = timezone.localtime(token.expires_at)
        self.stdout.write(
            f"Token for {user.username} ({token.scopes}), until {until:%d %B %Y %H:%M %Z}. "
            "It is not shown again; only a hash is kept. Revoke it with "
            f"`casebook token revoke {user.username} {token.prefix}`."
        )
        self.stdout.write(raw)

    def _revoke(self, user: User, prefix: str) -> None:
        chosen = [t for t in tokens_of(user) if t.revoked_at is None]
        if prefix:
            chosen = [
                t for t in chosen if t.prefix.startswith(prefix) or prefix.startswith(t.prefix)
            ]
            if not chosen:
                raise CommandError(
                    f"{user.username} has no unrevoked token starting with {prefix!r}; "
                    f"`casebook token list {user.username}` shows them."
                )
        revoked = sum(token_revoke(token=token) for token in chosen)
        self.stdout.write(f"Revoked {revoked} token(s) of {user.username}.")
