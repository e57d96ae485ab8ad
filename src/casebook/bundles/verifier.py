#!/usr/bin/env python3
"""Checks a Casebook evidence bundle: run `python3 verify.py` in the unpacked folder.

This file is copied into every bundle as `verify.py`. It needs nothing but Python's standard
library (3.8 or later) and reads nothing outside the bundle's folder, except a public key or
an audit key file named on the command line. What it checks:

1. every file listed in `manifest.json` is there, has its size and its SHA-256 (files are
   read in chunks, so a video of several gigabytes needs little memory), and no file was
   added beside them;
2. the manifest's Ed25519 signature (`manifest.sig`) against the public key in the bundle,
   or against one you obtained from the organisation (`--public-key FILE`): with the
   `cryptography` package where it is installed, otherwise with the plain-Python RFC 8032
   verification below (it says which it used);
3. the audit entries (`audit/entries.jsonl`): each entry's readable fields are those its
   hash covers, each entry's content hashes to the digest the manifest lists, and the
   entries and the chain links between them (`audit/links.jsonl`) join up: every entry names
   the hash of the entry before it, from the first to the last one in the bundle. With the
   organisation's audit key (`--audit-key FILE`, which the organisation may let an
   independent expert use) it also recomputes each entry's keyed hash.

It prints a plain verdict, names every file or entry that fails, and exits with status 0
when everything checked verifies, 1 when anything fails.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import sys

CHUNK = 1 << 20
FORMAT = "casebook-evidence-bundle/1"
OWN_FILES = ("manifest.json", "manifest.sig")


def sha256_file(path):
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(CHUNK)
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def safe_path(folder, name):
    """The file `name` of the manifest inside `folder`, or None when it points outside."""
    if not name or name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
        return None
    return os.path.join(folder, *name.split("/"))


class Report:
    def __init__(self):
        self.failures = []
        self.notes = []
        self.passed = []

    def fail(self, what):
        self.failures.append(what)

    def note(self, what):
        self.notes.append(what)

    def ok(self, what):
        self.passed.append(what)


def check_files(folder, manifest, report):
    listed = set()
    bad = 0
    for item in manifest.get("files", []):
        name = item.get("path", "")
        listed.add(name)
        path = safe_path(folder, name)
        if path is None:
            report.fail(f"file {name!r}: the manifest names a path outside the bundle")
            bad += 1
        elif not os.path.isfile(path):
            report.fail(f"file {name}: missing (it is in the manifest but not in the bundle)")
            bad += 1
        else:
            digest, size = sha256_file(path)
            if digest != item.get("sha256") or size != item.get("size"):
                report.fail(
                    f"file {name}: altered (SHA-256 {digest[:16]}…, {size} bytes; the manifest "
                    f"says {str(item.get('sha256'))[:16]}…, {item.get('size')} bytes)"
                )
                bad += 1
    for root, _dirs, files in os.walk(folder):
        for file_name in files:
            relative = os.path.relpath(os.path.join(root, file_name), folder).replace(os.sep, "/")
            if relative in OWN_FILES or relative in listed or relative.endswith(".pyc"):
                continue
            report.fail(f"file {relative}: not in the manifest (added after the bundle was made)")
            bad += 1
    if not bad:
        report.ok(f"all {len(listed)} files are present and unaltered (SHA-256)")


# Ed25519 (RFC 8032) verification in plain Python, for machines without `cryptography`:
# slow (a fraction of a second) but only one signature is checked. Twisted Edwards curve
# -x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19), points in extended coordinates (X, Y, Z, T).
_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
# DER prefix of an Ed25519 SubjectPublicKeyInfo: what precedes the raw 32-byte key.
_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")


def _add(one, two):
    x1, y1, z1, t1 = one
    x2, y2, z2, t2 = two
    a = (y1 - x1) * (y2 - x2) % _P
    b = (y1 + x1) * (y2 + x2) % _P
    c = t1 * 2 * _D * t2 % _P
    d = z1 * 2 * z2 % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _multiply(scalar, point):
    result = (0, 1, 1, 0)
    while scalar:
        if scalar & 1:
            result = _add(result, point)
        point = _add(point, point)
        scalar >>= 1
    return result


def _same(one, two):
    return (one[0] * two[2] - two[0] * one[2]) % _P == 0 and (
        one[1] * two[2] - two[1] * one[2]
    ) % _P == 0


def _decode_point(data):
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P or (x == 0 and sign):
        return None
    if x & 1 != sign:
        x = _P - x
    return (x, y, 1, x * y % _P)


_BASE = _decode_point((4 * pow(5, _P - 2, _P) % _P).to_bytes(32, "little"))


def ed25519_verify(public_key, message, signature):
    """Does `signature` (64 bytes) sign `message` under the raw 32-byte `public_key`?"""
    if len(signature) != 64:
        return False
    point_a, point_r = _decode_point(public_key), _decode_point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if point_a is None or point_r is None or s >= _L:
        return False
    digest = hashlib.sha512(signature[:32] + public_key + message).digest()
    h = int.from_bytes(digest, "little") % _L
    return _same(_multiply(s, _BASE), _add(point_r, _multiply(h, point_a)))


def raw_public_key(pem):
    """The raw 32-byte key of an Ed25519 public key in PEM, or None."""
    lines = [line.strip() for line in pem.decode("ascii", "replace").splitlines()]
    body = "".join(line for line in lines if line and not line.startswith("-----"))
    try:
        der = base64.b64decode(body, validate=True)
    except ValueError:
        return None
    if len(der) != 44 or not der.startswith(_SPKI_PREFIX):
        return None
    return der[len(_SPKI_PREFIX) :]


def check_signature(folder, manifest_bytes, manifest, public_key_file, report):
    signature_path = os.path.join(folder, "manifest.sig")
    key_path = public_key_file or os.path.join(folder, "public-key.pem")
    if not os.path.isfile(signature_path):
        report.fail("manifest.sig: missing, so the manifest's origin cannot be checked")
        return
    if not os.path.isfile(key_path):
        report.fail(f"{key_path}: no public key to check the signature with")
        return
    with open(key_path, "rb") as handle:
        raw = raw_public_key(handle.read())
    if raw is None:
        report.fail(f"{key_path}: not an Ed25519 public key in PEM")
        return
    fingerprint = hashlib.sha256(raw).hexdigest()
    with open(signature_path, "rb") as handle:
        try:
            signature = base64.b64decode(handle.read().strip(), validate=True)
        except ValueError:
            report.fail("manifest.sig: not a base64 signature")
            return
    valid, how = _verify_signature(raw, manifest_bytes, signature)
    if not valid:
        report.fail(
            "manifest.json: its signature does not verify (the manifest was edited, or "
            "signed with another key)"
        )
        return
    if manifest.get("signing_key_fingerprint") not in (None, fingerprint):
        report.fail("manifest.json: names another signing key than the one it verifies with")
        return
    whose = "the public key you gave" if public_key_file else "the public key in the bundle"
    report.ok(f"the manifest's Ed25519 signature verifies with {whose} ({fingerprint}){how}")
    if not public_key_file:
        report.note(
            f"The signing key's fingerprint is {fingerprint}: compare it with the one the "
            "organisation publishes, or run with --public-key FILE, since a key inside the "
            "bundle proves only that the bundle is consistent, not who made it."
        )


def _verify_signature(raw, message, signature):
    """(valid, how it was checked): with `cryptography` where it is installed, else with
    this file's own RFC 8032 code."""
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        how = " (checked by this script's own Ed25519 code: `cryptography` is not installed)"
        return ed25519_verify(raw, message, signature), how
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False, ""
    return True, " (checked with `cryptography`)"


