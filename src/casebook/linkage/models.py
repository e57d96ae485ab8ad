"""What linkage keeps: its runs, the pairs they suggest, coordinators' decisions and merges.

Pairs and decisions name incidents by reference, not by foreign key: a merged-away incident
leaves the table of incidents (its reference keeps redirecting to the survivor) and comes
back with the same reference when the merge is undone, and a decision about it must outlive
both.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Abs


def pair_key(a: str, b: str) -> tuple[str, str]:
    """The two references of a pair in a fixed order.

    >>> pair_key("CB-2025-000009", "CB-2025-000002")
    ('CB-2025-000002', 'CB-2025-000009')
    """
    return (a, b) if a <= b else (b, a)


class LinkageRun(models.Model):
    """One pass of the model: over the whole casebook, or one new incident against it."""

    class Kind(models.TextChoices):
        FULL = "full", "Whole casebook"
        INCREMENTAL = "incremental", "One new incident"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.FULL)
    backend = models.CharField(max_length=10, default="duckdb")
    threshold = models.FloatField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    records = models.PositiveIntegerField(default=0)
    pairs_scored = models.PositiveBigIntegerField(default=0)
    pairs_kept = models.PositiveIntegerField(default=0)
    clusters = models.PositiveIntegerField(
        default=0, help_text="Groups of two or more incidents at the threshold."
    )
    seconds = models.JSONField(default=dict, blank=True)
    # The trained splink model (parameters only): incremental runs score with it untrained.
    model = models.JSONField(default=dict, blank=True)
    incident_reference = models.CharField(
        max_length=20, blank=True, help_text="The new incident an incremental run compared."
    )
    # Incidents with a larger id are new to linkage: the next incremental run compares them.
    up_to_incident = models.PositiveBigIntegerField(default=0)
    # reference -> cluster, for the incidents a full run put in a cluster with others. The
    # clustering keeps apart pairs the model scored clearly apart (compare/clustering.py),
    # which are not kept as pairs: without this, the clusters could not be told again.
    # None for runs made before it was kept.
    proposed = models.JSONField(null=True, blank=True, default=None)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold__gt=0, threshold__lt=1),
                name="linkage_run_threshold_probability",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["full", "incremental"]), name="linkage_run_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"linkage run {self.pk} ({self.get_kind_display().lower()})"

    @property
    def total_seconds(self) -> float:
        return float(sum(self.seconds.values())) if self.seconds else 0.0


class SuggestedPairQuerySet(models.QuerySet):
    def by_uncertainty(self) -> SuggestedPairQuerySet:
        """Closest to even odds first: a match weight of 0 is a probability of one half."""
        return self.annotate(certainty=Abs("weight")).order_by("certainty", "id")


class SuggestedPair(models.Model):
    """Two incidents a run thinks may describe one event, and why."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="pairs")
    left_reference = models.CharField(max_length=20)
    right_reference = models.CharField(max_length=20)
    probability = models.FloatField()
    weight = models.FloatField(help_text="The match weight (log2 of the odds).")
    explanation = models.CharField(max_length=1000, blank=True)
    reasons = models.JSONField(default=list, blank=True)

    objects = SuggestedPairQuerySet.as_manager()

    class Meta:
        ordering = ["-probability", "id"]
        indexes = [
            models.Index(fields=["run", "probability"]),
            models.Index(fields=["left_reference", "right_reference"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "left_reference", "right_reference"], name="linkage_pair_once"
            ),
            models.CheckConstraint(
                condition=models.Q(left_reference__lt=models.F("right_reference")),
                name="linkage_pair_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(probability__gte=0, probability__lte=1),
                name="linkage_pair_probability",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.left_reference} ~ {self.right_reference} ({self.probability:.2f})"

    @property
    def key(self) -> tuple[str, str]:
        return (self.left_reference, self.right_reference)


class Verdict(models.TextChoices):
    SAME = "same", "Same event"
    DIFFERENT = "different", "Different events"
    UNSURE = "unsure", "Unsure"


class PairDecision(models.Model):
    """A coordinator's judgement of one pair. The latest one for a pair counts; "different"
    keeps the pair out of the queue for good, and every decision is a label for eval."""

    left_reference = models.CharField(max_length=20)
    right_reference = models.CharField(max_length=20)
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    probability = models.FloatField(
        null=True, blank=True, help_text="What the model said when the pair was decided."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]
        indexes = [models.Index(fields=["left_reference", "right_reference", "decided_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(verdict__in=["same", "different", "unsure"]),
                name="linkage_decision_verdict_known",
            ),
            models.CheckConstraint(
                condition=models.Q(left_reference__lt=models.F("right_reference")),
                name="linkage_decision_pair_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.left_reference} ~ {self.right_reference}: {self.verdict}"


class LinkageSettings(models.Model):
    """The administrator's choices: whether clear matches merge without a person."""

    auto_merge = models.BooleanField(
        default=False,
        help_text="Merge pairs at or above the automatic threshold without asking anyone.",
    )
    auto_merge_threshold = models.FloatField(default=0.999)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "linkage settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(auto_merge_threshold__gte=0.5, auto_merge_threshold__lt=1),
                name="linkage_auto_merge_threshold_range",
            )
        ]

    def __str__(self) -> str:
        return "automatic merging " + ("on" if self.auto_merge else "off")

    @classmethod
    def current(cls) -> LinkageSettings:
        found = cls.objects.order_by("id").first()
        return found or cls.objects.create()


class MergeQuerySet(models.QuerySet):
    def in_force(self) -> MergeQuerySet:
        return self.filter(unmerged_at__isnull=True)


class MergeRecord(models.Model):
    """What every merge keeps: which record survived, which was folded in, the moves to undo
    it (`undo`), and who merged and unmerged it when. Concrete merges add their own."""

    survivor_reference = models.CharField(max_length=20, db_index=True)
    merged_reference = models.CharField(max_length=20, db_index=True)
    undo = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)

    objects = MergeQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.merged_reference} merged into {self.survivor_reference}"

    @property
    def in_force(self) -> bool:
        return self.unmerged_at is None

    @staticmethod
    def constraints_named(two: str, once: str) -> list:
        """Never a record merged into itself; a record merged away at most once at a time."""
        return [
            models.CheckConstraint(
                condition=~models.Q(survivor_reference=models.F("merged_reference")), name=two
            ),
            models.UniqueConstraint(
                fields=["merged_reference"],
                condition=models.Q(unmerged_at__isnull=True),
                name=once,
            ),
        ]


