"""The first hour on a new machine: `make demo`, then the other commands, as separate processes
with a home folder of their own and none of the test run's settings."""

from __future__ import annotations

import signal
import socket
import subprocess
from pathlib import Path

from tests.processes import casebook_env, free_port, run_with_env, serving

ROOT = Path(__file__).resolve().parents[2]
COUNT = "from casebook.cases.models import Incident; print(Incident.objects.count())"


def folders(home: Path) -> tuple[Path, Path]:
    share = home / ".local" / "share"
    return share / "casebook", share / "casebook-demo"


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


def test_after_the_demo_every_other_command_finds_its_casebook(tmp_path):
    env = casebook_env(tmp_path)
    own, demo_folder = folders(tmp_path)
    demo = run_with_env(env, "demo", "--size", "5", "--no-serve")
    assert demo.returncode == 0, demo.stderr
    assert f"set CASEBOOK_DATA_DIR={demo_folder}" in demo.stdout

    helped = run_with_env(env, "--help")
    assert helped.returncode == 0, helped.stderr
    assert "casebook init" in helped.stdout and "Traceback" not in helped.stderr

    template = tmp_path / "template.csv"
    written = run_with_env(env, "export", "--template", "-o", str(template))
    assert written.returncode == 0, written.stderr
    assert f"using the demo casebook in {demo_folder}" in written.stderr
    assert "run `casebook init`" not in written.stderr

    imported = run_with_env(env, "import", str(template))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    counted = run_with_env(env, "shell", "-c", COUNT)
    assert last_line(counted.stdout) == "6"  # the demo's five and the template's example
    assert not own.exists() or not (own / "casebook.sqlite3").exists()

    # Once the machine has a casebook of its own, commands use it and say nothing of the demo.
    init = run_with_env(env, "init", "--password-stdin", stdin="a-long-password-1\n")
    assert init.returncode == 0, init.stderr
    assert (own / "casebook.sqlite3").exists()
    counted = run_with_env(env, "shell", "-c", COUNT)
    assert last_line(counted.stdout) == "0"
    assert "demo" not in counted.stderr


def test_help_works_on_a_machine_with_no_casebook_and_creates_none(tmp_path):
    env = casebook_env(tmp_path)
    for args in (["--help"], ["help", "import"], ["import", "--help"], ["init", "--help"]):
        result = run_with_env(env, *args)
        assert result.returncode == 0, (args, result.stderr)
        assert "configuration problem" not in result.stderr
        assert "Traceback" not in result.stderr
    own, demo_folder = folders(tmp_path)
    assert not (own / "casebook.sqlite3").exists() and not (own / "secret_key").exists()
    assert not (demo_folder / "casebook.sqlite3").exists()


def test_a_command_still_asks_for_init_when_there_is_no_casebook_at_all(tmp_path):
    result = run_with_env(casebook_env(tmp_path), "export")
    assert result.returncode == 2
    assert "casebook init" in result.stderr and "Traceback" not in result.stderr


def test_a_busy_port_is_one_sentence_for_serve_and_for_the_demo(tmp_path):
    data = tmp_path / "data"
    env = casebook_env(tmp_path, data_dir=data)
    init = run_with_env(env, "init", "--password-stdin", stdin="a-long-password-1\n")
    assert init.returncode == 0, init.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        served = run_with_env(env, "serve", "--port", port)
        demo_env = casebook_env(tmp_path / "newcomer")
        demo = run_with_env(demo_env, "demo", "--size", "5", "--port", port)
    assert served.returncode == 1
    assert served.stderr.strip().count("\n") == 0, served.stderr
    assert f"Port {port} on 127.0.0.1 is already in use" in served.stderr
    assert "casebook serve --port 8080" in served.stderr
    assert "Casebook is running" not in served.stdout
    # The demo refuses before it spends minutes setting up, and says how to choose a port.
    assert demo.returncode == 1
    assert demo.stderr.strip().count("\n") == 0, demo.stderr
    assert "make demo PORT=8080" in demo.stderr
    assert not (folders(tmp_path / "newcomer")[1] / "casebook.sqlite3").exists()


def test_the_demo_serves_on_the_port_it_is_given_and_ctrl_c_stops_it_quietly(tmp_path):
    env = casebook_env(tmp_path)
    port = free_port()
    with serving(env, "demo", "--size", "3", port=port) as server:
        assert server.base.endswith(f":{port}")
        server.process.send_signal(signal.SIGINT)
        server.process.wait(timeout=300)
    assert f"Casebook is running on http://127.0.0.1:{port}/" in server.stdout
    assert "Stopped." in server.stdout
    assert "Traceback" not in server.stderr and "KeyboardInterrupt" not in server.stderr


def test_make_demo_and_make_serve_pass_the_port_on():
    for target, command in (("demo", "casebook demo"), ("serve", "casebook serve")):
        dry_run = subprocess.run(
            ["make", "-n", target, "PORT=8080", "VENV=/nonexistent-venv"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        assert f"/nonexistent-venv/bin/{command} --port 8080" in dry_run.stdout
    default = subprocess.run(
        ["make", "-n", "demo", "VENV=/nonexistent-venv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "casebook demo --port 8000" in default.stdout
