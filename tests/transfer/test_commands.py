"""`casebook import` and `casebook export` as an administrator at a terminal uses them."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from casebook.cases.models import Incident
from casebook.transfer.formats import acled, casebook_csv
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


def test_skip_invalid_writes_the_rejects_beside_the_file_for_its_owner_only(
    tmp_path, reference_data
):
    path = tmp_path / "incidents.csv"
    path.write_bytes(
        csv_bytes(
            [
                incident_row(incident_id="good"),
                incident_row(incident_id="bad", force="Metropolis PD"),
            ]
        )
    )

    out, err = run("import_incidents", str(path), "--skip-invalid")

    rejects = tmp_path / "incidents.rejects.csv"
    assert (
        f"Imported 1 new incident and updated 0; 0 already up to date. 1 incident (1 row "
        f"of the file) was left out for problems; they are in {rejects}."
    ) in out
    assert "Row 3, force: 'Metropolis PD' is not a police force" in err
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    assert "bad" in rejects.read_text()
    assert list(Incident.objects.values_list("external_id", flat=True)) == ["good"]

    fixed = tmp_path / "fixed.csv"
    fixed.write_text(rejects.read_text().replace("Metropolis PD", "Kent Police"))
    out, _ = run("import_incidents", str(fixed))
    assert "Imported 1 new incident" in out
    assert Incident.objects.count() == 2


def test_skip_invalid_takes_a_rejects_path_and_writes_none_when_all_is_well(
    tmp_path, reference_data
):
    path = tmp_path / "incidents.json"
    path.write_text(
        '{"incidents": [{"id": "j1", "title": "Invented", "date": "2024-01-02"}, '
        '{"id": "j2", "title": "Invented", "date": "2024-02-31"}]}'
    )
    chosen = tmp_path / "to-fix.jsonl"

    out, _ = run("import_incidents", str(path), "--skip-invalid", "--rejects", str(chosen))

    assert f"they are in {chosen}" in out
    assert chosen.read_text().count("\n") == 1

    valid = tmp_path / "valid.csv"
    valid.write_bytes(csv_bytes([incident_row()]))
    run("import_incidents", str(valid), "--skip-invalid")
    assert not (tmp_path / "valid.rejects.csv").exists()


def test_rejects_need_a_name_for_standard_input_and_go_with_skip_invalid(tmp_path, reference_data):
    with pytest.raises(CommandError, match="Give --rejects PATH"):
        call_command("import_incidents", "-", "--skip-invalid")
    path = tmp_path / "incidents.csv"
    path.write_bytes(csv_bytes([incident_row()]))
    with pytest.raises(CommandError, match="--rejects goes with --skip-invalid"):
        call_command("import_incidents", str(path), "--rejects", str(tmp_path / "r.csv"))
    with pytest.raises(CommandError, match="would overwrite the file being imported"):
        call_command("import_incidents", str(path), "--skip-invalid", "--rejects", str(path))


def test_import_command_names_a_missing_file(reference_data):
    with pytest.raises(CommandError, match="There is no file nowhere.csv"):
        call_command("import_incidents", "nowhere.csv")


def test_export_command_writes_csv_to_standard_output(reference_data):
    InvolvementFactory(person__full_name="Testperson Canaryname")

    out, _ = run("export_incidents", "--format", "csv")

    assert out.startswith("incident_id,title,")
    assert "Canaryname" not in out


def test_export_with_personal_data_writes_a_file_only_its_owner_can_read(tmp_path, reference_data):
    InvolvementFactory(person__full_name="Testperson Canaryname")
    path = tmp_path / "people.json"

    run("export_incidents", "--format", "json", "--personal-data", "--output", str(path))

    assert "Testperson Canaryname" in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_export_command_writes_the_import_template(reference_data):
    out, _ = run("export_incidents", "--template")

    assert out.splitlines()[0] == ",".join(casebook_csv.COLUMNS)
    assert "my-group-2024-001" in out


def test_every_column_of_every_layout_is_documented():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "import-export.md").read_text()

    missing = [c for c in (*casebook_csv.COLUMNS, *acled.COLUMNS) if f"`{c}`" not in docs]

    assert missing == [], "document these columns in docs/import-export.md"
