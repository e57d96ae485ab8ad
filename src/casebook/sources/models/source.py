"""Where each fact comes from, how far to trust it, and the channel it reached us through."""

from __future__ import annotations

import hashlib

from django.db import models

from casebook.cases.constraints import ChecksInPython
from casebook.cases.prepared import Prepared


class Channel(models.Model):
    """How a source reached us (our hotline, a legal-observer group, the news monitor…).

    Kept for every source and never collapsed: estimating how many cases went unrecorded
    needs to know which independent channels recorded each incident.
    """

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


DEFAULT_CHANNELS = [
    ("hotline", "Our hotline", "Calls and messages to our own hotline or testimony form."),
    ("legal-observers", "Legal-observer group", "Reports from legal observers on the ground."),
    ("news-monitor", "News monitor", "Articles found by the news monitor or by hand."),
    ("police-statements", "Police statements", "A force's own press releases and posts."),
    ("court-lists", "Court lists", "Court listings and records."),
    ("partner", "Partner organisation", "Cases referred by a partner organisation."),
    ("social-media", "Social media", "Posts found on social media."),
    ("other", "Other", "Any other channel."),
]


class Source(ChecksInPython, models.Model):
    class Kind(models.TextChoices):
        TESTIMONY = "testimony", "Testimony"
        NEWS_ARTICLE = "news_article", "News article"
        POLICE_STATEMENT = "police_statement", "Police statement"
        SOCIAL_MEDIA = "social_media", "Social-media post"
        COURT_RECORD = "court_record", "Court record"
        LEGAL_OBSERVER = "legal_observer", "Legal-observer report"
        VIDEO = "video", "Video"

    # Admiralty scale: reliability of the source, credibility of the information.
    class Reliability(models.TextChoices):
        A = "A", "A – completely reliable"
        B = "B", "B – usually reliable"
        C = "C", "C – fairly reliable"
        D = "D", "D – not usually reliable"
        E = "E", "E – unreliable"
        F = "F", "F – reliability cannot be judged"

    class Credibility(models.TextChoices):
        CONFIRMED = "1", "1 – confirmed by other sources"
        PROBABLE = "2", "2 – probably true"
        POSSIBLE = "3", "3 – possibly true"
        DOUBTFUL = "4", "4 – doubtful"
        IMPROBABLE = "5", "5 – improbable"
        UNKNOWN = "6", "6 – truth cannot be judged"

    external_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="sources")
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=1000, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    retrieved_at = models.DateTimeField(null=True, blank=True)
    text = models.TextField(blank=True)
    text_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default=Reliability.F)
    credibility = models.CharField(
        max_length=1, choices=Credibility.choices, default=Credibility.UNKNOWN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reliability__in=list("ABCDEF")), name="source_reliability_scale"
            ),
            models.CheckConstraint(
                condition=models.Q(credibility__in=list("123456")), name="source_credibility_scale"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.text_sha256 = hashlib.sha256(self.text.encode()).hexdigest() if self.text else ""
        super().save(*args, **kwargs)

    @property
    def grade(self) -> str:
        """Admiralty grade such as "B2"."""
        return f"{self.reliability}{self.credibility}"


class IncidentSourceQuerySet(models.QuerySet):
    def counts_by_incident(self, incident_ids) -> dict[int, int]:
        """Incident id -> how many sources it cites, in one grouped query (incident lists)."""
        if not self.query.has_filters():  # every link: the list's query, prepared once
            return dict(_SOURCE_COUNTS.rows(list(incident_ids)))
        rows = (
            self.filter(incident_id__in=incident_ids)
            .values("incident_id")
            .annotate(n=models.Count("id"))
            .order_by()
        )
        return {row["incident_id"]: row["n"] for row in rows}


class IncidentSource(models.Model):
    """A source cited for an incident, with a note of what it supports.

    `found_independently` says whether the source's channel recorded the incident on its own
    (True) or whether someone went looking for it because the incident was already known
    (False). Estimating how many incidents went unrecorded (analysis/capture.py) counts only
    independent finds as captures: a source found by searching for a known incident would
    make the lists look as if they overlap more than they do, and the estimate too low.

    Who sets it, path by path:
    - the incident editor (a new incident, or a source added to an existing one) asks "How was
      it found?": independently (the default: a hotline call, an observer's report, an article
      that came in) or by searching for this incident (a caseworker looked for coverage of an
      incident already recorded); the choice can be changed later;
    - the news monitor's review queue: accepting a candidate as a new incident, and merging
      it into an existing one, both record True. The page came from a feed read without
      knowing of the incident; merging only joins that capture to the incident it belongs
      to. Counting merges as searched would throw away exactly the overlaps the estimate
      needs, and make it too high;
    - imports and the synthetic sample: True unless the file (or the sample's capture
      structure) says otherwise.
    """

    incident = models.ForeignKey(
        "cases.Incident", on_delete=models.CASCADE, related_name="source_links"
    )
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="incident_links")
    supports = models.CharField(
        max_length=500, blank=True, help_text="What this source supports, e.g. 'arrest count'."
    )
    found_independently = models.BooleanField(
        default=True,
        help_text="False when the source was found by searching for this incident after it "
        "was already recorded: it then does not count as its channel recording the incident.",
    )

    objects = IncidentSourceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "source"], name="incident_source_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source} supports {self.supports or 'the incident'}"


_SOURCE_COUNTS = Prepared(
    IncidentSource,
    lambda ids: (
        IncidentSource.objects.filter(incident_id__in=ids)
        .values_list("incident_id")
        .annotate(n=models.Count("id"))
        .order_by()
    ),
)
