"""Sources, the channels they reached us through, and the evidence files kept with them."""

from casebook.sources.models.evidence import EvidenceFile
from casebook.sources.models.source import DEFAULT_CHANNELS, Channel, IncidentSource, Source

__all__ = ["DEFAULT_CHANNELS", "Channel", "EvidenceFile", "IncidentSource", "Source"]
