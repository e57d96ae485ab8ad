"""`casebook import` and `casebook export` as an administrator at a terminal uses them."""

from __future__ import annotations

import doctest
import io
import stat
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from casebook.cases.models import Incident
from casebook.transfer import countries, formats, records, vocabulary
from casebook.transfer.formats import acled, base, casebook_csv
from tests.factories import InvolvementFactory
from tests.transfer.conftest import csv_bytes, incident_row

pytestmark = pytest.mark.django_db


def run(command: str, *args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_import_command_imports_a_file_and_says_what_it_did(tmp_path, reference_data):
    path = tmp_path / "incidents.csv"
    path.write_bytes(csv_bytes([incident_row()]))

    out, _ = run("import_incidents", str(path))

    assert "Imported 1 new incident and updated 0; 0 already up to date." in out
    assert Incident.objects.count() == 1


def test_import_command_lists_problems_and_fails_without_writing(tmp_path, reference_data):
    path = tmp_path / "incidents.csv"
    path.write_bytes(csv_bytes([incident_row(force="Nowhere Constabulary")]))
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported: the file has 1 problem"):
        call_command("import_incidents", str(path), stderr=err)

    assert "Row 2, force: 'Nowhere Constabulary' is not a police force" in err.getvalue()
    assert not Incident.objects.exists()


def test_import_command_dry_run_writes_nothing(tmp_path, reference_data):
    path = tmp_path / "incidents.csv"
    path.write_bytes(csv_bytes([incident_row()]))

    out, _ = run("import_incidents", str(path), "--dry-run")

    assert "Checked: would import 1 new incident" in out
    assert not Incident.objects.exists()


def test_import_command_names_a_missing_file(reference_data):
    with pytest.raises(CommandError, match="There is no file nowhere.csv"):
        call_command("import_incidents", "nowhere.csv")


def test_export_command_writes_csv_to_standard_output(reference_data):
    InvolvementFactory(person__full_name="Testperson Canaryname")

    out, _ = run("export_incidents", "--format", "csv")

    assert out.startswith("incident_id,title,")
    assert "Canaryname" not in out


def test_export_with_personal_data_writes_a_file_only_its_owner_can_read(tmp_path,
                                                                          reference_data):
    InvolvementFactory(person__full_name="Testperson Canaryname")
    path = tmp_path / "people.json"

    run("export_incidents", "--format", "json", "--personal-data", "--output", str(path))

    assert "Testperson Canaryname" in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_export_command_writes_the_import_template(reference_data):
    out, _ = run("export_incidents", "--template")

    assert out.splitlines()[0] == ",".join(casebook_csv.COLUMNS)
    assert "my-group-2024-001" in out


def test_docstring_examples_hold():
    for module in (countries, formats, records, vocabulary, acled, base, casebook_csv):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_every_column_of_every_layout_is_documented():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "import-export.md").read_text()

    missing = [c for c in (*casebook_csv.COLUMNS, *acled.COLUMNS) if f"`{c}`" not in docs]

    assert missing == [], "document these columns in docs/import-export.md"
