"""Shared fixtures: reference data, personas for access control, a throwaway evidence
storage and master key, a person full of canary strings, and running commands."""

from __future__ import annotations

import pytest

from casebook.accounts.roles import Role

PERSONAS = ("administrator", "coordinator", "caseworker", "analyst", "outsider", "anonymous")

# Debian's Chromium, driven by Playwright's Python client (never `playwright install`).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def reference_data(db):
    """The codebook, role groups and channels (reloaded after transactional tests flush)."""
    from casebook.codebook.models import ActType
    from casebook.installation.bootstrap import bootstrap_reference_data

    if not ActType.objects.exists():
        bootstrap_reference_data()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connection

    from casebook.installation.bootstrap import bootstrap_reference_data

    with django_db_blocker.unblock():
        bootstrap_reference_data()
    yield
    # Threads that served a live server or ran a Celery worker may still hold a connection
    # to the PostgreSQL test database, which would stop it being dropped.
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


def rows_shared(django_db_blocker, make):
    """Write rows once for a module's tests, as Django's setUpTestData does: `make()` runs in
    a transaction left open while the tests run, each test in a savepoint inside it (rolled
    back after the test as always), and the transaction is rolled back after the last test.

    For a module-scoped fixture that also names `django_db_setup`:
    `yield from rows_shared(django_db_blocker, lambda: sample_generate(size=1000, seed=2))`.
    Only for modules whose tests all run in transactions (no `transaction=True`, no live
    server, no other connection writing): SQLite keeps the write lock until the end.
    """
    from django.db import transaction

    from casebook.codebook.models import ActType
    from casebook.installation.bootstrap import bootstrap_reference_data

    with django_db_blocker.unblock():
        # A transactional test run before this module (another file's, in a parallel run)
        # emptied the tables: the reference data comes back for good, outside the rollback.
        if not ActType.objects.exists():
            bootstrap_reference_data()
        shared = transaction.atomic()
        shared.__enter__()
        try:
            made = make()
        except BaseException:
            transaction.set_rollback(True)
            shared.__exit__(None, None, None)
            raise
    try:
        yield made
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            shared.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _own_audit_checkpoint(settings, tmp_path):
    """Each test's trail starts again (rolled back or flushed): so does its checkpoint."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoint.json"


@pytest.fixture(autouse=True)
def _nothing_kept_from_another_test():
    """What a process keeps for the codebook's version (the list's options and filter fields)
    starts empty: a rolled-back test's rows leave the revision and the ids as they were, so
    the next test's codebook could match its version."""
    from casebook.analysis.freshness import forget_local

    forget_local()


@pytest.fixture
def evidence_dir(settings, tmp_path):
    """A fresh evidence folder for the test (Django resets the storage when STORAGES changes)."""
    folder = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": folder,
                "base_url": None,
                "file_permissions_mode": 0o440,
                "directory_permissions_mode": 0o750,
            },
        },
    }
    return folder


@pytest.fixture
def own_keys(settings, tmp_path, monkeypatch):
    """A master key file and a keyring of the test's own, so that rotating, deleting or
    restoring keys never reaches another test."""
    from casebook.people.keys.master import ENV_VAR, forget_cached_keys

    monkeypatch.delenv(ENV_VAR, raising=False)
    settings.MASTER_KEY_FILE = tmp_path / "keys" / "master.key"
    settings.KEYRING_PATH = tmp_path / "keys" / "keyring.sqlite3"
    forget_cached_keys()
    yield settings
    from casebook.people.keys.keyring import keyring

    keyring().close()
    forget_cached_keys()


CANARIES = {
    "full_name": "Canaryfirst Qzxvname",
    "contact": "canary.qzxv@example.test",
    "address": "17 Canarystreet Qzxv, Testford",
    "gender": "Canarygender-qzxv",
    "ethnicity": "Canaryethnic-qzxv",
    "notes": "Canarynote qzxv: bail conditions",
    "consent_notes": "Canaryconsent qzxv",
}


@pytest.fixture
def canary_person(reference_data):
    """A person with a canary string in every personal field, arrested on one act."""
    import datetime as dt

    from tests.factories import InvolvementFactory, PersonFactory

    person = PersonFactory(**CANARIES, date_of_birth=dt.date(1991, 7, 23), consent_record=True)
    InvolvementFactory(person=person)
    return person


def fresh(person):
    """The person as loaded from the database again (nothing cached on the instance)."""
    from casebook.people.models import Person

    return Person.objects.get(pk=person.pk)


@pytest.fixture
def run(capsys):
    """Run a `casebook` command; what it printed, as one line of text (rich wraps lines)."""
    from django.core.management import call_command

    def run(*args) -> str:
        capsys.readouterr()
        call_command(*args)
        return " ".join(capsys.readouterr().out.split())

    return run


@pytest.fixture
def make_user(reference_data):
    from tests.factories import UserFactory

    def make(role: str | None = None, **kwargs):
        return UserFactory(role=role, **kwargs)

    return make


def personas_make() -> dict:
    """One user per role, an outsider (signed in, no role) and anonymous (None)."""
    from tests.factories import UserFactory

    users = {role.value: UserFactory(role=role.value, username=role.value) for role in Role}
    users["outsider"] = UserFactory(role=None, username="outsider")
    users["anonymous"] = None
    return users


@pytest.fixture
def personas(reference_data):
    """One user per role, an outsider (signed in, no role) and anonymous (None)."""
    return personas_make()


def sign_in(client, user, *, second_factor: bool = True):
    """Sign `user` in on a test client, with the second factor passed when they need one."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    if second_factor:
        device, _ = TOTPDevice.objects.get_or_create(user=user, defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(client, personas):
    """client_for("analyst") -> a Django test client signed in as that persona."""
    from django.test import Client

    def make(persona: str) -> Client:
        c = Client()
        if personas[persona] is not None:
            sign_in(c, personas[persona])
        return c

    return make


def _empties_tables(item) -> bool:
    """Whether the test ran as a transactional one, which ends by emptying every table: it
    names `transactional_db` or `live_server`, or is marked `django_db(transaction=True)`
    (or `reset_sequences=True`), as pytest-django decides."""
    from pytest_django.fixtures import validate_django_db

    if {"transactional_db", "live_server"} & set(item.fixturenames):
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    transaction, reset_sequences, *_ = validate_django_db(marker)
    return bool(transaction or reset_sequences)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (live server, browser) ends by emptying every table; put the
    reference data back once, so later tests need not reload it inside each transaction."""
    yield
    # After the session's last test the test database is already gone: nothing to refill.
    if _empties_tables(item) and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        from casebook.installation.bootstrap import bootstrap_reference_data

        with item.config.stash[blocking_manager_key].unblock():
            bootstrap_reference_data()


@pytest.fixture
def browser_page(monkeypatch):
    """A page in a headless Chromium; the test also needs `live_server`."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(15_000)
        yield page
        browser.close()


@pytest.fixture(scope="session")
def sample_installation(tmp_path_factory):
    """An installation (`casebook init`, then a sample of 8 incidents) in a folder and, on
    PostgreSQL, a database of its own; made once, for the tests that run `casebook` as
    separate processes on copies of it (`Installation.copy`): restore, faults."""
    from tests.installations import Installation

    installation = Installation.create(
        tmp_path_factory.mktemp("installation") / "casebook", "casebook_sample"
    )
    try:
        installation.ok("load_sample", "--size", "8")
        yield installation
    finally:
        installation.drop()
