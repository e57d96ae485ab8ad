"""The monitor's record of its work: feeds it reads, pages it has seen, candidates it proposes
and the decisions coordinators made about them."""

from casebook.monitor.models.feed import Feed
from casebook.monitor.models.page import Page, SketchValue
from casebook.monitor.models.review import Candidate, RejectReason, ReviewDecision

__all__ = ["Candidate", "Feed", "Page", "RejectReason", "ReviewDecision", "SketchValue"]
