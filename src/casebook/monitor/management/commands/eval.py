"""`casebook eval extract GOLD.jsonl`: precision, recall and F1 of the extractor, per field.

`casebook eval` runs :mod:`casebook.monitor.extraction.commands` without Django; this
management command is the same function, for `casebook help` and `call_command`.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from casebook.monitor.extraction.commands import (
    UsageError,
    add_eval_arguments,
    eval_parser,
    evaluate_file,
)


class Command(BaseCommand):
    help = eval_parser().description
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        add_eval_arguments(parser)

    def handle(self, *args, what, gold, with_published, predictions, json, part, errors, **opts):
        try:
            evaluate_file(
                gold,
                self.stdout,
                with_published=with_published,
                predictions=predictions,
                as_json=json,
                part=part,
                errors=errors,
            )
        except UsageError as error:
            raise CommandError(str(error)) from error
