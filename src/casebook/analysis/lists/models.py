"""A list: the channels that together form one independent way incidents reach us."""

from __future__ import annotations

from django.db import models


class CaptureList(models.Model):
    """One independent "list" of multiple systems estimation, e.g. "Legal observers".

    A list is a set of channels, not a channel, because one collecting process can reach us
    through several (the monitor reads news sites and social media alike), and what the
    estimate needs is that different lists find incidents without knowing what the others
    found. A channel belongs to at most one list (`ListChannel.channel` is unique); a channel
    on no list is not counted as a capture at all (the "Other" channel by default).
    """

    name = models.CharField(max_length=120, unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Lists are numbered in this order in tables and exports."
    )
    channels = models.ManyToManyField(
        "sources.Channel", through="ListChannel", related_name="capture_lists", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "list"

    def __str__(self) -> str:
        return self.name


class ListChannel(models.Model):
    """A channel's place on a list; each channel is on one list at most."""

    capture_list = models.ForeignKey(
        CaptureList, on_delete=models.CASCADE, related_name="memberships"
    )
    channel = models.OneToOneField(
        "sources.Channel", on_delete=models.CASCADE, related_name="list_membership"
    )

    class Meta:
        ordering = ["capture_list", "channel"]

    def __str__(self) -> str:
        return f"{self.channel} on {self.capture_list}"


# Lists a new installation starts with: (name, description, channel slugs). The four kinds
# of collection the issue names; court lists (which see only charged cases), partner
# referrals and "other" stay on no list until an administrator decides what they are.
DEFAULT_LISTS: list[tuple[str, str, tuple[str, ...]]] = [
    ("Our hotline", "Calls, messages and testimony forms that reach us directly.", ("hotline",)),
    ("Legal observers", "Reports from legal observers on the ground.", ("legal-observers",)),
    (
        "News monitor",
        "Articles and posts the news monitor (or a person reading the news) came across.",
        ("news-monitor", "social-media"),
    ),
    (
        "Police statements",
        "Forces' own press releases and posts.",
        ("police-statements",),
    ),
]
