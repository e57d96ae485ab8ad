"""The administrator `casebook init` makes at the console: trusted to set up an authenticator
app without an invitation, once; a password `init` printed is replaced at the first sign-in.
Run as a user would: `casebook init`, `casebook serve`, a browser-like client."""

from __future__ import annotations

import base64
import re

import httpx
from django_otp.oath import TOTP

from tests.processes import casebook_env, run_with_env, serving


def form_post(web: httpx.Client, path: str, data: dict) -> httpx.Response:
    token = web.cookies["csrftoken"]
    return web.post(
        path,
        data={**data, "csrfmiddlewaretoken": token},
        headers={"Referer": str(web.base_url) + path},
    )


def totp_now(secret: str) -> str:
    return f"{TOTP(base64.b32decode(secret)).token():06d}"


def test_the_first_administrator_enrols_without_invitation_and_replaces_a_printed_password(
    tmp_path,
):
    env = casebook_env(tmp_path / "home", data_dir=tmp_path)
    init = run_with_env(env, "init")  # no terminal, no --password-stdin: a password is printed
    assert init.returncode == 0, init.stderr
    printed = re.search(r"created with password: (\S+)", init.stdout).group(1)
    assert "choose your own at the first sign-in" in init.stdout

    with serving(env) as server, httpx.Client(base_url=server.base, timeout=120) as web:
        web.get("/accounts/login/")
        signed = form_post(web, "/accounts/login/", {"username": "admin", "password": printed})
        assert signed.status_code == 302
        page = web.get("/accounts/two-factor/").text
        assert "<svg" in page  # no invitation asked of the console's administrator
        secret = re.search(r"by hand: <code>([A-Z2-7=]+)</code>", page).group(1)
        enrolled = form_post(web, "/accounts/two-factor/", {"token": totp_now(secret)})
        assert enrolled.status_code == 302
        # Second factor given; now the printed password must go before anything else.
        blocked = web.get("/incidents/")
        assert blocked.status_code == 302
        assert blocked.headers["Location"].startswith("/accounts/password/")
        mine = "admins-own-passphrase-42"
        changed = form_post(
            web,
            "/accounts/password/",
            {"old_password": printed, "new_password1": mine, "new_password2": mine},
        )
        assert changed.status_code == 302
        assert web.get("/incidents/").status_code == 200

    # The trust was for that one enrolment: a new app needs an invitation, from the console too.
    invited = run_with_env(env, "user", "invite", "admin")
    assert invited.returncode == 0, invited.stderr
    assert re.search(r"code: [A-Z0-9]{5}-", invited.stdout)
    assert "/accounts/invitation/" in invited.stdout
    unknown = run_with_env(env, "user", "invite", "nobody")
    assert unknown.returncode != 0 and "No user 'nobody'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
