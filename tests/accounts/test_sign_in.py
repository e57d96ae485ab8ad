"""Signing in: passwords hashed with argon2, guessing throttled, a second factor for the
roles that can see everyone's details, and strict headers on every page."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebook.accounts.security import MAX_FAILURES_PER_ACCOUNT
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


def test_account_is_locked_after_repeated_failures_even_with_the_right_password(make_user):
    make_user("caseworker", username="target")
    client = Client()
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert post_login(client, "target", "wrong-password").status_code == 200
    response = post_login(client, "target", PASSWORD)
    assert response.status_code == 200
    assert "locked" in response.content.decode()
    assert client.get("/incidents/").status_code == 302


# django-otp delays the next try after a wrong code; the test does not wait for it.
@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_coordinator_must_enrol_and_use_an_authenticator(make_user):
    make_user("coordinator", username="coord")
    client = Client()
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
