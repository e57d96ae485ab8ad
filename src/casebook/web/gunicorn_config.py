"""gunicorn's settings for Casebook on a server:

    gunicorn -c python:casebook.web.gunicorn_config

Options given on the command line (or in GUNICORN_CMD_ARGS) win over these: `--bind
0.0.0.0:8000` in a container, `--workers 4`. WEB_CONCURRENCY sets the number of workers.

Each worker is a process of its own. What processes must share is shared: the API's request
counts per token live in the cache (CASEBOOK_CACHE_URL, Redis), and the metrics each worker
counts are written to PROMETHEUS_MULTIPROC_DIR, which this file makes (when unset) and
empties when the server starts, so that /metrics adds every worker up.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

wsgi_app = "casebook.wsgi:served"
bind = ["127.0.0.1:8000"]
# Requests are mostly Python work: about two processes a core, as gunicorn advises.
workers = int(os.environ.get("WEB_CONCURRENCY") or (2 * (os.cpu_count() or 1) + 1))
# A big evidence upload or a long report can take a while; nginx waits longer (see deploy/).
timeout = 120
graceful_timeout = 30
# A worker is replaced after this many requests: memory that creeps up is given back.
max_requests = 5000
max_requests_jitter = 500
# No access log: paths and query strings can hold a search for a person's name. Errors only.
accesslog = None
errorlog = "-"
loglevel = "warning"
# The scheme, like the client's address, comes from trusted proxies only (wsgi.served reads
# both from CASEBOOK_TRUSTED_PROXIES); gunicorn's own reading would trust 127.0.0.1 always.
secure_scheme_headers: dict[str, str] = {}
forwarded_allow_ips = ""
# Upload bodies are read by Django; nginx limits their size before they reach us.
limit_request_line = 8190

# Set before any worker imports prometheus_client: it chooses its kind of value at import.
_made_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _made_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="casebook-metrics-")
METRICS_DIR = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])


def on_starting(server) -> None:
    """Empty the metrics folder: the files of an earlier run belong to processes now gone,
    and would be added to this run's counts."""
    METRICS_DIR.mkdir(parents=True, exist_ok=True)
    for leftover in METRICS_DIR.glob("*.db"):
        leftover.unlink()


def child_exit(server, worker) -> None:
    """A worker that ended (replaced, or killed) leaves its counts; only its gauges go."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    if _made_metrics_dir:
        shutil.rmtree(METRICS_DIR, ignore_errors=True)
