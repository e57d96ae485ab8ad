"""The database connection outlives a request: on SQLite, opening one cost about 5 ms of
CPU a request (Django registers its functions and runs the pragmas) and threw away its
page cache, and closing the last one checkpointed the write-ahead log."""

from __future__ import annotations

import pytest
from django.core.signals import request_finished, request_started
from django.db import connection


@pytest.mark.django_db(transaction=True)
def test_the_next_request_reads_through_the_same_connection():
    request_started.send(sender=__name__)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    opened = connection.connection
    request_finished.send(sender=__name__)  # where Django closes a connection it does not keep
    request_started.send(sender=__name__)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert opened is not None
    assert connection.connection is opened
    request_finished.send(sender=__name__)
