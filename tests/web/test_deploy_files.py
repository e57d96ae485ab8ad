"""deploy/ is checked by the tools that will read it: systemd's verifier, nginx's own
configuration test and Compose's parser (each skipped where the tool is not installed).
The container image is not built here: its base image comes from a registry this machine
does not reach."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = ["casebook-web.service", "casebook-worker.service", "casebook-beat.service"]


def run(*command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (fixed tools, files we wrote)
        command, cwd=cwd, capture_output=True, text=True, timeout=120, check=False, env=env or None
    )


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is missing")
def test_the_systemd_units_pass_systemds_verifier(tmp_path):
    # The units name /opt/casebook/venv; the verifier checks that each command exists.
    venv = Path(sys.executable).parent.parent
    for unit in [*UNITS, "casebook.target"]:
        text = (DEPLOY / "systemd" / unit).read_text()
        (tmp_path / unit).write_text(text.replace("/opt/casebook/venv", str(venv)))
    result = run("systemd-analyze", "verify", "--man=no", *UNITS, "casebook.target", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def test_every_service_runs_as_its_own_user_in_a_read_only_system():
    for unit in UNITS:
        settings = dict(
            line.split("=", 1)
            for line in (DEPLOY / "systemd" / unit).read_text().splitlines()
            if "=" in line and not line.startswith("#")
        )
        assert settings["User"] == "casebook"
        assert settings["ProtectSystem"] == "strict"
        assert settings["NoNewPrivileges"] == "yes"
        assert settings["EnvironmentFile"] == "/etc/casebook/casebook.env"
        assert settings["CapabilityBoundingSet"] == ""


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is missing (apt-get install nginx)")
def test_the_nginx_site_passes_nginxs_configuration_test(tmp_path):
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = run(
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=casebook.example.org", "-keyout", str(key), "-out", str(certificate),
        cwd=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    (tmp_path / "static").mkdir()
    site = (
        (DEPLOY / "nginx" / "casebook.conf")
        .read_text()
        .replace("/etc/letsencrypt/live/casebook.example.org/fullchain.pem", str(certificate))
        .replace("/etc/letsencrypt/live/casebook.example.org/privkey.pem", str(key))
        .replace("/var/lib/casebook/static/", f"{tmp_path}/static/")
        .replace("/var/log/nginx/", f"{tmp_path}/")
    )
    (tmp_path / "casebook").write_text(site)
    shutil.copy(DEPLOY / "nginx" / "casebook_proxy.conf", tmp_path)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        "http {\n    include /etc/nginx/mime.types;\n    include casebook;\n}\n"
    )
    result = run("nginx", "-t", "-c", str(tmp_path / "nginx.conf"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_the_nginx_site_allows_uploads_up_to_the_evidence_limit():
    from django.conf import settings

    site = (DEPLOY / "nginx" / "casebook.conf").read_text()
    assert f"client_max_body_size {settings.EVIDENCE_MAX_BYTES // 2**20}m;" in site
    assert "$request_uri" not in site.split("log_format", 1)[1].split(";", 1)[0]


@pytest.mark.skipif(
    not (shutil.which("docker-compose") or shutil.which("podman-compose")),
    reason="no Compose (apt-get install docker-compose)",
)
def test_the_compose_file_parses_with_every_service(tmp_path):
    copy = tmp_path / "deploy"
    shutil.copytree(DEPLOY, copy)
    shutil.copy(copy / "container.env.example", copy / "container.env")
    compose = shutil.which("docker-compose") or shutil.which("podman-compose")
    result = run(
        compose, "-f", "compose.yaml", "config", "--services", cwd=copy,
        POSTGRES_PASSWORD="invented", PATH="/usr/bin:/bin",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == {"web", "worker", "beat", "postgres", "redis"}


def test_the_container_runs_as_a_user_without_privileges():
    lines = (DEPLOY / "Containerfile").read_text().splitlines()
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users == ["casebook:casebook"]
    assert lines.index(f"USER {users[0]}") > max(
        i for i, line in enumerate(lines) if line.startswith("RUN ")
    )
