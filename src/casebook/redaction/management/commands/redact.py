"""`casebook redact`: redact text or a photo on the command line, or propose a redaction.

casebook redact text [FILE]                   redacted text of FILE (or stdin) on stdout
casebook redact image IN OUT [--boxes JSON]   blur the faces of IN into OUT (no metadata)
casebook redact propose --incident REF --field summary
casebook redact propose --source 12 --field text
casebook redact propose --evidence 34
casebook redact queue                         what awaits review
casebook redact refresh                       make the redacted search index of what lacks it
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casebook.redaction import faces, text


class Command(BaseCommand):
    help = "Redact text or a photo, or propose a redaction for review."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        redact_text = sub.add_parser("text", help="Redact a text file (or stdin) to stdout.")
        redact_text.add_argument("file", nargs="?", help="A UTF-8 text file; stdin if absent.")
        redact_text.add_argument(
            "--public-figure",
            action="append",
            default=None,
            metavar="NAME",
            help="A name to keep (repeatable); default: the configured and admin-edited lists.",
        )
        redact_text.add_argument(
            "--redact-collar-numbers", action="store_true", help="Hide police collar numbers too."
        )
        redact_text.add_argument(
            "--spans",
            action="store_true",
            help="Print the spans (offsets, kind, tag) as JSON instead.",
        )
        image = sub.add_parser("image", help="Blur the faces of a photo.")
        image.add_argument("input")
        image.add_argument("output")
        image.add_argument(
            "--boxes", help="JSON list of [x1, y1, x2, y2] to blur instead of detecting faces."
        )
        propose = sub.add_parser("propose", help="Propose a redaction for review.")
        target = propose.add_mutually_exclusive_group(required=True)
        target.add_argument("--incident", metavar="REF")
        target.add_argument("--source", type=int, metavar="ID")
        target.add_argument("--evidence", type=int, metavar="ID")
        propose.add_argument("--field", default="", help="Text field: title, summary or text.")
        sub.add_parser("queue", help="List the redactions awaiting review.")
        sub.add_parser(
            "refresh",
            help="Make the search index of readers who may not see people (redacted text) for "
            "incidents that lack it: after a bulk import or a change of public figures.",
        )

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _text(self, *, file, public_figure, redact_collar_numbers, spans, **_):
        from casebook.redaction.services import public_figures

        try:
            content = Path(file).read_text(encoding="utf-8") if file else sys.stdin.read()
        except (OSError, UnicodeDecodeError) as problem:
            raise CommandError(f"Cannot read the text: {problem}") from None
        figures = public_figure if public_figure is not None else public_figures()
        result = text.redact_text(
            content, public_figures=figures, keep_collar_numbers=not redact_collar_numbers
        )
        if spans:
            self.stdout.write(json.dumps([s._asdict() for s in result.spans], indent=1))
        else:
            self.stdout.write(result.text, ending="")

    def _image(self, *, input, output, boxes, **_):
        try:
            given = json.loads(boxes) if boxes else None
            redacted, used = faces.redact_image(Path(input).read_bytes(), given)
            Path(output).write_bytes(redacted)
        except (OSError, ValueError, faces.FaceModelMissing) as problem:
            raise CommandError(str(problem)) from None
        self.stdout.write(f"{len(used)} area(s) blurred: {json.dumps(used)}")

    def _propose(self, *, incident, source, evidence, field, **_):
        from casebook.cases.models import Incident
        from casebook.redaction.services import RedactionRefused, derivative_propose
        from casebook.sources.models import EvidenceFile, Source

        try:
            if incident:
                original = Incident.objects.get(reference=incident)
            elif source is not None:
                original = Source.objects.get(pk=source)
            else:
                original = EvidenceFile.objects.get(pk=evidence)
            derivative = derivative_propose(original=original, field=field, actor=None)
        except (Incident.DoesNotExist, Source.DoesNotExist, EvidenceFile.DoesNotExist):
            raise CommandError("No such record.") from None
        except (RedactionRefused, KeyError) as problem:
            raise CommandError(str(problem)) from None
        self.stdout.write(
            f"Proposed redaction #{derivative.pk} of {derivative.original_label} "
            f"with {len(derivative.regions)} finding(s); review it in the web "
            "interface under /redaction/."
        )

    def _queue(self, **_):
        from casebook.redaction.models import RedactedDerivative

        for derivative in RedactedDerivative.objects.awaiting_review().select_related(
            "incident", "source", "evidence"
        ):
            self.stdout.write(
                f"#{derivative.pk}\t{derivative.kind}\t{derivative.original_label}"
                f"\t{derivative.proposed_at:%Y-%m-%d %H:%M}"
            )

    def _refresh(self, **_):
        from casebook.redaction.searching import redacted_search_fill

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"{done} of {total} incidents redacted for search")

        made = redacted_search_fill(progress=progress)
        self.stdout.write(
            f"{made} incident(s) now searchable by their redacted text; nothing left to do."
            if made
            else "Every incident is already searchable by its redacted text."
        )
