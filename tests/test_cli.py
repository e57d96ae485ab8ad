"""The `casebook` command, run as a user runs it: a separate process on a fresh data folder."""

from __future__ import annotations

import json
import urllib.request

from tests.processes import casebook_env, free_port, run_casebook, run_with_env, serving


def test_commands_refuse_to_run_without_a_secret_key(tmp_path):
    result = run_casebook(tmp_path, "migrate")
    assert result.returncode == 2
    assert "No secret key" in result.stderr
    assert "casebook init" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_creates_database_codebook_and_administrator_once(tmp_path):
    first = run_casebook(tmp_path, "init", "--password-stdin", stdin="a-long-password-1\n")
    assert first.returncode == 0, first.stderr
    assert "Codebook uk" in first.stdout
    assert "Administrator 'admin' created." in first.stdout
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    again = run_casebook(tmp_path, "init", "--password-stdin", stdin="another-password-2\n")
    assert again.returncode == 0, again.stderr
    assert "already exists; password unchanged" in again.stdout


def test_init_refuses_a_short_password(tmp_path):
    result = run_casebook(tmp_path, "init", "--password-stdin", stdin="short\n")
    assert result.returncode != 0
    assert "at least 10 characters" in result.stderr


def test_serve_refuses_an_uninitialised_database(tmp_path):
    (tmp_path / "secret_key").parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "secret_key").write_text("k" * 60)
    result = run_casebook(tmp_path, "serve", "--port", str(free_port()))
    assert result.returncode != 0
    assert "run `casebook init`" in result.stderr


def test_serve_answers_http_and_requires_sign_in(tmp_path):
    assert (
        run_casebook(tmp_path, "init", "--password-stdin", stdin="a-long-password-1\n").returncode
        == 0
    )
    with serving(casebook_env(tmp_path / "home", data_dir=tmp_path)) as server:
        with urllib.request.urlopen(server.base + "/healthz", timeout=5) as answer:
            assert json.loads(answer.read())["status"] == "ok"
        page = urllib.request.urlopen(server.base + "/incidents/", timeout=5)
        assert "/accounts/login/" in page.url
        assert b"Sign in" in page.read()


def test_demo_sets_up_sample_data_and_prints_the_logins(tmp_path):
    result = run_casebook(tmp_path, "demo", "--size", "25", "--no-serve")
    assert result.returncode == 0, result.stderr
    assert "coordinator" in result.stdout and "password:" in result.stdout
    counts = run_casebook(
        tmp_path,
        "shell",
        "-c",
        "from casebook.cases.models import Incident; print(Incident.objects.count())",
    )
    assert counts.stdout.strip().splitlines()[-1] == "25"
    # The public side: the portal is on, with part of the verified sample published.
    status = run_casebook(tmp_path, "portal", "status")
    assert "The portal is on" in status.stdout, status.stdout + status.stderr
    public = int(status.stdout.split(":", 1)[1].split()[0])
    assert public > 0


def test_production_settings_pass_djangos_deployment_checks(tmp_path):
    env = casebook_env(
        tmp_path / "home",
        data_dir=tmp_path,
        CASEBOOK_HTTPS="1",
        CASEBOOK_SECRET_KEY="s" * 20 + "Kq9#vX2!pL7@mN4$rT8^wZ1&yB6*cD3(eF5)gH0_",
        CASEBOOK_ALLOWED_HOSTS="casebook.example.org",
    )
    result = run_with_env(env, "check", "--deploy", "--fail-level", "WARNING", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
