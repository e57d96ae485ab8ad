"""`casebook report`: the statistics page's figures as a PDF (or HTML) report for outside use.

    casebook report -o report.pdf
    casebook report --from 2024-01-01 --to 2024-12-31 --force metropolitan-police-service \\
        --act-type arrest --unit quarter -o met-2024.pdf
    casebook report --html -o report.html

The filters are the incident list's (and the statistics page's), checked by the same form, so
a report and the page agree for the same filters. Small counts are suppressed, and the data
version is printed on every page. `--method lcmcr` estimates the undercount with the
latent-class sampler (tens of seconds), which only the command line does.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from casebook.accounts.models import User
from casebook.analysis.forms import UNIT_CHOICES, StatisticsForm
from casebook.analysis.reports import report_make
from casebook.analysis.stats.mse import METHODS

# Command-line option -> the form's (and the incident list's) parameter.
FILTERS = {
    "date_from": "date_from",
    "date_to": "date_to",
    "period": "period",
    "force": "force",
    "act_type": "act_type",
    "provision": "provision",
    "trigger": "trigger",
    "outcome": "outcome",
    "country": "country",
    "status": "status",
    "protest": "protest",
    "tag": "tag",
    "search": "q",
    "unit": "unit",
    "measure": "measure",
}


class Command(BaseCommand):
    help = (
        "Write a statistics report for outside use (PDF, or HTML with --html): counts, "
        "breakdowns, trend, outcomes, the undercount estimate, methods and caveats, small "
        "counts suppressed, the data version on every page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", required=True, help="The file to write.")
        parser.add_argument("--html", action="store_true", help="Write HTML instead of a PDF.")
        parser.add_argument("--from", dest="date_from", help="Incidents from this date on.")
        parser.add_argument("--to", dest="date_to", help="Incidents up to this date.")
        parser.add_argument("--period", help="One period: 2024, 2024-Q1, 2024-03 or 2024-W05.")
        parser.add_argument("--force", help="A police force (its slug or name).")
        parser.add_argument("--act-type", help="A type of act (slug), e.g. arrest.")
        parser.add_argument("--provision", help="A legal provision (slug or citation).")
        parser.add_argument("--trigger", help="A trigger (slug), e.g. placard.")
        parser.add_argument("--outcome", help="An outcome the acts reached (slug).")
        parser.add_argument("--country", help="A two-letter country code, e.g. GB.")
        parser.add_argument("--status", help="An incident status, e.g. verified.")
        parser.add_argument("--protest", help="A protest (its number).")
        parser.add_argument("--tag", help="A tag.")
        parser.add_argument("--search", help="Words to search for, as in the incident list.")
        parser.add_argument(
            "--unit", choices=[key for key, _label in UNIT_CHOICES], help="Default month."
        )
        parser.add_argument(
            "--measure", choices=("incidents", "acts", "people"), help="The trend's series."
        )
        parser.add_argument(
            "--seasonal", action="store_true", help="Month-of-year terms in the trend."
        )
        parser.add_argument(
            "--method",
            choices=METHODS,
            default="dga",
            help="How the undercount is estimated (default dga, as on the statistics page).",
        )
        parser.add_argument(
            "--user",
            help="Make the report as this user: words searched as they may search them, and "
            "the audit trail names them.",
        )

    def handle(self, *args, output, html, method, seasonal, user, **options):
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"There is no user {user!r}.")
        data = {FILTERS[name]: value for name, value in options.items() if name in FILTERS}
        data = {name: value for name, value in data.items() if value}
        if seasonal:
            data["seasonal"] = "on"
        form = StatisticsForm(data)
        if not form.is_valid():
            problems = [
                f"{name}: {error}" for name, errors in form.errors.items() for error in errors
            ]
            raise CommandError("The filters need a correction: " + " ".join(problems))
        console = Console(stderr=True)
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        ) as progress:
            task = progress.add_task("Starting", total=None)
            made = report_make(
                filters=form.filters(),
                unit=form.cleaned_data["unit"],
                measure=form.cleaned_data["measure"],
                seasonal=form.cleaned_data["seasonal"],
                method=method,
                reader=actor,
                actor=actor,
                described=form.described(),
                format="html" if html else "pdf",
                progress=lambda stage: progress.update(task, description=stage),
            )
        Path(output).write_bytes(made.content)
        self.stderr.write(f"Wrote {output} (data version {made.version}).")
