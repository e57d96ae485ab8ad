"""The keyring: every person's data key, wrapped by a master key, kept OUTSIDE the database.

Why a separate store: erasure destroys a person's data key so that their details become
unreadable everywhere, including in every earlier backup of the database. If the wrapped
keys lived in the main database, each backup would carry a copy of them and erasure could
never reach it. So the keyring is its own SQLite file (`settings.KEYRING_PATH`, by default
$CASEBOOK_DATA_DIR/keyring.sqlite3), whatever the main database is (SQLite or PostgreSQL),
opened with the standard `sqlite3` module, never through Django's database connections.

Rules that follow:
- Back up the keyring apart from the database (`casebook keys backup FILE`) and keep only
  its newest copy: an older keyring copy still holds the keys of people erased since.
- The master key (see `master.py`) is backed up apart from both.
- A person row is written only after its data key is stored here (and synced to disk), so
  a crash can leave an unused key (harmless; `casebook keys reconcile` lists and may remove
  old ones), never a person without a key. New keys are made in small batches while people
  are added quickly, so a bulk import pays one disk sync per batch, not per person.
- Deleted keys are overwritten in the file (`secure_delete`) and the write-ahead log is
  truncated after each erasure, so the key bytes do not linger in free pages.
- The blind index (`blind_index.py`: keyed hashes of names and contacts, person by person)
  lives here too, not in the database, for the same reason: destroying a person's key
  deletes their index entries, so an earlier database backup read with the current keys
  finds nobody by the details of someone erased since. Index entries are written as a
  person is saved, without waiting for the disk (`synchronous=NORMAL`; an entry lost in a
  power cut is rebuilt by `casebook keys reindex`); their deletion waits for it.

Several web server threads and command-line processes share the file: one connection per
thread, WAL mode, and a busy timeout.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from casebook.people.keys import cipher
from casebook.people.keys.master import MasterKeys, master_keys

SCHEMA = """
CREATE TABLE IF NOT EXISTS data_key (
    key_id TEXT PRIMARY KEY,
    master_key_id TEXT NOT NULL,
    wrapped BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS data_key_master ON data_key (master_key_id);
CREATE TABLE IF NOT EXISTS service_key (
    name TEXT PRIMARY KEY,
    master_key_id TEXT NOT NULL,
    wrapped BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS search_token (
    token TEXT NOT NULL,
    key_id TEXT NOT NULL,
    field TEXT NOT NULL,
    PRIMARY KEY (token, key_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS search_token_person ON search_token (key_id, field);
"""
CHUNK = 500
POOL_MAX = 256  # keys made in one go while people are added quickly
POOL_QUICK = 5.0  # seconds: a pool emptied faster than this doubles the next batch
POOL_MAX_AGE = 600.0  # seconds a spare key may wait in memory before it is left unused
UNUSED_GRACE_DAYS = 1  # `keys reconcile --destroy-unused` spares keys younger than this


class KeyringError(ImproperlyConfigured):
    """The keyring file cannot be opened or written. Never carries key material."""


def _data_aad(key_id: str) -> bytes:
    return f"casebook data key:{key_id}".encode()


def _service_aad(name: str) -> bytes:
    return f"casebook service key:{name}".encode()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Keyring:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self._pool: deque[tuple[str, bytes, float]] = deque()
        self._pool_lock = threading.Lock()
        self._pool_size = 1
        self._pool_refilled = float("-inf")
        self._pid = os.getpid()

    def __repr__(self) -> str:
        return f"Keyring({str(self.path)!r})"

    # Connections.

    def _connect(self) -> sqlite3.Connection:
        if self._pid != os.getpid():
            # A forked worker (Celery's prefork) must not share its parent's SQLite
            # connection or hand out its parent's spare keys.
            self._local = threading.local()
            self._pool.clear()
            self._pid = os.getpid()
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            return connection
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            connection = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
            connection.execute("PRAGMA journal_mode=WAL")
            # A lost key is lost data: wait for the disk on every commit.
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA secure_delete=ON")
            connection.executescript(SCHEMA)
        except (sqlite3.Error, OSError) as error:
            raise KeyringError(f"Cannot open the keyring {self.path}: {error}") from None
        self._local.connection = connection
        return connection

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    def _execute(self, sql: str, params: Iterable = ()) -> sqlite3.Cursor:
        try:
            return self._connect().execute(sql, tuple(params))
        except sqlite3.Error as error:
            raise KeyringError(f"Keyring {self.path}: {error}") from None

    @contextlib.contextmanager
    def _immediate(self, *, synchronous: str = "FULL") -> Iterator[sqlite3.Connection]:
        """One write transaction that commits on its own (or rolls back on any error)."""
        connection = self._connect()
        try:
            if synchronous != "FULL":
                connection.execute(f"PRAGMA synchronous={synchronous}")
            connection.execute("BEGIN IMMEDIATE")
            yield connection
            connection.execute("COMMIT")
        except sqlite3.Error as error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise KeyringError(f"Keyring {self.path}: {error}") from None
        finally:
            if synchronous != "FULL":
                connection.execute("PRAGMA synchronous=FULL")

    def master(self) -> MasterKeys:
        return master_keys(create_if=self.is_empty)

    # Questions.

    def is_empty(self) -> bool:
        if not self.path.exists():
            return True
        row = self._execute(
            "SELECT (SELECT COUNT(*) FROM data_key) + (SELECT COUNT(*) FROM service_key)"
        ).fetchone()
        return row[0] == 0

    def count(self) -> int:
        return self._execute("SELECT COUNT(*) FROM data_key").fetchone()[0]

    def counts_by_master_key(self) -> dict[str, int]:
        rows = self._execute(
            "SELECT master_key_id, COUNT(*) FROM ("
            "SELECT master_key_id FROM data_key UNION ALL SELECT master_key_id FROM service_key"
            ") GROUP BY master_key_id"
        )
        return dict(rows.fetchall())

    def key_ids(self, *, older_than_days: int = 0) -> Iterator[str]:
        cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(days=older_than_days)).isoformat(
            timespec="seconds"
        )
        rows = self._execute(
            "SELECT key_id FROM data_key WHERE created_at <= ? ORDER BY key_id", [cutoff]
        ).fetchall()
        for (key_id,) in rows:
            yield key_id

    def has_data_key(self, key_id: str) -> bool:
        return (
            self._execute("SELECT 1 FROM data_key WHERE key_id = ?", [key_id]).fetchone()
            is not None
        )

    # Data keys.

    def take_new_data_key(self) -> tuple[str, bytes]:
        """A fresh data key, already stored durably, and its id (for a new person).

        Keys are made in batches that grow while people are being added quickly (imports,
        the sample generator) and shrink back to one at a time otherwise: one disk sync per
        batch instead of one per person. A batch key left unused is harmless (it protects
        nothing); `keys reconcile` lists such keys and removes only old ones.
        """
        self._connect()  # resets the spares in a forked process
        with self._pool_lock:
            now = time.monotonic()
            pool = self._pool
            while pool and now - pool[0][2] > POOL_MAX_AGE:
                pool.popleft()  # an old spare: leave it unused rather than hold it for ever
            if not pool:
                quick = now - self._pool_refilled < POOL_QUICK
                self._pool_size = min(self._pool_size * 2, POOL_MAX) if quick else 1
                self._pool_refilled = now
                pool.extend(
                    (key_id, key, now) for key_id, key in self._create_data_keys(self._pool_size)
                )
            key_id, key, _ = pool.popleft()
        return key_id, key

    def _create_data_keys(self, count: int) -> list[tuple[str, bytes]]:
        master = self.master()
        made = [(str(uuid.uuid4()), cipher.new_key()) for _ in range(count)]
        rows = [
            (
                key_id,
                master.active_id,
                cipher.wrap_key(master.active_key, key, _data_aad(key_id)),
                _now(),
            )
            for key_id, key in made
        ]
        with self._immediate() as connection:
            connection.executemany(
                "INSERT INTO data_key (key_id, master_key_id, wrapped, "
                "created_at) VALUES (?, ?, ?, ?)",
                rows,
            )
        return made

    def create_data_key(self, key_id: str) -> bytes:
        master = self.master()
        key = cipher.new_key()
        wrapped = cipher.wrap_key(master.active_key, key, _data_aad(key_id))
        self._execute(
            "INSERT INTO data_key (key_id, master_key_id, wrapped, created_at) VALUES (?, ?, ?, ?)",
            [key_id, master.active_id, wrapped, _now()],
        )
        return key

    def data_key(self, key_id: str) -> bytes | None:
        """The person's data key, or None when it was destroyed (erased)."""
        row = self._execute(
            "SELECT master_key_id, wrapped FROM data_key WHERE key_id = ?", [key_id]
        ).fetchone()
        if row is None:
            return None
        return cipher.unwrap_key(self.master().get(row[0]), row[1], _data_aad(key_id))

    def data_keys(self, key_ids: Iterable[str]) -> dict[str, bytes]:
        """Data keys of many people at once (missing ones are left out)."""
        master, found, ids = self.master(), {}, list(dict.fromkeys(key_ids))
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            rows = self._execute(
                f"SELECT key_id, master_key_id, wrapped FROM data_key WHERE key_id IN "  # noqa: S608
                f"({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
            for key_id, master_id, wrapped in rows:
                found[key_id] = cipher.unwrap_key(master.get(master_id), wrapped, _data_aad(key_id))
        return found

    def destroy_data_keys(self, key_ids: Iterable[str]) -> int:
        """Delete data keys for good: the crypto-shredding step of erasure."""
        ids = list(dict.fromkeys(key_ids))
        destroyed = self._delete_by_key_id("data_key", ids)
        forgotten = self.index_forget(ids)
        if destroyed or forgotten:
            # The deleted pages are zeroed (secure_delete); copy the log into the file and
            # cut it to nothing, so no earlier page image with the key survives in the log.
            self._execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return destroyed

    # The blind index (see blind_index.py): search tokens by person and field.

    def index_set(self, key_id: str, field: str, tokens: Iterable[str]) -> None:
        """Make `tokens` the index entries of one field of one person (none: remove them)."""
        rows = [(token, key_id, field) for token in dict.fromkeys(tokens)]
        # An index entry can be rebuilt from the database (`keys reindex`): no disk sync
        # per saved person. Deleting entries (erasure) keeps the full sync.
        with self._immediate(synchronous="NORMAL") as connection:
            connection.execute(
                "DELETE FROM search_token WHERE key_id = ? AND field = ?", [key_id, field]
            )
            connection.executemany(
                "INSERT OR REPLACE INTO search_token (token, key_id, field) VALUES (?, ?, ?)",
                rows,
            )

    def index_find(self, *, every: list[str], either: str | None = None) -> list[str]:
        """Key ids of the people holding every token of `every`, or the token `either`."""
        found: set[str] = set()
        if every:
            tokens = list(dict.fromkeys(every))
            rows = self._execute(
                f"SELECT key_id FROM search_token WHERE token IN "  # noqa: S608
                f"({', '.join('?' * len(tokens))}) GROUP BY key_id HAVING COUNT(*) = ?",
                [*tokens, len(tokens)],
            ).fetchall()
            found.update(key_id for (key_id,) in rows)
        if either:
            rows = self._execute(
                "SELECT key_id FROM search_token WHERE token = ?", [either]
            ).fetchall()
            found.update(key_id for (key_id,) in rows)
        return sorted(found)

    def index_forget(self, key_ids: Iterable[str]) -> int:
        """Remove every index entry of these people (erasure, deletion)."""
        return self._delete_by_key_id("search_token", list(dict.fromkeys(key_ids)))

    def _delete_by_key_id(self, table: str, ids: list[str]) -> int:
        deleted = 0
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            deleted += self._execute(
                f"DELETE FROM {table} WHERE key_id IN ({', '.join('?' * len(chunk))})",  # noqa: S608
                chunk,
            ).rowcount
        return deleted

    def index_tokens(self, key_ids: Iterable[str]) -> dict[str, list[str]]:
        """Each person's tokens (sorted), by key id; people with none are left out."""
        ids, found = list(dict.fromkeys(key_ids)), defaultdict(list)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            rows = self._execute(
                f"SELECT key_id, token FROM search_token WHERE key_id IN "  # noqa: S608
                f"({', '.join('?' * len(chunk))}) ORDER BY key_id, token",
                chunk,
            ).fetchall()
            for key_id, token in rows:
                found[key_id].append(token)
        return dict(found)

    def index_key_ids(self) -> set[str]:
        """Key ids of every person with index entries."""
        rows = self._execute("SELECT DISTINCT key_id FROM search_token").fetchall()
        return {key_id for (key_id,) in rows}

    def index_size(self) -> int:
        """How many people have index entries."""
        return self._execute("SELECT COUNT(DISTINCT key_id) FROM search_token").fetchone()[0]

    # Service keys (the search index key).

    def service_key(self, name: str) -> bytes:
        row = self._execute(
            "SELECT master_key_id, wrapped FROM service_key WHERE name = ?", [name]
        ).fetchone()
        if row is None:
            master = self.master()
            wrapped = cipher.wrap_key(master.active_key, cipher.new_key(), _service_aad(name))
            # Two processes may race to create it: the first one wins, both use its key.
            self._execute(
                "INSERT OR IGNORE INTO service_key (name, master_key_id, wrapped, created_at) "
                "VALUES (?, ?, ?, ?)",
                [name, master.active_id, wrapped, _now()],
            )
            return self.service_key(name)
        return cipher.unwrap_key(self.master().get(row[0]), row[1], _service_aad(name))

    # Rotation.

    def not_under(self, master_id: str) -> int:
        """How many keys are still wrapped by another master key than `master_id`."""
        return sum(n for key_id, n in self.counts_by_master_key().items() if key_id != master_id)

    def rewrap(self, *, progress: Callable[[int], None] | None = None, batch: int = CHUNK) -> int:
        """Re-wrap every key not wrapped by the master key in use; returns how many.

        Each batch is one transaction that commits on its own, so an interrupted rotation
        loses nothing and the next run carries on where this one stopped.
        """
        master = self.master()
        done = 0
        for table, id_column, aad in (
            ("service_key", "name", _service_aad),
            ("data_key", "key_id", _data_aad),
        ):
            while True:
                rows = self._execute(
                    f"SELECT {id_column}, master_key_id, wrapped FROM {table} "  # noqa: S608
                    f"WHERE master_key_id != ? LIMIT ?",
                    [master.active_id, batch],
                ).fetchall()
                if not rows:
                    break
                updates = []
                for key_id, old_master, wrapped in rows:
                    key = cipher.unwrap_key(master.get(old_master), wrapped, aad(key_id))
                    updates.append(
                        (
                            master.active_id,
                            cipher.wrap_key(master.active_key, key, aad(key_id)),
                            key_id,
                            old_master,
                        )
                    )
                with self._immediate() as connection:
                    connection.executemany(
                        f"UPDATE {table} SET master_key_id = ?, wrapped = ? "  # noqa: S608
                        f"WHERE {id_column} = ? AND master_key_id = ?",
                        updates,
                    )
                done += len(updates)
                if progress:
                    progress(len(updates))
        if done:
            self._execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return done

    # Backup.

    def backup(self, output: Path) -> int:
        """Copy the keyring to `output` (mode 600) with SQLite's online backup."""
        output = Path(output)
        if output.exists():
            output.unlink()
        os.close(os.open(output, os.O_WRONLY | os.O_CREAT, 0o600))
        target = sqlite3.connect(output)
        try:
            self._connect().backup(target)
        finally:
            target.close()
        return self.count()


_keyrings: dict[Path, Keyring] = {}
_keyrings_lock = threading.Lock()


def keyring() -> Keyring:
    """The keyring at settings.KEYRING_PATH (one object per path, shared by threads)."""
    configured = settings.KEYRING_PATH
    found = _keyrings.get(configured)
    if found is None:
        with _keyrings_lock:
            found = _keyrings.setdefault(configured, Keyring(Path(configured)))
    return found
