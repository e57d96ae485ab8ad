"""deploy/ is checked by the tools that will read it: systemd's verifier, nginx's own
configuration test and Compose's parser (each skipped where the tool is not installed); the
nginx site also runs, on two free ports, in front of a stand-in for gunicorn.
The container image is not built here: its base image comes from a registry this machine
does not reach."""

from __future__ import annotations

import http.server
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.stack import free_port

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


def nginx_configuration(folder: Path, *, replace: dict[str, str] | None = None) -> Path:
    """The site as installed, in `folder`: a test certificate, the static files' and logs'
    folders there, `replace`d parts (ports, the upstream); returns the main nginx.conf."""
    made = run(
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=casebook.example.org", "-keyout", str(folder / "key.pem"),
        "-out", str(folder / "cert.pem"), cwd=folder,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    (folder / "static").mkdir()
    site = (DEPLOY / "nginx" / "casebook.conf").read_text()
    for old, new in {
        **(replace or {}),
        "/etc/letsencrypt/live/casebook.example.org/fullchain.pem": str(folder / "cert.pem"),
        "/etc/letsencrypt/live/casebook.example.org/privkey.pem": str(folder / "key.pem"),
        "/var/lib/casebook/static/": f"{folder}/static/",
        "/var/log/nginx/": f"{folder}/",
    }.items():
        site = site.replace(old, new)
    (folder / "casebook").write_text(site)
    shutil.copy(DEPLOY / "nginx" / "casebook_proxy.conf", folder)
    # root: the test's folders are private to it (installed, nginx reads as www-data).
    (folder / "nginx.conf").write_text(
        f"user root;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events {}\nhttp {\n    include /etc/nginx/mime.types;\n    include casebook;\n"
        f"    client_body_temp_path {folder}/body;\n    proxy_temp_path {folder}/proxy;\n}}\n"
    )
    return folder / "nginx.conf"


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is missing (apt-get install nginx)")
def test_the_nginx_site_passes_nginxs_configuration_test(tmp_path):
    result = run("nginx", "-t", "-c", str(nginx_configuration(tmp_path)), cwd=tmp_path)
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


@pytest.fixture
def nginx_site(tmp_path):
    """nginx running the site on 127.0.0.1 (two free ports for 80 and 443), in front of a
    stand-in for gunicorn that records what it was sent."""

    seen: list[dict[str, str]] = []

    class Backend(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            seen.append({k.lower(): v for k, v in self.headers.items()})
            self.send_response(200)
            self.send_header("Strict-Transport-Security", "max-age=60")  # as Django's own
            self.send_header("Content-Length", "7")
            self.end_headers()
            self.wfile.write(b"backend")

        def log_message(self, *args):
            pass

    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Backend)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    plain, tls = free_port(), free_port()
    configuration = nginx_configuration(
        tmp_path,
        replace={
            "listen [::]:80;\n": "",
            "listen [::]:443 ssl http2;\n": "",
            "listen 80;": f"listen 127.0.0.1:{plain};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{tls} ssl http2;",
            "server 127.0.0.1:8000": f"server 127.0.0.1:{backend.server_address[1]}",
        },
    )
    (tmp_path / "static" / "site.css").write_text("body { margin: 0 }\n")
    server = subprocess.Popen(  # noqa: S603 (nginx with the file written above)
        ["nginx", "-c", str(configuration), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )

    for _ in range(300):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", tls)) == 0:
                break
        time.sleep(0.1)
    try:
        yield plain, tls, seen, tmp_path
    finally:
        server.terminate()
        server.wait(timeout=30)
        backend.shutdown()


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is missing (apt-get install nginx)")
def test_the_nginx_site_terminates_https_and_forwards_the_client(nginx_site):

    plain, tls, seen, folder = nginx_site
    host = {"Host": "casebook.example.org"}
    with httpx.Client(verify=False, timeout=30) as client:  # noqa: S501 (our own test certificate)
        moved = client.get(f"http://127.0.0.1:{plain}/incidents/", headers=host)
        assert moved.status_code == 301
        assert moved.headers["location"] == "https://casebook.example.org/incidents/"
        page = client.get(f"https://127.0.0.1:{tls}/incidents/?q=Invented+Name", headers=host)
        assert page.text == "backend"
        # HSTS once: the site's, not also the application's.
        assert page.headers.get_list("strict-transport-security") == [
            "max-age=31536000; includeSubDomains"
        ]
        static = client.get(f"https://127.0.0.1:{tls}/static/site.css", headers=host)
        assert static.text == "body { margin: 0 }\n"
        assert static.headers["x-content-type-options"] == "nosniff"
    forwarded = seen[-1]
    assert forwarded["host"] == "casebook.example.org"
    assert forwarded["x-forwarded-proto"] == "https"
    assert forwarded["x-forwarded-for"] == "127.0.0.1"
    assert len(seen) == 1  # the static file never reached the application
    # A body over the evidence limit is refused before it is read.

    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", tls)) as raw, context.wrap_socket(raw) as sock:
        sock.sendall(
            b"POST /api/v1/incidents HTTP/1.1\r\nHost: casebook.example.org\r\n"
            b"Content-Length: 250000000\r\n\r\n"
        )
        assert sock.recv(100).startswith(b"HTTP/1.1 413")
    log = (folder / "casebook.access.log").read_text()
    assert "/incidents/" in log
    assert "Invented" not in log and "127.0.0.1" not in log
