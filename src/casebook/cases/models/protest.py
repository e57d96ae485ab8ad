from django.db import models
from django.urls import reverse

from casebook.cases import rules


class Protest(models.Model):
    """A demonstration, vigil, march or action at which incidents happened."""

    external_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    name = models.CharField(max_length=200)
    date = models.DateField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    organiser = models.CharField(max_length=200, blank=True)
    cause = models.CharField(max_length=200, blank=True)
    estimated_size = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "name"]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return self.label_of(self.name, self.date)

    def get_absolute_url(self) -> str:
        return reverse("cases:protest-detail", args=[self.pk])

    def clean(self) -> None:
        rules.raise_problems([*rules.text_problems(self), ("date", rules.date_problem(self.date))])

    @staticmethod
    def label_of(name: str, date) -> str:
        """How a protest is named in lists, from its columns: "Vigil (04 May 2024)"."""
        return f"{name} ({date:%d %b %Y})" if date else name
