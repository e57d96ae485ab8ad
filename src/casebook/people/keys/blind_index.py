"""A blind index: find people by name or contact without decrypting anybody.

Each person has index entries, keyed hashes (HMAC-SHA256, truncated to 80 bits) of the
normalised words of their name, of their whole name, and of their contact. A search hashes
the words it is given with the same key and looks for people holding every token.

The key is a random 256-bit service key kept in the keyring, wrapped by the master key like
the data keys (so a master key rotation re-wraps it and the index stays valid); it is never
in the database. The entries are not in the database either: they live in the keyring,
next to the person's data key (`Keyring.index_set`), and erasure deletes them with the key.
So a copy of the database holds no token at all, and an earlier backup read with the
current keyring and master key finds nobody by the details of a person erased since (their
sealed details no longer open, and no entry leads to their row). A copy of the keyring
still lets its holder test guessed names, which is why only its newest copy is kept.
`casebook keys reindex` rebuilds the entries from the database (after restoring a backup).
"""

from __future__ import annotations

import re
import threading
import unicodedata

from casebook.people.keys.cipher import blind_token
from casebook.people.keys.keyring import keyring

SERVICE_KEY = "search-index"
NAME_WORD, WHOLE_NAME, CONTACT = "n", "N", "c"

_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = str.maketrans("", "", "'’`")
_cache: dict[str, bytes] = {}
_lock = threading.Lock()


def index_key() -> bytes:
    ring = keyring()
    path = str(ring.path)
    key = _cache.get(path)
    if key is None:
        with _lock:
            key = _cache.setdefault(path, ring.service_key(SERVICE_KEY))
    return key


def name_words(text: str) -> list[str]:
    """Words of a name as a search compares them: no accents, no case, no apostrophes.

    >>> name_words("  Siobhán O'Brien-Ng ")
    ['siobhan', 'obrien', 'ng']
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = _WORD.findall(plain.translate(_APOSTROPHES).casefold())
    return list(dict.fromkeys(words))


def contact_term(text: str) -> str | None:
    """An e-mail address in lower case, or a phone number's digits (UK +44 as 0).

    >>> contact_term("Person.One@Example.TEST "), contact_term("+44 7700 900123")
    ('person.one@example.test', '07700900123')
    >>> contact_term("call me") is None
    True
    """
    text = (text or "").strip()
    if "@" in text:
        return text.casefold()
    digits = "".join(c for c in text if c.isdigit())
    if digits.startswith("44") and len(digits) >= 12:
        digits = "0" + digits[2:]
    return digits if len(digits) >= 6 else None


def person_tokens(*, full_name: str, contact: str) -> str:
    """All of a person's tokens as one sorted string (the former `search_tokens` column)."""
    key = index_key()
    tokens = {blind_token(key, NAME_WORD, word) for word in name_words(full_name)}
    whole = " ".join(name_words(full_name))
    if whole:
        tokens.add(blind_token(key, WHOLE_NAME, whole))
    term = contact_term(contact)
    if term:
        tokens.add(blind_token(key, CONTACT, term))
    return f" {' '.join(sorted(tokens))} " if tokens else ""


def field_tokens(field: str, value: str) -> list[str]:
    """The index entries of one personal field (`field` is the field's `blind_index`)."""
    key = index_key()
    if field == "contact":
        term = contact_term(value)
        return [blind_token(key, CONTACT, term)] if term else []
    words = name_words(value)
    tokens = [blind_token(key, NAME_WORD, word) for word in words]
    if words:
        tokens.append(blind_token(key, WHOLE_NAME, " ".join(words)))
    return tokens


def exact_token(kind: str, value: str) -> str | None:
    """The token a person with exactly this name (kind WHOLE_NAME) or contact carries."""
    term = " ".join(name_words(value)) if kind == WHOLE_NAME else contact_term(value)
    return blind_token(index_key(), kind, term) if term else None


def query_tokens(query: str) -> tuple[list[str], str | None]:
    """Tokens every match must hold (the query's words), and a contact token to try instead."""
    key = index_key()
    words = [blind_token(key, NAME_WORD, word) for word in name_words(query)]
    term = contact_term(query)
    return words, (blind_token(key, CONTACT, term) if term else None)
