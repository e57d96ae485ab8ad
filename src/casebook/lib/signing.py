"""The installation's signing key: Ed25519, for manifests that leave the building.

Evidence bundles and open data releases carry a manifest of every file's SHA-256, signed
with this key, so anyone holding the public key can check that nothing was changed after
the organisation wrote them. The private key is a PEM file (PKCS #8, mode 600) kept with
the installation's other keys (`CASEBOOK_SIGNING_KEY_FILE`, by default `signing.key` beside
the master key file), made the first time something is signed. The public key is handed out
freely: `casebook keys public-key` prints it, releases and bundles include it, and its
fingerprint (SHA-256 of the raw 32-byte key) is what a reader compares with the one the
organisation publishes.

Framework-free: callers pass the file's path.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)


class SigningKeyError(Exception):
    """The signing key file is unreadable, exposed or not an Ed25519 key. No key material."""


@dataclass(frozen=True, repr=False)
class SigningKey:
    private: Ed25519PrivateKey

    def __repr__(self) -> str:
        return f"SigningKey({self.fingerprint})"

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def fingerprint(self) -> str:
        return public_key_fingerprint(self.public)

    def public_pem(self) -> str:
        return public_key_pem(self.public)

    def sign(self, data: bytes) -> str:
        """The base64 signature of `data`."""
        return base64.b64encode(self.private.sign(data)).decode("ascii")


def public_key_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def public_key_fingerprint(public: Ed25519PublicKey) -> str:
    """SHA-256 of the raw 32-byte public key, in hex: what a reader compares.

    >>> key = Ed25519PrivateKey.from_private_bytes(bytes(32)).public_key()
    >>> public_key_fingerprint(key)[:16]
    '139e3940e64b5491'
    """
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def _read(path: Path) -> SigningKey:
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise SigningKeyError(
            f"The signing key file {path} can be read by other users; run `chmod 600 {path}`."
        )
    try:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError:
        raise SigningKeyError(f"The signing key file {path} is not a PEM private key.") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise SigningKeyError(f"The signing key file {path} does not hold an Ed25519 key.")
    return SigningKey(private)


def signing_key(path: Path, *, create: bool = True) -> SigningKey:
    """The key in `path`, made (mode 600, exclusively) when the file does not exist yet."""
    if not path.exists():
        if not create:
            raise SigningKeyError(f"There is no signing key file {path}.")
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        with contextlib.suppress(FileExistsError):
            # Exclusive create: two processes racing both end up with the first one's key.
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(pem)
                handle.flush()
                os.fsync(handle.fileno())
    return _read(path)


def signature_valid(public_pem: bytes, data: bytes, signature: str) -> bool:
    """Does `signature` (base64) sign `data` under the PEM public key?"""
    try:
        public = serialization.load_pem_public_key(public_pem)
        if not isinstance(public, Ed25519PublicKey):
            return False
        public.verify(base64.b64decode(signature), data)
    except (InvalidSignature, ValueError):
        return False
    return True