def read_audit_key(path):
    with open(path, encoding="ascii") as handle:
        lines = [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    return base64.b64decode(lines[0], validate=True)


ENTRY_FIELDS = (
    "sequence",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "incident_reference",
    "changes",
    "ip_address",
)


def _entry_problem(entry, listed, audit_key):
    """What is wrong with one entry of audit/entries.jsonl, or None."""
    content = entry.get("content", "")
    try:
        fields = json.loads(content)
    except ValueError:
        return "its content is not the JSON its hash covers"
    readable = [entry.get(name) for name in ENTRY_FIELDS]
    if fields != readable:
        changed = [n for n, a, b in zip(ENTRY_FIELDS, fields, readable, strict=False) if a != b]
        return f"its {', '.join(changed) or 'fields'} differ from the content its hash covers"
    covered = (entry.get("previous_hash", "") + "\n" + content).encode("utf-8")
    if listed is None:
        return "it is not in the manifest"
    if hashlib.sha256(covered).hexdigest() != listed.get("content_sha256"):
        return "its content was altered (its SHA-256 differs from the manifest's)"
    if (entry.get("previous_hash"), entry.get("entry_hash")) != (
        listed.get("previous_hash"),
        listed.get("entry_hash"),
    ):
        return "its chain hashes differ from the manifest's"
    if audit_key is not None:
        keyed = hmac.new(audit_key, covered, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(keyed, entry.get("entry_hash", "")):
            return "its keyed hash does not verify under the audit key given"
    return None


def _read_lines(folder, name, report):
    path = safe_path(folder, name)
    if path is None or not os.path.isfile(path):
        report.fail(f"file {name}: missing")
        return None
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError:
                    report.fail(f"file {name}, line {number}: not JSON")
    return rows


def check_audit(folder, manifest, audit_key, report):
    audit = manifest.get("audit") or {}
    listed = {item["sequence"]: item for item in audit.get("entries", [])}
    if not listed:
        report.note("The bundle holds no audit entries.")
        return
    entries = _read_lines(folder, audit.get("entries_file", "audit/entries.jsonl"), report)
    links = _read_lines(folder, audit.get("links_file", "audit/links.jsonl"), report) or []
    if entries is None:
        return
    bad = 0
    chain = {}
    for entry in entries:
        sequence = entry.get("sequence")
        problem = _entry_problem(entry, listed.get(sequence), audit_key)
        if problem:
            report.fail(f"audit entry #{sequence}: {problem}")
            bad += 1
        chain[sequence] = (entry.get("previous_hash"), entry.get("entry_hash"))
    for sequence in sorted(set(listed) - {entry.get("sequence") for entry in entries}):
        report.fail(f"audit entry #{sequence}: missing from {audit.get('entries_file')}")
        bad += 1
    for link in links:
        chain.setdefault(link.get("sequence"), (link.get("previous_hash"), link.get("entry_hash")))
    bad += _check_links(chain, min(listed), max(listed), report)
    if not bad:
        keyed = " and their keyed hashes verify under the audit key" if audit_key else ""
        report.ok(
            f"the {len(listed)} audit entries (#{min(listed)} to #{max(listed)}) are unaltered, "
            f"and the hash chain links them without a gap{keyed}"
        )


def _check_links(chain, first, last, report):
    previous = None
    for sequence in range(first, last + 1):
        if sequence not in chain:
            report.fail(f"audit chain: the link of entry #{sequence} is missing (a gap)")
            return 1
        before, own = chain[sequence]
        if previous is not None and before != previous:
            report.fail(
                f"audit entry #{sequence}: does not follow entry #{sequence - 1} in the chain "
                "(an entry was altered, removed, inserted or reordered)"
            )
            return 1
        previous = own
    return 0


def verify(folder, public_key_file=None, audit_key_file=None):
    report = Report()
    manifest_path = os.path.join(folder, "manifest.json")
    if not os.path.isfile(manifest_path):
        report.fail("manifest.json: missing; this is not an unpacked Casebook evidence bundle")
        return report, None
    with open(manifest_path, "rb") as handle:
        manifest_bytes = handle.read()
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError:
        report.fail("manifest.json: not JSON (it was edited or damaged)")
        return report, None
    if manifest.get("format") != FORMAT:
        report.fail(f"manifest.json: format {manifest.get('format')!r}, expected {FORMAT!r}")
        return report, manifest_bytes
    check_files(folder, manifest, report)
    check_signature(folder, manifest_bytes, manifest, public_key_file, report)
    audit_key = read_audit_key(audit_key_file) if audit_key_file else None
    check_audit(folder, manifest, audit_key, report)
    return report, manifest_bytes


WHAT_IT_SHOWS = (
    "What a pass shows: the files are byte for byte those the organisation put in the bundle "
    "when it made it; with the signature checked, that the holder of the signing key made "
    "the manifest. The audit entries are those listed, unaltered, and form one unbroken "
    "stretch of the organisation's hash chain. Without the organisation's audit key, this "
    "cannot show that the chain itself is the organisation's: that check (`casebook audit "
    "verify`) was run when the bundle was made, and its result is in manifest.json."
)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Verify a Casebook evidence bundle.")
    parser.add_argument(
        "folder",
        nargs="?",
        default=os.path.dirname(os.path.abspath(__file__)),
        help="the unpacked bundle (default: the folder this script is in)",
    )
    parser.add_argument("--public-key", help="a PEM public key obtained from the organisation")
    parser.add_argument("--audit-key", help="the organisation's audit key file (optional)")
    options = parser.parse_args(argv)
    report, manifest_bytes = verify(options.folder, options.public_key, options.audit_key)
    for line in report.passed:
        print(f"ok      {line}")
    for line in report.failures:
        print(f"FAILED  {line}")
    for line in report.notes:
        print(f"note    {line}")
    if manifest_bytes is not None:
        print(f"note    manifest.json SHA-256: {hashlib.sha256(manifest_bytes).hexdigest()}")
    if report.failures:
        print(f"VERDICT: NOT VERIFIED. {len(report.failures)} problem(s), listed above.")
        return 1
    print("VERDICT: VERIFIED. " + WHAT_IT_SHOWS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
