"""`casebook redact`: the same redaction from the command line."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casebook.redaction.models import RedactedDerivative
from tests.redaction.conftest import TESTIMONY, png_bytes


def run(*args) -> str:
    out = io.StringIO()
    call_command("redact", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_redact_text_prints_the_redacted_text(tmp_path):
    statement = tmp_path / "statement.txt"
    statement.write_text(TESTIMONY)
    printed = run("text", str(statement))
    assert "Okafor" not in printed and "[PERSON-1]" in printed and "PC 4471" in printed
    assert "4471" not in run("text", "--redact-collar-numbers", str(statement))
    spans = json.loads(run("text", "--spans", str(statement)))
    assert {"start", "end", "entity", "tag"} <= set(spans[0])
    assert "Okafor" not in json.dumps(spans)  # offsets and kinds only


def test_redact_image_writes_a_blurred_copy(tmp_path, astronaut):
    source, target = tmp_path / "in.png", tmp_path / "out.png"
    source.write_bytes(png_bytes(astronaut))
    assert run("image", str(source), str(target)).startswith("1 area(s) blurred")
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    run("image", str(source), str(target), "--boxes", "[[0, 0, 10, 10], [20, 20, 30, 30]]")
    with pytest.raises(CommandError):
        run("image", str(tmp_path / "missing-dir" / "x"), str(target))


@pytest.mark.django_db
def test_propose_from_the_command_line(testimony_incident):
    printed = run("propose", "--incident", testimony_incident.reference, "--field", "summary")
    derivative = RedactedDerivative.objects.get()
    assert f"#{derivative.pk}" in printed and derivative.proposed_by is None
    assert testimony_incident.reference in run("queue")
    with pytest.raises(CommandError):
        run("propose", "--incident", "CB-1999-000000", "--field", "summary")
    with pytest.raises(CommandError):
        run("propose", "--incident", testimony_incident.reference, "--field", "place")
