"""Nothing at run time reaches the network: no model download, no public-suffix list fetch."""

from __future__ import annotations

import os
import socket

import pytest

from tests.redaction.conftest import TESTIMONY, png_bytes


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection or resolve a name fails the test."""

    def refuse(*args, **kwargs):
        raise NetworkUsed(f"network access attempted: {args[1:] or kwargs}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_text_redaction_loads_and_runs_offline(no_network, monkeypatch):
    from casebook.redaction import text

    # Load the model and the recognisers afresh inside the guard, not only run them.
    monkeypatch.setattr(text, "_engine", None)
    result = text.redact_text(TESTIMONY + " Mail daniel@example.org or see example.co.uk.")
    assert "[EMAIL-1]" in result.text


def test_face_redaction_loads_and_runs_offline(no_network, monkeypatch, astronaut):
    from casebook.redaction import faces

    monkeypatch.setattr(faces, "_detectors", faces._Detectors())
    _redacted, boxes = faces.redact_image(png_bytes(astronaut))
    assert len(boxes) == 1


def test_email_checks_use_the_bundled_public_suffix_list():
    import tldextract.tldextract as tld

    from casebook.redaction import text

    text._load_engine()
    assert os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] == ""
    assert tld.TLD_EXTRACTOR.suffix_list_urls == ()
