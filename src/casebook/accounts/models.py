from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """Our own user model from day one, so that later sign-in features need no swap."""

    class Meta:
        db_table = "accounts_user"
