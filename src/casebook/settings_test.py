"""Settings for the test suite: the real settings with a throwaway key and data folder."""

import os
import tempfile

os.environ.setdefault("CASEBOOK_SECRET_KEY", "test-only-key-not-secret-" + "x" * 40)
os.environ.setdefault("CASEBOOK_DATA_DIR", tempfile.mkdtemp(prefix="casebook-test-"))
# Parallel runs (pytest-xdist): the workers inherit the controller's folder, so each takes a
# folder of its own inside it (keys, keyring, evidence, beat schedule, SQLite files).
if _worker := os.environ.get("PYTEST_XDIST_WORKER"):
    _own = os.path.join(os.environ["CASEBOOK_DATA_DIR"], _worker)
    os.makedirs(_own, exist_ok=True)
    os.environ["CASEBOOK_DATA_DIR"] = _own

from casebook.settings import *  # noqa: E402,F403

# Argon2 costs ~50 ms per hash; the suite creates hundreds of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A database of its own per test run, so that two runs (a developer's and CI's, or two
# helpers') never drop each other's PostgreSQL test database.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": f"test_casebook_{os.getpid()}"}  # noqa: F405

# SQLite: a file, not Django's shared-cache memory database. In shared-cache mode a writer
# locks whole tables against every other connection ("database table is locked", no busy
# wait), which is not how a casebook runs: tests of workers, imports and pages running side
# by side must meet WAL and the busy timeout exactly as an installation does.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")  # noqa: F405
    }
