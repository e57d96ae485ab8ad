"""Signing in: passwords hashed with argon2, guessing throttled, a second factor for the
roles that can see everyone's details, and strict headers on every page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebook.accounts import security
from casebook.accounts.security import FREE_FAILURES
from casebook.accounts.services import invitation_issue, invitation_path
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def post_login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_hashed_with_argon2(make_user):
    user = make_user("caseworker")
    user.set_password("a-new-long-password")
    user.save()
    assert identify_hasher(user.password).algorithm == "argon2"


def test_caseworker_signs_in_with_a_password_alone(make_user):
    make_user("caseworker", username="cw")
    client = Client()
    response = post_login(client, "cw", PASSWORD)
    assert response.status_code == 302
    assert client.get("/incidents/").status_code == 200


def post_login_from(client, username, password, address):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_a_strangers_guesses_slow_strangers_even_with_the_right_password(make_user):
    make_user("caseworker", username="target")
    stranger = Client()
    for _ in range(FREE_FAILURES["account"]):
        assert b"Please enter a correct" in post_login(stranger, "target", "wrong-password").content
    response = post_login(Client(), "target", PASSWORD)  # another browser, never signed in
    assert response.status_code == 200
    assert "Try again in 1 minute" in response.content.decode()
    assert stranger.get("/incidents/").status_code == 302


def test_the_owners_usual_browser_is_never_refused_for_a_strangers_guesses(make_user):
    make_user("caseworker", username="owner")
    owners_browser = Client()
    assert post_login(owners_browser, "owner", PASSWORD).status_code == 302
    owners_browser.post("/accounts/logout/")
    stranger = Client()
    for _ in range(FREE_FAILURES["account"] + 3):
        post_login(stranger, "owner", "wrong-password")
    assert b"Try again in" in post_login(stranger, "owner", PASSWORD).content
    assert post_login(owners_browser, "owner", PASSWORD).status_code == 302
    assert owners_browser.get("/incidents/").status_code == 200


def test_the_pause_doubles_with_each_failure_past_the_allowance_and_ends(make_user, monkeypatch):
    make_user("caseworker", username="patient")
    client = Client()
    for _ in range(FREE_FAILURES["account"]):
        post_login(client, "patient", "wrong-password")
    later = timezone.now()

    def clock() -> dt.datetime:
        return later

    monkeypatch.setattr(security.timezone, "now", clock)
    later += dt.timedelta(seconds=61)
    assert b"Please enter a correct" in post_login(client, "patient", "wrong-password").content
    assert "Try again in 2 minutes" in post_login(client, "patient", PASSWORD).content.decode()
    later += dt.timedelta(minutes=2, seconds=1)
    assert post_login(client, "patient", PASSWORD).status_code == 302


def test_an_address_is_slowed_after_many_failures_but_known_browsers_there_are_not(make_user):
    make_user("caseworker", username="colleague")
    office = "198.51.100.20"
    colleagues_browser = Client()
    assert post_login_from(colleagues_browser, "colleague", PASSWORD, office).status_code == 302
    colleagues_browser.post("/accounts/logout/", REMOTE_ADDR=office)
    guesser = Client()
    for number in range(FREE_FAILURES["address"]):
        post_login_from(guesser, f"name-{number}", "wrong-password", office)
    refused = post_login_from(Client(), "colleague", PASSWORD, office)
    assert "from this network" in refused.content.decode()
    # The colleague's usual browser, and anybody elsewhere, still sign in.
    assert post_login_from(colleagues_browser, "colleague", PASSWORD, office).status_code == 302
    elsewhere = post_login_from(Client(), "colleague", PASSWORD, "198.51.100.21")
    assert elsewhere.status_code == 302


def test_a_forged_known_browser_cookie_is_ignored(make_user):
    make_user("caseworker", username="forged")
    client = Client()
    client.cookies[security.DEVICE_COOKIE] = "W1siZm9yZ2VkIiwiYWJjIl1d:forged:signature"
    for _ in range(FREE_FAILURES["account"]):
        post_login(client, "forged", "wrong-password")
    assert b"Try again in" in post_login(Client(), "forged", PASSWORD).content


# django-otp delays the next try after a wrong code; the test does not wait for it.
@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_coordinator_must_enrol_and_use_an_authenticator(make_user):
    coordinator = make_user("coordinator", username="coord")
    _, code = invitation_issue(user=coordinator, issued_by=None)
    client = Client()
    client.get(invitation_path(code))
    assert post_login(client, "coord", PASSWORD).status_code == 302
    # Everything but the second-factor page is out of reach until a code is given.
    response = client.get("/incidents/")
    assert response.status_code == 302 and "/accounts/two-factor/" in response["Location"]
    page = client.get("/accounts/two-factor/")
    assert b"<svg" in page.content  # the enrolment QR code
    device = TOTPDevice.objects.get(user__username="coord")
    assert not device.confirmed
    wrong = client.post("/accounts/two-factor/", {"token": "000000", "next": "/incidents/"})
    assert b"wrong or has expired" in wrong.content
    right = client.post(
        "/accounts/two-factor/", {"token": current_code(device), "next": "/incidents/"}
    )
    assert right.status_code == 302 and right["Location"] == "/incidents/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/incidents/").status_code == 200


def test_second_factor_page_refuses_an_outside_redirect(make_user):
    user = make_user("administrator")
    client = sign_in(Client(), user)
    response = client.get("/accounts/two-factor/?next=https://evil.example.test/")
    assert response["Location"] == "/"


def test_administrator_without_second_factor_cannot_reach_the_admin(make_user):
    user = make_user("administrator")
    client = sign_in(Client(), user, second_factor=False)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/accounts/two-factor/" in response["Location"]


def test_pages_carry_a_strict_content_security_policy(make_user):
    client = sign_in(Client(), make_user("analyst"))
    response = client.get("/incidents/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"


def test_session_ends_when_the_browser_closes(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_a_form_sent_with_an_empty_box_is_not_counted_as_a_guess(make_user):
    make_user("caseworker", username="hasty")
    client = Client()
    for _ in range(FREE_FAILURES["account"] + 2):
        assert b"This field is required" in post_login(client, "hasty", "").content
    assert post_login(client, "hasty", PASSWORD).status_code == 302
