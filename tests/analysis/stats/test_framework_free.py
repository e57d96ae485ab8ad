"""analysis/stats is pure computation: nothing in it may import Django (or the app); it may
build on casebook.lib, which is framework-free itself."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import casebook.analysis.stats as stats_package

PACKAGE = Path(stats_package.__file__).parent


def test_no_module_in_stats_imports_django_or_another_casebook_app():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                outside = name.startswith("casebook.") and not name.startswith(
                    ("casebook.analysis.stats", "casebook.lib")
                )
                if name.split(".")[0] == "django" or outside:
                    offenders.append(f"{path.relative_to(PACKAGE)}: {name}")
    assert offenders == []


def test_the_statistics_run_in_a_python_without_django_settings():
    code = (
        "import sys; sys.modules['django'] = None\n"
        "from casebook.analysis.stats.trend import trend_report\n"
        "from casebook.analysis.stats.mse import mse_estimate, capture_table_parse\n"
        "from casebook.analysis.stats import suppression, survival, shares, coverage\n"
        "print(trend_report(['2024-01','2024-02','2024-03'], [1, 2, 3]).too_few)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_a_casebook_process_loads_every_page_and_endpoint_without_scipy():
    """scipy costs about a second of CPU to import; every command and server loads the URLs
    (so the statistics modules), and only those that compute a statistic may pay for it."""
    code = (
        "import sys, django; django.setup()\n"
        "import casebook.urls\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'scipy'))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "casebook.settings_test"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
