"""Personal access tokens: made once, kept hashed, scoped, expiring, revocable, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebook.api.models import AccessToken
from casebook.api.services import token_create, token_revoke
from casebook.audit.models import AuditEntry
from tests.api.conftest import TokenClient

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def test_a_token_is_shown_once_and_kept_only_as_a_hash(personas):
    token, raw = token_create(user=personas["caseworker"], name="intake form", scopes=["read"])
    assert raw.startswith("cbk_") and len(raw) > 40
    stored = AccessToken.objects.get(pk=token.pk)
    assert raw not in {stored.token_hash, stored.prefix, stored.name}
    assert stored.prefix == raw[:10]
    response = TokenClient(raw).get(ME)
    assert response.status_code == 200, response.content
    assert response.json()["username"] == "caseworker"
    assert response.json()["scopes"] == ["read"]


def test_every_use_records_when_and_from_where(personas):
    token, raw = token_create(user=personas["analyst"], name="dashboard", scopes=["read"])
    TokenClient(raw).client.get(
        ME, headers={"Authorization": f"Bearer {raw}"}, REMOTE_ADDR="203.0.113.9"
    )
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.last_used_from == "203.0.113.9"


@pytest.mark.parametrize(
    "raw",
    ["", "cbk_not-a-token", "Basic abc", "cbk_" + "x" * 40],
    ids=["none", "wrong", "basic", "long"],
)
def test_requests_without_a_valid_token_get_a_problem_saying_how_to_get_one(raw):
    response = TokenClient(raw or None).get(ME)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 401 and "casebook token create" in problem["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_and_expired_tokens_stop_working(personas):
    token, raw = token_create(
        user=personas["coordinator"], name="script", scopes=["read"], at_console=True
    )
    client = TokenClient(raw)
    assert client.get(ME).status_code == 200
    assert token_revoke(token=token, actor=personas["coordinator"])
    assert client.get(ME).status_code == 401
    assert not token_revoke(token=token)  # twice is nothing new

    token, raw = token_create(user=personas["analyst"], name="old", scopes=["read"])
    AccessToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2),
        expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    assert TokenClient(raw).get(ME).status_code == 401


def test_a_token_of_a_deactivated_user_stops_working(personas):
    _, raw = token_create(user=personas["analyst"], name="x", scopes=["read"])
    personas["analyst"].is_active = False
    personas["analyst"].save()
    assert TokenClient(raw).get(ME).status_code == 401


def test_creating_and_revoking_are_audited_without_the_token(personas):
    token, raw = token_create(user=personas["caseworker"], name="intake", scopes=["write"])
    token_revoke(token=token, actor=personas["caseworker"])
    entries = AuditEntry.objects.filter(action__startswith="api.token.").order_by("sequence")
    assert [e.action for e in entries] == ["api.token.created", "api.token.revoked"]
    assert all(raw not in str(e.changes) for e in entries)


def test_analysts_cannot_have_personal_data_tokens_nor_accounts_without_a_role(personas):
    with pytest.raises(ValidationError, match="personal-data"):
        token_create(user=personas["analyst"], name="x", scopes=["personal-data"])
    with pytest.raises(PermissionDenied):
        token_create(user=personas["outsider"], name="x", scopes=["read"])
    with pytest.raises(ValidationError, match="Unknown scope"):
        token_create(user=personas["caseworker"], name="x", scopes=["admin"])
    with pytest.raises(ValidationError, match="366"):
        token_create(user=personas["caseworker"], name="x", scopes=["read"], days=1000)


def test_only_the_owner_or_an_administrator_revokes_a_token(personas):
    token, _ = token_create(user=personas["caseworker"], name="x", scopes=["read"])
    with pytest.raises(PermissionDenied):
        token_revoke(token=token, actor=personas["analyst"])
    assert token_revoke(token=token, actor=personas["administrator"])


def _code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_coordinators_need_a_fresh_second_factor_to_create_a_token_in_the_page(
    client_for, personas
):
    client = client_for("coordinator")  # signed in with the second factor already
    url = reverse("api:tokens")
    refused = client.post(url, {"name": "script", "scopes": ["read"], "days": "30"})
    assert refused.status_code == 200
    assert "authenticator" in refused.content.decode()
    assert not AccessToken.objects.exists()
    made = client.post(
        url,
        {
            "name": "script",
            "scopes": ["read"],
            "days": "30",
            "second_factor": _code(personas["coordinator"]),
        },
    )
    token = AccessToken.objects.get()
    page = made.content.decode()
    assert token.prefix in page and "not shown again" in page
    # The page after this one no longer shows it.
    assert "not shown again" not in client.get(url).content.decode()


def test_caseworkers_create_and_revoke_their_tokens_in_the_page(client_for, personas):
    client = client_for("caseworker")
    url = reverse("api:tokens")
    client.post(url, {"name": "intake form", "scopes": ["write"], "days": "7"})
    token = AccessToken.objects.get(user=personas["caseworker"])
    assert token.scope_set == {"write"}
    assert (token.expires_at - timezone.now()).days in (6, 7)
    client.post(reverse("api:token-revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.state == "revoked"


def test_nobody_revokes_someone_elses_token_in_the_page(client_for, personas):
    token, _ = token_create(user=personas["caseworker"], name="x", scopes=["read"])
    response = client_for("coordinator").post(reverse("api:token-revoke", args=[token.pk]))
    assert response.status_code == 403
    token.refresh_from_db()
    assert token.state == "active"


def test_the_command_prints_the_token_alone_on_its_last_line(personas, capsys):
    call_command(
        "token", "create", "caseworker", "--scope", "read", "--scope", "write", "--expires", "10"
    )
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert raw.startswith("cbk_") and " " not in raw
    assert TokenClient(raw).get(ME).json()["scopes"] == ["read", "write"]
    call_command("token", "list", "caseworker")
    assert raw[:10] in capsys.readouterr().out
    call_command("token", "revoke", "caseworker", raw[:10])
    assert TokenClient(raw).get(ME).status_code == 401


def test_a_token_without_the_scope_gets_a_problem_naming_it(personas):
    _, raw = token_create(user=personas["caseworker"], name="x", scopes=["personal-data"])
    response = TokenClient(raw).get(ME)
    assert response.status_code == 403
    assert "read scope" in response.json()["detail"]


def test_a_token_past_its_rate_is_told_when_to_come_back(personas, settings):
    settings.API_REQUESTS_PER_MINUTE = 3
    from django.core.cache import cache

    cache.clear()
    _, raw = token_create(user=personas["analyst"], name="x", scopes=["read"])
    client = TokenClient(raw)
    statuses = [client.get(ME).status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429
    # Another token of the same user is counted apart.
    _, other = token_create(user=personas["analyst"], name="y", scopes=["read"])
    assert TokenClient(other).get(ME).status_code == 200


def test_the_account_menu_leads_to_the_token_page(client_for):
    page = client_for("analyst").get(reverse("casework:incident-list")).content.decode()
    assert reverse("api:tokens") in page
    assert (
        reverse("api:tokens")
        not in client_for("outsider").get("/accounts/password/").content.decode()
    )
