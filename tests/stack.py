"""The production stack on this machine: gunicorn with several workers, a Celery worker and
beat, on PostgreSQL and Redis, each a process of its own started as deploy/'s units start
them. Shared by the smoke test (`make smoke`) and `bench/load.py`.

    with postgres_database(server_url) as url, redis_database() as redis:
        env = stack_env(data_dir, database_url=url, redis_url=redis)
        casebook(env, "init", ...)
        with production_stack(env, workers=2) as stack:
            httpx.get(stack.base + "/healthz")
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.processes import CASEBOOK, free_port, run_with_env

GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "python:casebook.web.gunicorn_config"]
REDIS_SERVER = "redis://127.0.0.1:6379"
# Redis databases a stack may take (0 and the suite's 14 and 15 are left alone); an empty
# one is chosen, so that two stacks on one machine never take each other's tasks.
REDIS_DATABASES = range(2, 14)


@contextmanager
def postgres_database(server_url: str, *, prefix: str = "casebook_stack") -> Iterator[str]:
    """A new, empty database on the server of `server_url`, dropped on leaving."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(server_url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def redis_database() -> Iterator[str]:
    """An empty Redis database (broker and cache of one stack), emptied again on leaving."""
    import redis

    for number in REDIS_DATABASES:
        client = redis.Redis.from_url(f"{REDIS_SERVER}/{number}")
        # Claim it: another stack choosing at the same moment finds it taken.
        if client.dbsize() == 0 and client.set("casebook-stack-claim", os.getpid(), nx=True):
            try:
                yield f"{REDIS_SERVER}/{number}"
            finally:
                client.flushdb()
                client.close()
            return
        client.close()
    raise RuntimeError(f"no empty Redis database among {REDIS_DATABASES}")


def stack_env(data_dir: Path, *, database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment deploy/casebook.env gives every process: PostgreSQL, Redis as broker
    and as the shared cache, a data folder of its own, no setting of the caller's."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CASEBOOK_", "DJANGO_", "DATABASE_URL", "XDG_", "PROMETHEUS_"))
    }
    env |= {
        "HOME": str(data_dir),
        "CASEBOOK_DATA_DIR": str(data_dir),
        "CASEBOOK_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "CASEBOOK_BROKER_URL": redis_url,
        "CASEBOOK_CACHE_URL": redis_url,
        "PYTHONPATH": os.pathsep.join(
            p
            for p in (str(Path(__file__).resolve().parents[1] / "src"), env.get("PYTHONPATH"))
            if p
        ),
    }
    env.update(extra)
    return env


def casebook(env: dict[str, str], *args: str, stdin: str = "", timeout: int = 600) -> str:
    """Run one `casebook` command in the stack's environment; its output, or a clear failure."""
    result = run_with_env(env, *args, stdin=stdin, timeout=timeout)
    if result.returncode != 0:
        raise AssertionError(f"casebook {' '.join(args)}: {result.stdout}\n{result.stderr}")
    return result.stdout


@dataclass
class Stack:
    base: str
    env: dict[str, str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    exit_codes: dict[str, int] = field(default_factory=dict)
    logs: dict[str, str] = field(default_factory=dict)

    @property
    def metrics_dir(self) -> Path:
        """Where the web server's workers write their metrics (the web unit's folder)."""
        return Path(self.env["CASEBOOK_DATA_DIR"]) / "metrics"


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(  # noqa: S603 (our own interpreter and command)
            command,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            # Its own process group, as a service manager starts it: a Ctrl-C in the
            # terminal is not sent to it, and stopping it stops whatever it forked.
            start_new_session=True,
        )


@contextmanager
def production_stack(
    env: dict[str, str], *, workers: int = 2, celery: bool = True, threads: int = 1
) -> Iterator[Stack]:
    """gunicorn (`workers` processes), and with `celery` a Celery worker and beat; waits for
    /healthz, and on leaving stops each with SIGTERM, as systemd does, and keeps its exit code
    and what it wrote."""
    port = free_port()
    stack = Stack(base=f"http://127.0.0.1:{port}", env=env)
    logs = Path(env["CASEBOOK_DATA_DIR"]) / "logs"
    logs.mkdir(exist_ok=True)
    commands = {
        "web": [
            *GUNICORN,
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            f"--threads={threads}",
        ]
    }
    if celery:
        commands["worker"] = [*CASEBOOK, "worker", "--concurrency=1"]
        commands["beat"] = [*CASEBOOK, "beat"]
    # Only the web server counts metrics in multiprocess mode, as in casebook-web.service.
    web_env = env | {"PROMETHEUS_MULTIPROC_DIR": str(stack.metrics_dir)}
    try:
        for name, command in commands.items():
            stack.processes[name] = _start(
                command, web_env if name == "web" else env, logs / f"{name}.log"
            )
        _wait_for_health(stack, logs)
        yield stack
    finally:
        _stop(stack, logs)


def _wait_for_health(stack: Stack, logs: Path, seconds: float = 900) -> None:
    """Until /healthz answers 200; a process that stops, or no answer within `seconds` (a
    busy machine starts slowly; a server that answers 500 never will), fails with its log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for name, process in stack.processes.items():
            if process.poll() is not None:
                log = (logs / f"{name}.log").read_text(errors="replace")[-3000:]
                raise AssertionError(f"{name} stopped at start ({process.returncode}):\n{log}")
        try:
            with urllib.request.urlopen(stack.base + "/healthz", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    log = (logs / "web.log").read_text(errors="replace")[-3000:]
    raise AssertionError(f"the stack never answered /healthz:\n{log}")


def _stop(stack: Stack, logs: Path) -> None:
    for process in stack.processes.values():
        if process.poll() is None:
            with suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
    for name, process in stack.processes.items():
        try:
            stack.exit_codes[name] = process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            stack.exit_codes[name] = process.wait()
        stack.logs[name] = (logs / f"{name}.log").read_text(errors="replace")
