"""Every action code the code records is registered, with words the incident history shows."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from casebook.audit.actions import ACTIONS, UnknownAction
from casebook.audit.models import AuditEntry
from casebook.audit.services import PendingEntry, audit_record, audit_record_many
from tests.factories import IncidentFactory, ready_incident

SOURCE = Path(__file__).resolve().parents[2] / "src" / "casebook"
APPS = {path.name for path in SOURCE.iterdir() if (path / "apps.py").exists()}
CODE = re.compile(r"^([a-z]+)\.[a-z_]+\.[a-z_]+$")


def strings_in_code() -> dict[str, list[str]]:
    """Dotted strings that look like action codes (`<app>.<thing>.<verb>`), with where.

    Other keyword arguments are left out: a signal's `dispatch_uid` looks the same.
    """
    found: dict[str, list[str]] = {}
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        other_keywords = {
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.keyword) and node.arg != "action"
        }
        for node in ast.walk(tree):
            if id(node) in other_keywords:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                match = CODE.match(node.value)
                if match and match.group(1) in APPS:
                    where = f"{path.relative_to(SOURCE)}:{node.lineno}"
                    found.setdefault(node.value, []).append(where)
    return found


def actions_built_at_run_time() -> list[str]:
    """`action=` arguments that are f-strings or concatenations: grep could not find them."""
    built = []
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "action"
                and isinstance(node.value, ast.JoinedStr | ast.BinOp)
            ):
                built.append(f"{path.relative_to(SOURCE)}:{node.value.lineno}")
    return built


def test_every_action_code_in_the_code_is_registered():
    unregistered = {code: where for code, where in strings_in_code().items() if code not in ACTIONS}
    assert unregistered == {}, "add these codes, with their wording, to audit/actions.py"


def test_no_action_code_is_assembled_at_run_time():
    assert actions_built_at_run_time() == [], "write the action code out in full"


def test_every_registered_action_is_recorded_somewhere():
    assert set(ACTIONS) - set(strings_in_code()) == set(), "remove codes nothing records"


def test_every_action_has_its_wording_written_out():
    for code, wording in ACTIONS.items():
        assert wording and wording == wording.strip() and code not in wording


@pytest.mark.django_db
def test_an_unregistered_action_is_refused_and_nothing_is_written(reference_data):
    incident = IncidentFactory()
    with pytest.raises(UnknownAction):
        audit_record(action="cases.incident.teleported", instance=incident)
    with pytest.raises(UnknownAction):
        audit_record_many([PendingEntry(action="cases.incident.teleported", instance=incident)])
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_the_incident_history_shows_what_happened_in_words(client_for, personas):
    incident = ready_incident(status="in_review")
    from casebook.cases.services import incident_set_status

    incident_set_status(incident=incident, status="verified", actor=personas["coordinator"])
    page = client_for("analyst").get(incident.get_absolute_url()).content.decode()
    history = page.split('class="history"', 1)[1]
    assert "Verified the incident" in history
    assert ">cases.incident.verified<" not in history
