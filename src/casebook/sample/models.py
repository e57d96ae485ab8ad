"""What the sample generator wrote, so that its truth outlives the command that wrote it."""

from __future__ import annotations

from django.db import models


class SampleLoad(models.Model):
    """One run of the generator (`casebook demo`, `casebook load_sample`, the benchmarks).

    The sample invents more incidents than its lists record (sample/capture.py); this keeps
    how many, so the statistics page can show the demo's undercount estimate beside the
    number it should reach.
    """

    seed = models.IntegerField()
    size = models.PositiveIntegerField(help_text="Incidents written.")
    true_incidents = models.PositiveIntegerField(
        help_text="Real incidents the generator invented, recorded or not (rejected ones are "
        "not real)."
    )
    unrecorded = models.PositiveIntegerField(help_text="Of those, how many no list recorded.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.size:,} sample incidents, seed {self.seed}"
