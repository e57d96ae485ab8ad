"""Running `casebook` as a user runs it: a separate process, its own data folder and home,
none of the test run's settings. Shared by the tests of the command, the server and its logs."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CASEBOOK = [sys.executable, "-m", "casebook.cli"]


def casebook_env(home: Path, *, data_dir: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a new user: a home folder of their own, no CASEBOOK_ settings
    (unless given) and no database URL, so the data folder is the one Casebook chooses."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CASEBOOK_", "DJANGO_", "DATABASE_URL", "XDG_"))
    }
    env["HOME"] = str(home)
    if data_dir is not None:
        env["CASEBOOK_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


def run_casebook(data_dir: Path, *args: str, stdin: str = "", timeout: int = 300, **extra: str):
    """Run one command against `data_dir`; its home is a folder inside it."""
    return run_with_env(
        casebook_env(data_dir / "home", data_dir=data_dir, **extra),
        *args,
        stdin=stdin,
        timeout=timeout,
    )


def run_with_env(env: dict[str, str], *args: str, stdin: str = "", timeout: int = 300):
    return subprocess.run(
        [*CASEBOOK, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """A running `casebook serve` (or `demo`): its address, then what it printed."""

    def __init__(self, process: subprocess.Popen, port: int):
        self.process = process
        self.base = f"http://127.0.0.1:{port}"
        self.stdout = ""
        self.stderr = ""


@contextmanager
def serving(env: dict[str, str], *args: str, port: int | None = None) -> Iterator[Served]:
    """Start `casebook <args> --port N`, wait until it answers /healthz, stop it on leaving.

    After the block, `stdout` and `stderr` hold everything the server wrote (its log).
    """
    port = port or free_port()
    command = [*CASEBOOK, *(args or ("serve",)), "--port", str(port)]
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_interruptible,
    )
    served = Served(process, port)
    try:
        wait_for_health(served)
        yield served
    finally:
        process.terminate()
        try:
            served.stdout, served.stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            served.stdout, served.stderr = process.communicate()


def _interruptible() -> None:
    # A suite started as a background job (`make test &`) inherits SIGINT ignored, and so
    # would the server: give it Ctrl-C as a terminal's foreground process has it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for_health(served: Served, attempts: int = 6000) -> None:
    """Wait for the server to answer (no time limit beyond the attempts: a busy machine may
    take long to start it); fail with what it printed if it stopped instead."""
    for _ in range(attempts):
        if served.process.poll() is not None:
            out, err = served.process.communicate()
            raise AssertionError(f"the server stopped: {out}\n{err}")
        try:
            with urllib.request.urlopen(served.base + "/healthz", timeout=5) as answer:
                if answer.status == 200:  # every part answers (a 503 raises HTTPError)
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise AssertionError("the server never answered /healthz")
