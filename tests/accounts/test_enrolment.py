"""A leaked first password does not give away the second factor: enrolling an authenticator
needs a one-time invitation from an administrator, and a password someone else chose is
replaced by the user's own at the first sign-in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebook.accounts.models import EnrolmentInvitation, User
from casebook.accounts.services import invitation_issue
from casebook.audit.models import AuditEntry
from tests.conftest import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
PASSWORD = "correct-horse-battery"
CODE = re.compile(r"code: ([A-Z0-9-]+)")
LINK = re.compile(r"link: \S*(/accounts/invitation/[A-Z0-9]+/)")


def signed_in_with_password(username: str) -> Client:
    client = Client()
    answer = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert answer.status_code == 302, answer.content[:500]
    return client


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def invite_on_the_console(run, username: str) -> tuple[str, str]:
    printed = run("user", "invite", username)
    return CODE.search(printed).group(1), LINK.search(printed).group(1)


def test_a_password_alone_does_not_reach_the_authenticators_secret(make_user):
    make_user("coordinator", username="newcoord")
    client = signed_in_with_password("newcoord")
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200
    assert b"invitation" in page.content and b"<svg" not in page.content
    assert not TOTPDevice.objects.filter(user__username="newcoord").exists()
    # Nothing else is reachable either.
    assert "/accounts/two-factor/" in client.get("/incidents/")["Location"]


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_an_invitation_link_lets_the_invited_user_enrol_once(make_user, run):
    make_user("coordinator", username="invited")
    code, link = invite_on_the_console(run, "invited")
    assert "invited" not in link  # nothing personal in the address
    client = Client()
    opened = client.get(link)
    assert opened.status_code == 302 and opened["Location"].startswith("/accounts/login/")
    assert (
        client.post("/accounts/login/", {"username": "invited", "password": PASSWORD}).status_code
        == 302
    )
    page = client.get("/accounts/two-factor/")
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user__username="invited")
    done = client.post("/accounts/two-factor/", {"token": current_code(device), "next": "/"})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/incidents/").status_code == 200
    # Used up: the link and the code work no more.
    assert Client().get(link).status_code == 410
    assert EnrolmentInvitation.objects.get(user__username="invited").used_at is not None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"accounts.invitation.issued", "accounts.authenticator.enrolled"} <= actions


def test_a_typed_code_works_for_its_user_only(make_user, run):
    make_user("coordinator", username="alice")
    make_user("coordinator", username="bob")
    code, _ = invite_on_the_console(run, "alice")
    bob = signed_in_with_password("bob")
    refused = bob.post("/accounts/two-factor/", {"code": code})
    assert b"wrong, used or expired" in refused.content
    assert b"<svg" not in bob.get("/accounts/two-factor/").content
    alice = signed_in_with_password("alice")
    typed = code.lower().replace("-", " ")  # as read out over the phone
    assert alice.post("/accounts/two-factor/", {"code": typed}).status_code == 302
    assert b"<svg" in alice.get("/accounts/two-factor/").content


def test_an_expired_or_replaced_invitation_does_not_work(make_user):
    user = make_user("administrator", username="late")
    _, old_code = invitation_issue(user=user, issued_by=None)
    expired, expired_code = invitation_issue(user=user, issued_by=None, hours=1)
    client = signed_in_with_password("late")
    # The older one was replaced by the newer one.
    assert (
        b"wrong, used or expired"
        in client.post("/accounts/two-factor/", {"code": old_code}).content
    )
    # Two hours later the newer one has run out too.
    EnrolmentInvitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert (
        b"wrong, used or expired"
        in client.post("/accounts/two-factor/", {"code": expired_code}).content
    )


def test_only_a_hash_of_the_code_is_kept(make_user):
    user = make_user("coordinator")
    invitation, code = invitation_issue(user=user, issued_by=None)
    stored = EnrolmentInvitation.objects.filter(pk=invitation.pk).values().get()
    plain = code.replace("-", "")
    assert not any(plain in str(value) for value in stored.values())


def test_a_secret_shown_before_the_invitation_is_not_reused(make_user):
    user = make_user("coordinator", username="earlier")
    # An authenticator secret handed out by an older version to whoever had the password.
    leaked = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    _, code = invitation_issue(user=user, issued_by=None)
    client = signed_in_with_password("earlier")
    client.post("/accounts/two-factor/", {"code": code})
    client.get("/accounts/two-factor/")
    fresh = TOTPDevice.objects.get(user=user)
    assert fresh.pk != leaked.pk and fresh.key != leaked.key


def test_the_administrators_user_page_issues_an_invitation_shown_once(personas, make_user):
    coordinator = make_user("coordinator", username="tobeinvited")
    admin = sign_in(Client(), personas["administrator"])
    user_page = admin.get(f"/admin/accounts/user/{coordinator.pk}/change/")
    assert b"Invite to set up an authenticator app" in user_page.content
    confirm = admin.get(f"/admin/accounts/user/{coordinator.pk}/invite/")
    assert confirm.status_code == 200 and not EnrolmentInvitation.objects.exists()
    shown = admin.post(f"/admin/accounts/user/{coordinator.pk}/invite/").content.decode()
    code = re.search(r'class="invitation-code">([A-Z0-9-]+)<', shown).group(1)
    link = re.search(r'class="invitation-link">http://testserver(/[^<]+)<', shown).group(1)
    invitation = EnrolmentInvitation.objects.get(user=coordinator)
    assert invitation.issued_by == personas["administrator"]
    assert link == f"/accounts/invitation/{code.replace('-', '')}/"
    assert Client().get(link).status_code == 302


def test_other_roles_cannot_issue_invitations(client_for, make_user):
    coordinator = make_user("coordinator", username="nobodyinvites")
    answer = client_for("coordinator").post(f"/admin/accounts/user/{coordinator.pk}/invite/")
    assert answer.status_code == 302 and "/admin/login/" in answer["Location"]
    assert not EnrolmentInvitation.objects.exists()


def test_a_password_an_administrator_chose_is_replaced_at_first_sign_in(personas):
    admin = sign_in(Client(), personas["administrator"])
    added = admin.post(
        "/admin/accounts/user/add/",
        {
            "username": "newcomer",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "usable_password": "true",
        },
    )
    assert added.status_code == 302, added.content[:2000]
    from django.contrib.auth.models import Group

    User.objects.get(username="newcomer").groups.add(Group.objects.get(name="caseworker"))
    client = signed_in_with_password("newcomer")
    blocked = client.get("/incidents/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/accounts/password/")
    page = client.get(blocked["Location"])
    assert b"chosen by someone else" in page.content
    weak = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert b"too short" in weak.content or b"too common" in weak.content
    mine = "my-own-long-passphrase-7"
    chosen = client.post(
        "/accounts/password/?next=/incidents/",
        {"old_password": PASSWORD, "new_password1": mine, "new_password2": mine},
    )
    assert chosen.status_code == 302 and chosen["Location"] == "/incidents/"
    assert client.get("/incidents/").status_code == 200  # still signed in
    assert AuditEntry.objects.filter(action="accounts.password.changed").exists()


def test_an_administrator_resetting_a_password_makes_the_user_choose_again(personas, make_user):
    user = make_user("caseworker", username="forgetful")
    admin = sign_in(Client(), personas["administrator"])
    reset = admin.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "reset-by-admin-123", "password2": "reset-by-admin-123"},
    )
    assert reset.status_code == 302
    client = Client()
    client.post("/accounts/login/", {"username": "forgetful", "password": "reset-by-admin-123"})
    assert client.get("/incidents/")["Location"].startswith("/accounts/password/")


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_the_consoles_trust_is_for_one_enrolment(make_user):
    from casebook.accounts.services import console_trust_for_enrolment

    user = make_user("administrator", username="firstadmin")
    assert console_trust_for_enrolment(user=user)
    client = signed_in_with_password("firstadmin")
    assert b"<svg" in client.get("/accounts/two-factor/").content
    device = TOTPDevice.objects.get(user=user)
    client.post("/accounts/two-factor/", {"token": current_code(device)})
    # The phone is lost; the device is deleted: now an invitation is needed, as for anyone.
    TOTPDevice.objects.filter(user=user).delete()
    again = signed_in_with_password("firstadmin")
    page = again.get("/accounts/two-factor/")
    assert b"<svg" not in page.content and b"invitation" in page.content
