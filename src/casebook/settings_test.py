"""Settings for the test suite: the real settings with a throwaway key and data folder."""

import os
import tempfile

os.environ.setdefault("CASEBOOK_SECRET_KEY", "test-only-key-not-secret-" + "x" * 40)
os.environ.setdefault("CASEBOOK_DATA_DIR", tempfile.mkdtemp(prefix="casebook-test-"))

from casebook.settings import *  # noqa: E402,F403

# Argon2 costs ~50 ms per hash; the suite creates hundreds of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A database of its own per test run, so that two runs (a developer's and CI's, or two
# helpers') never drop each other's PostgreSQL test database.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": f"test_casebook_{os.getpid()}"}  # noqa: F405