class IncidentMerge(MergeRecord):
    """One incident folded into another, with everything needed to undo it exactly.

    `undo` lists what the merge did, in order: rows moved from one parent to another (model,
    primary key, field, the old value), rows set aside because the survivor already had
    their twin (serialised whole), links added to the survivor. Unmerging replays it
    backwards and brings back the merged-away incident (`snapshot`) under its own reference.
    """

    merged_external_id = models.CharField(max_length=100, null=True, blank=True)
    snapshot = models.JSONField(help_text="The merged-away incident as it was (serialised).")
    probability = models.FloatField(null=True, blank=True)
    automatic = models.BooleanField(default=False)

    class Meta(MergeRecord.Meta):
        constraints = MergeRecord.constraints_named(
            "linkage_merge_two_incidents", "linkage_merged_once"
        )


class ActClaim(models.Model):
    """What one report said of an act that another report also describes.

    Merging two reports of one arrest keeps one act; each report's count (52, 54, "dozens")
    stays here as a claim with the sources that made it, so the range can be shown.
    """

    act = models.ForeignKey("cases.Act", on_delete=models.CASCADE, related_name="claims")
    merge = models.ForeignKey(IncidentMerge, on_delete=models.CASCADE, related_name="claims")
    from_reference = models.CharField(max_length=20)
    number_affected = models.PositiveIntegerField(null=True, blank=True)
    number_precision = models.CharField(max_length=12, default="exact")
    legal_provision = models.CharField(max_length=100, blank=True)
    sources = models.JSONField(
        default=list, blank=True, help_text="[{title, channel}] the report cited."
    )

    class Meta:
        ordering = ["act", "id"]

    def __str__(self) -> str:
        return f"{self.from_reference}: {self.number_affected}"

    @property
    def number_display(self) -> str:
        if self.number_affected is None:
            return "number unknown"
        prefix = "about " if self.number_precision == "approximate" else ""
        return f"{prefix}{self.number_affected}"


class PersonMerge(MergeRecord):
    """One person recorded twice, folded into the other record, undoably.

    The merged-away person is not deleted (that would destroy their data key, and with it
    any undo): their involvements and evidence move to the survivor, their row stays with
    its sealed details, its pages lead to the survivor's, and erasing or exporting the
    survivor reaches it (linkage registers a holder). `undo` lists the moves, as for
    incidents.
    """

    class Meta(MergeRecord.Meta):
        constraints = MergeRecord.constraints_named(
            "linkage_person_merge_two_people", "linkage_person_merged_once"
        )


class ComparisonDue(models.Model):
    """An incident created or changed since the last comparison, waiting to be compared.

    Written in the transaction that writes the incident (a save) or right after an import's
    batches, so an incident whose transaction commits late is not passed over: on
    PostgreSQL an import takes its keys in blocks, and another writer's higher key can be
    compared before the import's lower ones are in.
    """

    incident = models.OneToOneField(
        "cases.Incident", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incident_id"]

    def __str__(self) -> str:
        return f"incident {self.incident_id} to compare"
