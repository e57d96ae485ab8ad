"""Recognise articles that report police action against protest, and extract candidate
incidents with every field traced to the words it came from.

    >>> from casebook.monitor.extraction import extract_article
    >>> extract_article(article_id="a1", text="...")["relevant"]
    False
"""

from casebook.monitor.extraction.extractor import Extractor, extract_article, warm_up

__all__ = ["Extractor", "extract_article", "warm_up"]
