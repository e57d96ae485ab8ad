"""A session, its user, their roles and their authenticator are read in one query on each
request, fresh from their tables: whatever changes a user's access, however it is changed
(through the ORM, the admin, or another process's SQL), counts from the next request on."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebook.accounts.models import Session
from tests.conftest import sign_in

LIST = reverse("casework:incident-list")
TWO_FACTOR = "/accounts/two-factor/"
PASSWORD = "correct-horse-battery"


def elsewhere(sql: str, params: list) -> None:
    """Another process's change: its own connection, no signal, no ORM."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        other.close()


def sent_to_second_factor(response) -> bool:
    return response.status_code == 302 and TWO_FACTOR in response["Location"]


@pytest.mark.django_db
def test_a_signed_in_request_reads_session_user_roles_and_authenticator_in_one_query(personas):
    client = sign_in(Client(), personas["coordinator"])
    client.get(LIST)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    tables = ("accounts_session", "accounts_user", "auth_group", "otp_totp_totpdevice")
    reading_them = [q["sql"] for q in queries if any(t in q["sql"] for t in tables)]
    assert len(reading_them) == 1
    assert "django_session" not in " ".join(q["sql"] for q in queries)


@pytest.mark.django_db(transaction=True)
def test_a_removed_authenticator_asks_for_the_second_factor_at_the_next_request(personas):
    coordinator = personas["coordinator"]
    client = sign_in(Client(), coordinator)
    assert client.get(LIST).status_code == 200
    device = TOTPDevice.objects.get(user=coordinator)
    elsewhere("DELETE FROM otp_totp_totpdevice WHERE id = %s", [device.pk])
    assert sent_to_second_factor(client.get(LIST))
    # The session forgot it: a new authenticator with the same id would not count either.
    assert DEVICE_ID_SESSION_KEY not in client.session


@pytest.mark.django_db
def test_an_authenticator_removed_through_the_orm_counts_at_once(personas):
    coordinator = personas["administrator"]
    client = sign_in(Client(), coordinator)
    assert client.get(LIST).status_code == 200
    TOTPDevice.objects.filter(user=coordinator).delete()
    assert sent_to_second_factor(client.get(LIST))


@pytest.mark.django_db(transaction=True)
def test_an_unconfirmed_authenticator_no_longer_counts(personas):
    coordinator = personas["coordinator"]
    client = sign_in(Client(), coordinator)
    assert client.get(LIST).status_code == 200
    elsewhere(
        "UPDATE otp_totp_totpdevice SET confirmed = %s WHERE user_id = %s", [False, coordinator.pk]
    )
    assert sent_to_second_factor(client.get(LIST))


@pytest.mark.django_db
def test_another_users_authenticator_does_not_count(personas):
    coordinator, administrator = personas["coordinator"], personas["administrator"]
    client = sign_in(Client(), coordinator, second_factor=False)
    theirs = TOTPDevice.objects.create(user=administrator, name="theirs", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = theirs.persistent_id
    session.save()
    assert sent_to_second_factor(client.get(LIST))


@pytest.mark.django_db(transaction=True)
def test_a_deactivated_account_is_signed_out_at_the_next_request(personas):
    caseworker = personas["caseworker"]
    client = sign_in(Client(), caseworker)
    assert client.get(LIST).status_code == 200
    elsewhere("UPDATE accounts_user SET is_active = %s WHERE id = %s", [False, caseworker.pk])
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_a_coordinator_made_caseworker_elsewhere_loses_what_coordinators_alone_do(personas):
    coordinator = personas["coordinator"]
    client = sign_in(Client(), coordinator)
    assert client.get(reverse("transfer:import")).status_code == 200
    groups = {g.name: g.pk for g in Group.objects.all()}
    elsewhere(
        "UPDATE accounts_user_groups SET group_id = %s WHERE user_id = %s",
        [groups["caseworker"], coordinator.pk],
    )
    assert client.get(reverse("transfer:import")).status_code == 403
    assert client.get(LIST).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_renamed_group_no_longer_gives_its_role(personas):
    client = sign_in(Client(), personas["analyst"])
    assert client.get(LIST).status_code == 200
    elsewhere("UPDATE auth_group SET name = %s WHERE name = %s", ["readers", "analyst"])
    assert client.get(LIST).status_code == 403


@pytest.mark.django_db
def test_a_password_changed_elsewhere_signs_this_session_out(personas):
    caseworker = personas["caseworker"]
    client = sign_in(Client(), caseworker)
    assert client.get(LIST).status_code == 200
    caseworker.set_password("another-long-password-entirely")
    caseworker.save()
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_session_row_names_whom_it_signed_in_and_how(make_user):
    """Through the real sign-in pages: password, then the authenticator's code."""
    from tests.accounts.test_sign_in import current_code

    administrator = make_user("administrator", username="boss")
    device = TOTPDevice.objects.create(user=administrator, name="phone", confirmed=True)
    client = Client()
    client.post("/accounts/login/", {"username": "boss", "password": PASSWORD})
    row = Session.objects.get(session_key=client.session.session_key)
    assert (row.user_id, row.totp_device_id) == (administrator.pk, None)
    client.post(TWO_FACTOR, {"token": current_code(device), "next": LIST})
    row = Session.objects.get(session_key=client.session.session_key)
    assert (row.user_id, row.totp_device_id) == (administrator.pk, device.pk)
    assert client.get(LIST).status_code == 200
    client.post("/accounts/logout/")
    assert not Session.objects.filter(user=administrator).exists()
    assert client.get(LIST).status_code == 302


@pytest.mark.django_db
def test_a_deleted_user_takes_their_sessions_along(make_user):
    user = make_user("caseworker")
    client = sign_in(Client(), user)
    assert Session.objects.filter(user=user).count() == 1
    user.delete()
    assert not Session.objects.exists()
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
