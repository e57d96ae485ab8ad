"""The news monitor: feeds, fetching, extraction and the review queue."""
