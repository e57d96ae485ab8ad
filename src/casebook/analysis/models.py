"""The analysis app's tables. Each concept keeps its models in its own package."""

from casebook.analysis.lists.models import CaptureList, ListChannel

__all__ = ["CaptureList", "ListChannel"]
